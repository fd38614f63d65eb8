// Starts a real single-node Kafka 3.9 broker (KRaft, no ZooKeeper) from the jars that
// scripts/kafka/fetch-jars.sh caches in .cache/kafka/libs: for integration tests, benchmarks and
// a local try-out. No Docker: the broker is `java kafka.Kafka` on free ports with its data in a temp dir.

import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
// The readiness probe needs what createKafkaClient does not offer (no retries, short request
// timeout, no logs while the broker boots), so this tooling module talks to kafkajs directly.
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { projectRoot } from '../config/projectRoot.js';

// From src/kafka/ and from dist/src/kafka/ alike.
const repoRoot = projectRoot();
const kafkaCache = join(repoRoot, '.cache', 'kafka');
const libsDir = join(kafkaCache, 'libs');
/** Written by fetch-jars.sh after a complete copy. */
const libsMarker = join(kafkaCache, 'libs.complete');
const log4jConfig = join(repoRoot, 'scripts', 'kafka', 'log4j.properties');

const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 20_000;

export interface KafkaBroker {
  /** `127.0.0.1:<port>`: kafkajs mishandles `localhost` when it resolves to `::1`. */
  brokers: string[];
  /** SIGTERM (a clean shutdown), SIGKILL after 20 s; removes the temp dir it created. */
  stop(): Promise<void>;
}

/** Whether fetch-jars.sh has completed, i.e. a broker can be started without the network. */
export function kafkaJarsPresent(): boolean {
  return existsSync(libsMarker);
}

/**
 * Starts a broker and resolves once it is ready (see `waitUntilReady`; 90 s at most).
 * `dir` holds its config, data and `broker.log`: by default a fresh temp dir, removed by `stop()`
 * (but kept when the start fails). A given `dir` is kept, and a broker started again on it finds
 * its topics and offsets there.
 */
export async function startKafkaBroker(opts: { dir?: string } = {}): Promise<KafkaBroker> {
  if (!kafkaJarsPresent()) {
    throw new Error(`Kafka jars missing in ${libsDir}: run \`bash scripts/kafka/fetch-jars.sh\``);
  }
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'pushflow-kafka-'));
  mkdirSync(dir, { recursive: true });
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const classpath = join(libsDir, '*'); // expanded by the JVM itself, no shell involved
  const logFile = join(dir, 'broker.log');

  // A restart on the same dir keeps the ports, so that clients of the first broker reconnect.
  const propsFile = join(dir, 'server.properties');
  const [port, controllerPort] = previousPorts(propsFile) ?? (await freePorts(2));
  writeFileSync(propsFile, serverProperties({ port, controllerPort, logDir: join(dir, 'data') }));

  const jvmArgs = ['-cp', classpath, `-Dlog4j.configuration=file:${log4jConfig}`, '-Djava.awt.headless=true'];
  // Formatting an already formatted dir with another cluster id fails, even with --ignore-formatted.
  if (!existsSync(join(dir, 'data', 'meta.properties'))) await formatStorage(java, jvmArgs, propsFile);

  const logFd = openSync(logFile, 'a');
  const broker = spawn(java, ['-Xmx512m', '-Xms128m', ...jvmArgs, 'kafka.Kafka', propsFile], {
    cwd: dir,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  /** Resolves with how the broker ended: `code 1`, `signal SIGKILL`, or a spawn error. */
  const exited = new Promise<string>((resolveExit) => {
    broker.once('exit', (code, signal) => resolveExit(code !== null ? `code ${code}` : `signal ${signal}`));
    broker.once('error', (error) => resolveExit(`spawn error: ${error.message}`));
  });
  const watchdog = startWatchdog(broker, ownDir ? dir : undefined);

  let stopping: Promise<void> | undefined;
  const stop = ({ keepDir = false } = {}): Promise<void> => {
    stopping ??= (async () => {
      watchdog.kill('SIGKILL');
      if (broker.exitCode === null && broker.signalCode === null) {
        broker.kill('SIGTERM');
        const timer = setTimeout(() => broker.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      if (ownDir && !keepDir) rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const brokers = [`127.0.0.1:${port}`];
  try {
    await waitUntilReady(brokers, exited, logFile);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await stop({ keepDir: true }); // left for inspection
    throw new Error(`${message}\n--- last lines of the broker log (${logFile}) ---\n${logTail(logFile, 40)}`);
  }
  return { brokers, stop: () => stop() };
}

function serverProperties(p: { port: number; controllerPort: number; logDir: string }): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${p.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${p.port},CONTROLLER://127.0.0.1:${p.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${p.port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${p.logDir}`,
    'num.partitions=1',
    'auto.create.topics.enable=true',
    // One broker: replication factor 1 everywhere, or __consumer_offsets cannot be created.
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    // Consumer groups start at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

async function formatStorage(java: string, jvmArgs: string[], propsFile: string): Promise<void> {
  const clusterId = randomBytes(16).toString('base64url'); // 22 characters, as Kafka's Uuid wants
  // `--cluster-id=<id>`, not `-t <id>`: one id in 64 starts with '-', which the tool's argument
  // parser then takes for an option and fails ("expected one argument").
  const args = ['-Xmx256m', ...jvmArgs, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', propsFile];
  try {
    await promisify(execFile)(java, [...args, '--ignore-formatted']);
  } catch (error) {
    // execFile's message already holds the command and its stderr.
    const e = error as { message: string; stdout?: string };
    throw new Error(`Kafka StorageTool format failed: ${e.message}\n${e.stdout ?? ''}`);
  }
}

function previousPorts(propsFile: string): [number, number] | undefined {
  if (!existsSync(propsFile)) return undefined;
  const listeners = /^listeners=PLAINTEXT:\/\/127\.0\.0\.1:(\d+),CONTROLLER:\/\/127\.0\.0\.1:(\d+)$/m.exec(
    readFileSync(propsFile, 'utf8'),
  );
  return listeners ? [Number(listeners[1]), Number(listeners[2])] : undefined;
}

/** Ports free right now on 127.0.0.1, held open together so that they differ. */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolvePort, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            if (address && typeof address === 'object') resolvePort(address.port);
            else reject(new Error('no port'));
          });
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  return ports;
}

/**
 * Ready means: describeCluster() answers, the group coordinator has loaded __consumer_offsets,
 * and the broker hands out producer ids. The last two are lazy in Kafka; warming them here keeps
 * the first test from meeting (and kafkajs from logging) "the coordinator is loading" errors.
 */
async function waitUntilReady(brokers: string[], exited: Promise<string>, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exit: string | undefined;
  void exited.then((how) => {
    exit = how;
  });
  const kafka = new Kafka({
    clientId: 'pushflow-test-probe',
    brokers,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const steps: Array<[string, () => Promise<void>]> = [
    [
      'describeCluster',
      () =>
        withAdmin(kafka, async (admin) => {
          const cluster = await admin.describeCluster();
          if (cluster.brokers.length === 0) throw new Error('describeCluster() listed no broker');
        }),
    ],
    [
      'group coordinator',
      () =>
        withAdmin(kafka, async (admin) => {
          await admin.describeCluster(); // loads the metadata that finding a coordinator needs
          await admin.describeGroups(['pushflow-test-warmup']); // throws while the coordinator loads
        }),
    ],
    [
      'idempotent produce',
      async () => {
        const topic = 'pushflow-test-warmup';
        await withAdmin(kafka, (admin) => admin.createTopics({ topics: [{ topic }], waitForLeaders: true }));
        // kafkajs refuses an idempotent producer without retries (the probe client has none).
        const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3 } });
        try {
          await producer.connect();
          await producer.send({ topic, acks: -1, messages: [{ value: 'warmup' }] });
        } finally {
          await producer.disconnect().catch(() => undefined);
        }
      },
    ],
  ];
  for (const [name, step] of steps) {
    let lastError = 'no attempt';
    for (;;) {
      if (exit !== undefined) {
        throw new Error(`Kafka broker exited (${exit}) before it was ready; log: ${logFile}`);
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Kafka broker at ${brokers.join(',')} not ready after ${READY_TIMEOUT_MS / 1000} s ` +
            `(waiting for ${name}; last error: ${lastError})`,
        );
      }
      try {
        await step();
        break;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

async function withAdmin<T>(kafka: Kafka, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function logTail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * A detached `sh` that ends the broker if this process dies without calling stop() (a killed
 * test run): it blocks reading a pipe from us, and EOF on that pipe means we are gone.
 */
function startWatchdog(broker: ChildProcess, dirToRemove: string | undefined): ChildProcess {
  const script =
    'read _ignored; kill -TERM "$1" 2>/dev/null; i=0; ' +
    'while kill -0 "$1" 2>/dev/null && [ "$i" -lt 20 ]; do sleep 1; i=$((i+1)); done; ' +
    'kill -KILL "$1" 2>/dev/null; if [ -n "$2" ]; then rm -rf "$2"; fi';
  const watchdog = spawn('sh', ['-c', script, 'kafka-watchdog', String(broker.pid), dirToRemove ?? ''], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Neither the watchdog nor its pipe may keep the test process alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}
