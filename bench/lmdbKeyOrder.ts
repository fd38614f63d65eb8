// `node dist/bench/lmdbKeyOrder.js`: what one LMDB put costs inside the decide loop's
// transactions (1,000 puts each, msgpack values of a sent-notification's size) when keys arrive in
// order (the outbox's sequence, a batch record) and when they are random (a notification id, a
// user id), as the database grows. It explains where the decide bench's state writes go: a
// random key dirties its own B-tree page in every transaction, an ordered one shares the last.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash } from 'node:crypto';
import { StateStore } from '../state/stateStore.js';

const TRANSACTION = 1_000;

export interface KeyOrderRound {
  /** Entries in the database after the round. */
  entries: number;
  orderedMicros: number;
  randomMicros: number;
}

function sentRecord(id: string, i: number) {
  return { id, userId: `user-${i % 20_000}`, type: 'abandoned_cart', channel: 'push', variant: 'a', priority: 'marketing', sentAt: 1_762_041_600_000 + i, arms: { all: 'all' }, segment: 'all', bandit: true, itemIds: [`item-${i % 5_000}`] };
}

export async function lmdbKeyOrderBench(perRound = 60_000, rounds = 5): Promise<KeyOrderRound[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pushflow-key-order-'));
  const store = new StateStore({ path: dir, flushEachCommit: false });
  const ordered = store.database<number, unknown>('bench:ordered');
  const random = store.database<string, unknown>('bench:random');
  const results: KeyOrderRound[] = [];
  let sequence = 0;
  const timed = (put: (i: number) => void, from: number) => {
    const started = performance.now();
    for (let start = 0; start < perRound; start += TRANSACTION) {
      store.transaction(() => {
        for (let i = start; i < start + TRANSACTION; i++) put(from + i);
      });
    }
    return ((performance.now() - started) * 1000) / perRound;
  };
  for (let round = 0; round < rounds; round++) {
    const from = round * perRound;
    const ids = Array.from({ length: perRound }, (_, i) => hash('sha256', `n${from + i}`, 'base64url').slice(0, 24));
    // Alternated in the same process, the same values: only the key order differs.
    const orderedMicros = timed((i) => ordered.putSync(sequence++, sentRecord(ids[i - from], i)), from);
    const randomMicros = timed((i) => random.putSync(ids[i - from], sentRecord(ids[i - from], i)), from);
    results.push({ entries: from + perRound, orderedMicros: Number(orderedMicros.toFixed(2)), randomMicros: Number(randomMicros.toFixed(2)) });
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await lmdbKeyOrderBench(), null, 2));
}
