// Replay of the 2-hour Taobao slice through the full pipeline (`pushflow replay`), against a
// bare loop over the same file (parse + one LMDB put per line), alternated in the same run so
// that machine noise hits both alike. Reports medians, the ratio, and peak RSS.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { median, runJsonChild } from './childProcess.js';

export interface ReplayBenchResult {
  file: string;
  rounds: number;
  pipeline: { eventsPerSec: number; elapsedMs: number; peakRssMb: number; events: number; notifications: unknown };
  bareLoop: { eventsPerSec: number; elapsedMs: number; peakRssMb: number };
  slowdown: number;
}

export async function replayBench(file: string, rounds = 3): Promise<ReplayBenchResult> {
  const cli = resolve('dist/src/cli/main.js');
  const bare = resolve('dist/bench/bareLoop.js');
  const pipelineRuns: Record<string, any>[] = [];
  const bareRuns: Record<string, any>[] = [];
  for (let round = 0; round < rounds; round++) {
    bareRuns.push(await runJsonChild([bare, file]));
    const dataDir = mkdtempSync(join(tmpdir(), 'pushflow-bench-'));
    try {
      pipelineRuns.push(
        await runJsonChild([cli, 'replay', file, '--format', 'taobao', '--json', '--data-dir', dataDir], { PUSHFLOW_METRICS__ENABLED: 'false' }),
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const pipelineRate = median(pipelineRuns.map((r) => r.eventsPerSec));
  const bareRate = median(bareRuns.map((r) => r.eventsPerSec));
  return {
    file,
    rounds,
    pipeline: {
      eventsPerSec: pipelineRate,
      elapsedMs: median(pipelineRuns.map((r) => r.elapsedMs)),
      peakRssMb: Math.max(...pipelineRuns.map((r) => r.peakRssMb)),
      events: pipelineRuns[0].events,
      notifications: pipelineRuns[0].notifications,
    },
    bareLoop: {
      eventsPerSec: bareRate,
      elapsedMs: median(bareRuns.map((r) => r.elapsedMs)),
      peakRssMb: Math.max(...bareRuns.map((r) => r.peakRssMb)),
    },
    slowdown: Math.round((bareRate / pipelineRate) * 100) / 100,
  };
}
