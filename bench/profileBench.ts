// The two benchmarks of profiles and segments (issue #3), figures in docs/PROFILES.md:
// - quality: replays the 815-user Taobao file, then compares the streaming segments' inertia on
//   the users' final profile vectors with batch k-means (Lloyd, k-means++, best of 10 restarts)
//   on the same standardized vectors and k;
// - cost: replays the 2-hour Taobao slice with and without the windows, profiles and segments
//   (`profile.enabled`, `segments.enabled`), alternating, and reports the share of the full
//   pipeline's per-event time they take.
// Usage: node dist/bench/profileBench.js [quality|cost ...] [--rounds N]

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { configSchema } from '../src/config/schema.js';
import { DAY_MS } from '../src/profile/userProfile.js';
import { lloydKMeans } from '../src/segments/lloydKMeans.js';
import { FEATURE_NAMES, profileVector } from '../src/segments/profileVector.js';
import { SegmentModel } from '../src/segments/segmentModel.js';
import { SeededRandom } from '../src/segments/seededRandom.js';
import { nearest, squaredDistance } from '../src/segments/vectorMath.js';
import { ProfileStore } from '../state/profileStore.js';
import { SegmentStore } from '../state/segmentStore.js';
import { StateStore } from '../state/stateStore.js';
import { median } from './childProcess.js';

const NINE_DAYS = '../shared/data/taobao/UserBehavior-815users-9days.csv';
const TWO_HOURS = '../shared/data/taobao/UserBehavior-2h-slice.csv';
const CLI = resolve('dist/src/cli/main.js');
const WITHOUT = { PUSHFLOW_PROFILE__ENABLED: 'false', PUSHFLOW_SEGMENTS__ENABLED: 'false' };

interface Replay {
  summary: Record<string, any>;
  /** User + system CPU seconds of the process, when /usr/bin/time is there to say. */
  cpuSeconds?: number;
}

/** Replays `file` into `dataDir` through the CLI, as a fresh process. */
function replay(file: string, dataDir: string, env: Record<string, string> = {}): Promise<Replay> {
  const args = [CLI, 'replay', file, '--format', 'taobao', '--json', '--data-dir', dataDir];
  const timed = existsSync('/usr/bin/time');
  const [command, argv] = timed ? ['/usr/bin/time', ['-f', 'cpu-seconds %U %S', process.execPath, ...args]] : [process.execPath, args];
  return new Promise((done, fail) => {
    const child = spawn(command, argv, { env: { ...process.env, PUSHFLOW_METRICS__ENABLED: 'false', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`replay of ${file} exited ${code}: ${stderr.slice(-2000)}`));
      const cpu = /cpu-seconds ([\d.]+) ([\d.]+)/.exec(stderr);
      done({ summary: JSON.parse(stdout.trim().split('\n').at(-1)!), cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined });
    });
  });
}

export interface QualityResult {
  file: string;
  users: number;
  k: number;
  /** Σ over users of the squared standardized distance to the centroid of their stored segment. */
  streamingInertia: number;
  /** The same with each user's nearest centroid instead of their stored segment. */
  streamingInertiaNearest: number;
  /** Lloyd, k-means++ seeding, best of 10 restarts, on the same vectors. */
  batchInertia: number;
  ratio: number;
  ratioNearest: number;
  replayMs: number;
}

export async function qualityBench(file = NINE_DAYS): Promise<QualityResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pushflow-segments-bench-'));
  try {
    const { summary } = await replay(file, dataDir);
    const config = configSchema.parse({ dataDir });
    const state = new StateStore({ path: dataDir, flushEachCommit: false });
    try {
      const stored = SegmentStore.open(state).stored();
      if (!stored?.seeded) throw new Error(`no segments after replaying ${file}`);
      const model = SegmentModel.restore(stored, { ...config.segments, k: stored.k }, FEATURE_NAMES);
      const halfLifeMs = config.profile.affinityHalfLifeDays * DAY_MS;
      // The final profile vectors, standardized with the model's final statistics.
      const users = [...ProfileStore.open(state, config.profile).all()];
      const z = users.map((profile) => model.standardizer.standardize(profileVector(profile, halfLifeMs)));
      const centroids = model.kMeans!.centroids.map((c) => model.standardizer.standardize(c));
      let assigned = 0;
      let nearestSum = 0;
      users.forEach((profile, i) => {
        const best = nearest(z[i], centroids);
        nearestSum += best.distance;
        assigned += profile.segment === undefined ? best.distance : squaredDistance(z[i], centroids[profile.segment]);
      });
      const batch = lloydKMeans(z, stored.k, { random: new SeededRandom(1), restarts: 10, maxIterations: 300 });
      return {
        file,
        users: users.length,
        k: stored.k,
        streamingInertia: round(assigned),
        streamingInertiaNearest: round(nearestSum),
        batchInertia: round(batch.inertia),
        ratio: round(assigned / batch.inertia, 3),
        ratioNearest: round(nearestSum / batch.inertia, 3),
        replayMs: summary.elapsedMs,
      };
    } finally {
      await state.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface CostResult {
  file: string;
  rounds: number;
  events: number;
  with: { eventsPerSec: number; usPerEvent: number; cpuUsPerEvent?: number };
  without: { eventsPerSec: number; usPerEvent: number; cpuUsPerEvent?: number };
  /** (with − without) / with: the share of the full pipeline's per-event time they take. */
  shareOfFullPipeline: number;
  /** The same measured in CPU time (steadier on a shared machine). */
  shareOfFullPipelineCpu?: number;
}

export async function costBench(file = TWO_HOURS, rounds = 5): Promise<CostResult> {
  const runs: Record<'with' | 'without', Replay[]> = { with: [], without: [] };
  for (let round = 0; round < rounds; round++) {
    for (const variant of ['without', 'with'] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), 'pushflow-cost-bench-'));
      try {
        runs[variant].push(await replay(file, dataDir, variant === 'with' ? {} : WITHOUT));
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  const events = runs.with[0].summary.events as number;
  const figures = (variant: Replay[]) => {
    const eventsPerSec = median(variant.map((r) => r.summary.eventsPerSec));
    const cpu = variant.every((r) => r.cpuSeconds !== undefined) ? median(variant.map((r) => r.cpuSeconds!)) : undefined;
    return { eventsPerSec, usPerEvent: round(1e6 / eventsPerSec, 2), ...(cpu === undefined ? {} : { cpuUsPerEvent: round((cpu * 1e6) / events, 2) }) };
  };
  const withMine = figures(runs.with);
  const without = figures(runs.without);
  const result: CostResult = {
    file,
    rounds,
    events,
    with: withMine,
    without,
    shareOfFullPipeline: round((withMine.usPerEvent - without.usPerEvent) / withMine.usPerEvent, 3),
  };
  if (withMine.cpuUsPerEvent !== undefined && without.cpuUsPerEvent !== undefined) {
    result.shareOfFullPipelineCpu = round((withMine.cpuUsPerEvent - without.cpuUsPerEvent) / withMine.cpuUsPerEvent, 3);
  }
  return result;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

if (process.argv[1] && resolve(process.argv[1]) === resolve('dist/bench/profileBench.js')) {
  const args = process.argv.slice(2);
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 5;
  const wanted = new Set(args.filter((arg, i) => !arg.startsWith('--') && (roundsAt < 0 || i !== roundsAt + 1)));
  const want = (name: string) => wanted.size === 0 || wanted.has(name);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  if (want('quality')) console.log('quality', JSON.stringify(await qualityBench(), null, 2));
  if (want('cost')) console.log('cost', JSON.stringify(await costBench(TWO_HOURS, rounds), null, 2));
}
