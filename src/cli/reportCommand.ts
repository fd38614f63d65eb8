// `pushflow report experiments [--data-dir DIR] [--json]`: per experiment and arm, the counts a
// run, replay or simulation left in LMDB, rates with 95% intervals, lift against the control and
// the holdout, and whether it is significant (src/learn/experimentReport.ts).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { experimentsReport, formatExperimentsReport } from '../learn/experimentReport.js';
import { StateStore } from '../../state/stateStore.js';
import { configFromFlags, parseCommand } from './commonOptions.js';
import { UsageError } from './usage.js';

const SUBJECTS = ['experiments'];

export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {});
  const [subject, ...rest] = positionals;
  if (subject === undefined || !SUBJECTS.includes(subject)) {
    throw new UsageError(subject === undefined ? 'report needs a subject: "report experiments"' : `unknown report subject "${subject}"`);
  }
  if (rest.length > 0) throw new UsageError(`report ${subject} takes no further arguments, got "${rest.join(' ')}"`);
  const config = configFromFlags(values);
  if (!existsSync(join(config.dataDir, 'data.mdb'))) throw new UsageError(`no pushflow state in ${config.dataDir} (give --data-dir of a run, replay or simulation)`);
  const state = new StateStore({ path: config.dataDir, flushEachCommit: false });
  try {
    const reports = experimentsReport(state, config);
    process.stdout.write(values.json ? `${JSON.stringify(reports)}\n` : formatExperimentsReport(reports));
    return 0;
  } finally {
    await state.close();
  }
}
