// Small synthetic shoppers for the behaviour model's tests: each user has favourite categories
// visited in a cycle, two sessions a day at the user's own hours, and now and then a cart and a
// purchase. Deterministic (seeded), a few thousand events: enough for a tiny model to learn from.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type PushflowConfig } from '../../src/config/schema.js';
import type { BehaviorEvent } from '../../src/events/types.js';
import { seededRandom } from '../../src/behavior/seededShuffle.js';
import { StateStore } from '../../state/stateStore.js';
import { BehaviorSequenceStore } from '../../state/behaviorSequenceStore.js';

export const DAY_MS = 86_400_000;
export const START = Date.UTC(2026, 0, 5);

export function shopperEvents(users = 30, days = 4, seed = 7): BehaviorEvent[] {
  const random = seededRandom(seed);
  const events: BehaviorEvent[] = [];
  let id = 0;
  for (let u = 0; u < users; u++) {
    const favourites = [u % 6, (u + 1) % 6, 6 + (u % 3)].map((c) => `cat${c}`);
    const hours = [8 + (u % 4), 19 + (u % 3)];
    for (let d = 0; d < days; d++) {
      for (const hour of hours) {
        let time = START + d * DAY_MS + hour * 3_600_000 + Math.floor(random() * 600_000);
        const length = 4 + Math.floor(random() * 5);
        for (let i = 0; i < length; i++) {
          const type = i === length - 1 && random() < 0.3 ? 'purchase' : random() < 0.15 ? 'add_to_cart' : 'view';
          events.push({ kind: 'behavior', id: `e${id++}`, type, userId: `u${u}`, itemId: `i${u}-${i}`, categoryId: favourites[(d + i) % 3], time });
          time += 30_000 + Math.floor(random() * 120_000);
        }
      }
    }
  }
  return events.sort((a, b) => a.time - b.time);
}

/** The `behavior` section of a tiny model with a fast round, for tests; `behavior` overrides it (training and scoring merged). */
export function tinyBehavior(behavior: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    bufferLength: 24,
    sequenceLength: 4,
    vocabularySize: 8,
    inputCategories: 4,
    hiddenUnits: 4,
    backend: 'wasm',
    ...behavior,
    training: { runIn: 'main', maxExamples: 300, epochs: 1, batchSize: 64, holdoutFraction: 0.2, minUsers: 5, firstRoundAfterSeconds: 3600, ...(behavior.training as object) },
    scoring: { batchSize: 8, ...(behavior.scoring as object) },
  };
}

/** A tiny model and a fast round, for tests. */
export function tinyConfig(dataDir: string, behavior: Record<string, unknown> = {}): PushflowConfig {
  return configSchema.parse({ dataDir, behavior: tinyBehavior(behavior) });
}

/** A data directory whose LMDB holds the users' sequences, as the pipeline would have kept them. */
export class SequenceFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'pushflow-behavior-'));
  readonly store = new StateStore({ path: this.dir, flushEachCommit: false });

  constructor(readonly capacity = 24) {}

  sequences(): BehaviorSequenceStore {
    return new BehaviorSequenceStore(this.store, this.capacity);
  }

  append(events: BehaviorEvent[]): void {
    const sequences = this.sequences();
    this.store.transaction(() => {
      for (const event of events) sequences.append(event);
    });
  }

  async close(): Promise<void> {
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
