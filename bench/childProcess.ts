// Runs a node script as a child process and returns the JSON of its last stdout line: each
// benchmark subject gets a fresh process, so its peak RSS is its own.

import { spawn } from 'node:child_process';

/**
 * Extra node flags for every benchmark child, e.g. `PUSHFLOW_BENCH_NODE_ARGS="--cpu-prof
 * --cpu-prof-dir=/tmp/prof"` to profile the subjects (node refuses --cpu-prof in NODE_OPTIONS).
 */
export function benchNodeArgs(): string[] {
  return (process.env.PUSHFLOW_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

export function runJsonChild(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...benchNodeArgs(), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
      } catch (error) {
        reject(new Error(`${args.join(' ')}: no JSON on the last line of stdout: ${(error as Error).message}`));
      }
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
