// `pushflow inspect user ID [--data-dir DIR] [--json]`: what pushflow knows about one user, read
// from the LMDB environment a `run` or `replay` left (LMDB lets this reader in while a process
// writes; it sees the last committed batch). Each part of the system contributes a section.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { StateStore } from '../../state/stateStore.js';
import { StreamProgressStore } from '../../state/streamProgressStore.js';
import { UserStore } from '../../state/userStore.js';
import { profileSection, windowsSection } from '../profile/profileInspection.js';
import { segmentSection } from '../segments/segmentInspection.js';
import { recommendationsSection } from '../recommend/recommendForInspect.js';
import { deliverySection } from '../decide/deliveryStateForInspect.js';
import { behaviorSection } from '../behavior/behaviorScoresForInspect.js';
import { configFromFlags, parseCommand } from './commonOptions.js';
import type { InspectContext, InspectSection, InspectSectionResult } from './inspectSections.js';
import { UsageError } from './usage.js';

const settingsSection: InspectSection = (context, userId) => {
  const settings = new UserStore(context.state).get(userId);
  return settings === undefined ? undefined : { title: 'settings', data: settings };
};

/**
 * The sections, in the order they print. To show yours, add one line, e.g.
 * `(context, userId) => ({ title: 'recommendations', data: recommendForInspect(context.state, context.config, userId, 10) })`.
 */
export const INSPECT_SECTIONS: InspectSection[] = [
  settingsSection,
  profileSection,
  segmentSection,
  windowsSection,
  recommendationsSection,
  behaviorSection,
  deliverySection,
];

export async function inspectCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {});
  const [subject, userId, ...extra] = positionals;
  if (subject !== 'user' || userId === undefined || extra.length > 0) throw new UsageError('inspect takes "user ID"');
  const config = configFromFlags(values);
  const state = openExistingDataDir(config.dataDir);
  try {
    const context: InspectContext = { config, state, asOf: new StreamProgressStore(state).get()?.watermark ?? -Infinity };
    const sections: InspectSectionResult[] = [];
    for (const section of INSPECT_SECTIONS) {
      const result = await section(context, userId);
      if (result !== undefined) sections.push(result);
    }
    const known = sections.some((section) => section.generic !== true);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ userId, dataDir: config.dataDir, sections: Object.fromEntries(sections.map((s) => [s.title, s.data])) })}\n`);
    } else if (!known) {
      process.stdout.write(`user ${userId}: nothing known in ${config.dataDir}\n`);
    } else {
      for (const { title, data, lines } of sections) process.stdout.write(`== ${title} ==\n${lines === undefined ? readable(data) : `${lines.join('\n')}\n`}\n`);
    }
    return known ? 0 : 1;
  } finally {
    await state.close();
  }
}

/** YAML, with lists of numbers (histograms, vectors) on one line each. */
function readable(data: unknown): string {
  const document = new YAML.Document(data);
  YAML.visit(document, {
    Seq(_, node) {
      if (node.items.every((item) => YAML.isScalar(item) && typeof item.value === 'number')) node.flow = true;
    },
  });
  return document.toString({ lineWidth: 0 });
}

/** Opens the LMDB environment of a data directory that a run or replay created; never creates one. */
export function openExistingDataDir(dataDir: string): StateStore {
  if (!existsSync(join(dataDir, 'data.mdb'))) {
    throw new UsageError(`no pushflow data in ${resolve(dataDir)} (no data.mdb there): give the --data-dir of a run or replay`);
  }
  return new StateStore({ path: dataDir, flushEachCommit: false });
}
