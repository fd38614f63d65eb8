// Replay of the 2-hour Taobao slice through each pipeline tree (`pushflow replay`, bench/
// pipelineTrees.ts), against a bare loop over the same file (parse + one LMDB put per line),
// alternated in the same run so that machine noise hits all alike. Reports medians, each tree's
// slowdown against the bare loop, and peak RSS.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median, runJsonChild } from './childProcess.js';
import { pipelineTrees } from './pipelineTrees.js';

interface TreeResult {
  tree: string;
  eventsPerSec: number;
  elapsedMs: number;
  peakRssMb: number;
  events: number;
  notifications: unknown;
  /** Bare-loop rate / this tree's rate. */
  slowdown: number;
}

export interface ReplayBenchResult {
  file: string;
  rounds: number;
  bareLoop: { eventsPerSec: number; elapsedMs: number; peakRssMb: number };
  trees: TreeResult[];
}

export async function replayBench(file: string, rounds = 3): Promise<ReplayBenchResult> {
  const cli = resolve('dist/src/cli/main.js');
  const bare = resolve('dist/bench/bareLoop.js');
  const trees = pipelineTrees();
  const runs = new Map<string, Record<string, any>[]>(trees.map((tree) => [tree.name, []]));
  const bareRuns: Record<string, any>[] = [];
  for (let round = 0; round < rounds; round++) {
    bareRuns.push(await runJsonChild([bare, file]));
    for (const tree of trees) {
      const dataDir = mkdtempSync(join(tmpdir(), 'pushflow-bench-'));
      try {
        runs.get(tree.name)!.push(
          await runJsonChild([cli, 'replay', file, '--format', 'taobao', '--json', '--data-dir', dataDir], { PUSHFLOW_METRICS__ENABLED: 'false', ...tree.env }),
        );
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  const bareRate = median(bareRuns.map((r) => r.eventsPerSec));
  return {
    file,
    rounds,
    bareLoop: {
      eventsPerSec: bareRate,
      elapsedMs: median(bareRuns.map((r) => r.elapsedMs)),
      peakRssMb: Math.max(...bareRuns.map((r) => r.peakRssMb)),
    },
    trees: trees.map(({ name }) => {
      const treeRuns = runs.get(name)!;
      const rate = median(treeRuns.map((r) => r.eventsPerSec));
      return {
        tree: name,
        eventsPerSec: rate,
        elapsedMs: median(treeRuns.map((r) => r.elapsedMs)),
        peakRssMb: Math.max(...treeRuns.map((r) => r.peakRssMb)),
        events: treeRuns[0].events,
        notifications: treeRuns[0].notifications,
        slowdown: Math.round((bareRate / rate) * 100) / 100,
      };
    }),
  };
}
