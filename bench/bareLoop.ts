// The baseline the replay benchmark is measured against: read the same file the same way,
// parse each line and do one LMDB put, committing as often as the replay does (its
// `file.batchSize`, by default). Runs as its own process.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore } from '../state/stateStore.js';
import { lineBatches } from '../src/sources/lineBatches.js';
import { loadConfig } from '../src/config/loadConfig.js';

const [file, batchSize = String(loadConfig().file.batchSize)] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'pushflow-bare-'));
const store = new StateStore({ path: dir });
const db = store.database<string, string>('bare', { encoding: 'string' });
let events = 0;
let peakRss = process.memoryUsage.rss();
const started = performance.now();
for await (const lines of lineBatches(file, Number(batchSize))) {
  store.transaction(() => {
    for (const { text } of lines) {
      const [userId, itemId, , behavior, seconds] = text.split(',');
      db.putSync(`${userId}:${itemId}:${behavior}:${seconds}`, behavior);
      events++;
    }
  });
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}
const elapsedMs = performance.now() - started;
await store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ events, elapsedMs: Math.round(elapsedMs), eventsPerSec: Math.round((events / elapsedMs) * 1000), peakRssMb: Math.round(peakRss / 1048576) })}\n`,
);
