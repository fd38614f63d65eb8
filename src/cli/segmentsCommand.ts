// `pushflow segments [--data-dir DIR] [--json]`: the user segments a run or replay left in LMDB,
// each with its size, its description, and its centroid in the features' own units.

import { describeStoredSegments, storedSegments } from '../segments/segmentInspection.js';
import { SEGMENT_FEATURES } from '../segments/profileVector.js';
import { configFromFlags, parseCommand } from './commonOptions.js';
import { openExistingDataDir } from './inspectCommand.js';
import { UsageError } from './usage.js';

export async function segmentsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {});
  if (positionals.length > 0) throw new UsageError(`segments takes no arguments, got "${positionals.join(' ')}"`);
  const config = configFromFlags(values);
  const state = openExistingDataDir(config.dataDir);
  try {
    const context = { config, state };
    const model = storedSegments(context);
    if (model === undefined) {
      process.stdout.write(`no segments in ${config.dataDir} yet (the model seeds after ${config.segments.seedAfterUsers} users)\n`);
      return 1;
    }
    const segments = describeStoredSegments(context);
    const summary = {
      k: segments.length,
      users: segments.reduce((sum, s) => sum + s.size, 0),
      updates: model.updates,
      reseeds: model.reseeds,
      lastInertiaPerUser: round(model.lastInertia),
      features: SEGMENT_FEATURES.map(({ name, unit }) => ({ name, unit })),
      segments,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return 0;
    }
    const out: string[] = [`${summary.k} segments, ${summary.users} users, ${summary.updates} mini-batch updates, ${summary.reseeds} re-seeded`, ''];
    for (const segment of segments) out.push(`#${segment.segment}  ${String(segment.size).padStart(7)} users  ${segment.description}`);
    out.push('', 'centroids (feature units):');
    const header = ['feature'.padEnd(20), ...segments.map((s) => `#${s.segment}`.padStart(10))].join('');
    out.push(header);
    for (const { name, unit } of SEGMENT_FEATURES) {
      out.push([name.padEnd(20), ...segments.map((s) => fmt(s.centroid[name]).padStart(10))].join('') + `   ${unit}`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    await state.close();
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
const fmt = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2));
