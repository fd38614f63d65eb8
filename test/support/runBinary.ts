// Spawns the built `pushflow` binary (dist/) for CLI-level tests, collecting its output.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';

export const BINARY = resolve('dist/src/cli/main.js');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningBinary {
  child: ChildProcessWithoutNullStreams;
  output: { stdout: string; stderr: string };
  finished: Promise<Finished>;
  /** Resolves with the first match of `pattern` in stderr, or rejects after `timeoutMs`. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export function startBinary(args: string[], env: NodeJS.ProcessEnv = {}): RunningBinary {
  const child = spawn(process.execPath, [BINARY, ...args], { env: { ...process.env, ...env } });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const finished = new Promise<Finished>((done) =>
    child.on('exit', (code, signal) => done({ code, signal, stdout: output.stdout, stderr: output.stderr })),
  );
  const waitForStderr = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolveMatch, reject) => {
      const deadline = Date.now() + timeoutMs;
      const poll = () => {
        const match = output.stderr.match(pattern);
        if (match) return resolveMatch(match);
        if (Date.now() > deadline) return reject(new Error(`no ${pattern} in stderr within ${timeoutMs} ms:\n${output.stderr}`));
        setTimeout(poll, 25);
      };
      poll();
    });
  return { child, output, finished, waitForStderr };
}

export function runBinary(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return startBinary(args, env).finished;
}

export const lastJsonLine = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);
