// The built pushflow binary (dist/src/cli/main.js) as a child process, driven the way an operator
// drives it: flags, PUSHFLOW_* environment overrides, signals, stdout/stderr, and /metrics.

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { GiveUp } from './eventually.js';

export const PUSHFLOW_BINARY = resolve('dist/src/cli/main.js');

export interface PushflowExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface PushflowChild {
  readonly pid: number;
  /** Settles when the process has exited, however it ended. */
  readonly exited: Promise<PushflowExit>;
  /** The port of its /metrics server, from its `metrics on http://...` log line. */
  readonly metricsPort: Promise<number>;
  stdout(): string;
  stderr(): string;
  /** Sum of every sample of a metric on its /metrics page (0 when absent). */
  metric(name: string): Promise<number>;
  kill(signal: NodeJS.Signals): void;
  /** Whether the process has not exited yet. */
  running(): boolean;
  /** Throws GiveUp, with the end of its stderr, if the process has exited: for `eventually` checks. */
  assertRunning(): void;
}

/** Spawns `node dist/src/cli/main.js ...args` with `env` over the test's environment. */
export function startPushflow(args: string[], env: NodeJS.ProcessEnv = {}): PushflowChild {
  const child = spawn(process.execPath, [PUSHFLOW_BINARY, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exitedYet = false;
  const exited = new Promise<PushflowExit>((done) => {
    child.once('exit', (code, signal) => {
      exitedYet = true;
      done({ code, signal, stdout, stderr });
    });
  });
  const metricsPort = new Promise<number>((found, fail) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /metrics on http:\/\/[^:\s]+:(\d+)\/metrics/.exec(stderr);
      if (match) found(Number(match[1]));
    });
    void exited.then((how) => fail(new Error(`pushflow exited (${how.code ?? how.signal}) before serving metrics:\n${how.stderr}`)));
  });
  metricsPort.catch(() => undefined); // observed only by callers that ask for it
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));

  return {
    pid: child.pid!,
    exited,
    metricsPort,
    stdout: () => stdout,
    stderr: () => stderr,
    async metric(name) {
      const response = await fetch(`http://127.0.0.1:${await metricsPort}/metrics`);
      return sumOfSamples(await response.text(), name);
    },
    kill: (signal) => void child.kill(signal),
    running: () => !exitedYet,
    assertRunning() {
      if (exitedYet) throw new GiveUp(`pushflow exited early (pid ${child.pid}):\n${stderr.slice(-3000)}`);
    },
  };
}

/** Runs `node dist/src/cli/main.js ...args` to its end. */
export function runPushflow(args: string[], env: NodeJS.ProcessEnv = {}): Promise<PushflowExit> {
  return startPushflow(args, env).exited;
}

/** Sums `name` and `name{...}` samples of a Prometheus text page. */
export function sumOfSamples(page: string, name: string): number {
  let sum = 0;
  for (const line of page.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** The JSON summary `--json` prints as the last line of stdout. */
export function lastJsonLine(stdout: string): Record<string, any> {
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

export interface KafkaRunTopics {
  brokers: string[];
  inputTopic: string;
  outputTopic: string;
  groupId: string;
}

/** `pushflow run` from Kafka to Kafka on `dataDir`, with its JSON summary at exit. */
export function kafkaRunArgs(dataDir: string): string[] {
  return ['run', '--source', 'kafka', '--sink', 'kafka', '--data-dir', dataDir, '--json'];
}

/**
 * The environment of a test run on Kafka: its topics and group, a 6 s session timeout (so that a
 * restart does not wait 30 s for a killed predecessor to leave the group), metrics on a free
 * port, and an idle timeout long enough that event time only ever moves with the events.
 */
export function kafkaRunEnv(topics: KafkaRunTopics): Record<string, string> {
  return {
    PUSHFLOW_KAFKA__BROKERS: topics.brokers.join(','),
    PUSHFLOW_KAFKA__INPUT_TOPIC: topics.inputTopic,
    PUSHFLOW_KAFKA__OUTPUT_TOPIC: topics.outputTopic,
    PUSHFLOW_KAFKA__GROUP_ID: topics.groupId,
    PUSHFLOW_KAFKA__SESSION_TIMEOUT_MS: '6000',
    PUSHFLOW_METRICS__PORT: '0',
    PUSHFLOW_TIME__IDLE_TIMEOUT_MS: '3600000',
  };
}
