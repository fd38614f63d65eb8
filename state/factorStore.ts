// The eALS factors: one row of K float32 values per user and per item, stored as raw bytes
// under the id, so that the model survives a restart. The factor count is stored too: rows of
// a different K (after a configuration change) are not loaded, and the model starts afresh.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';

export type FactorSide = 'user' | 'item';

export class FactorStore {
  private readonly rows: Record<FactorSide, Database<Buffer, string>>;
  private readonly meta: Database<number, string>;

  constructor(store: StateStore) {
    this.rows = {
      user: store.database<string, Buffer>('recs:user-factors', { encoding: 'binary' }),
      item: store.database<string, Buffer>('recs:item-factors', { encoding: 'binary' }),
    };
    this.meta = store.database<string, number>('recs:factor-meta');
  }

  /** The factor count the stored rows have, if any were stored. */
  factorCount(): number | undefined {
    return this.meta.get('factors');
  }

  /** Call inside the batch transaction. */
  setFactorCount(k: number): void {
    if (this.meta.get('factors') !== k) this.meta.putSync('factors', k);
  }

  /** Call inside the batch transaction. */
  put(side: FactorSide, id: string, row: Float32Array): void {
    this.rows[side].putSync(id, Buffer.from(row.buffer, row.byteOffset, row.byteLength));
  }

  get(side: FactorSide, id: string): Float32Array | undefined {
    const bytes = this.rows[side].get(id);
    return bytes === undefined ? undefined : toFloat32(bytes);
  }

  *all(side: FactorSide): Generator<{ id: string; row: Float32Array }> {
    for (const { key, value } of this.rows[side].getRange()) yield { id: key, row: toFloat32(value) };
  }

  count(side: FactorSide): number {
    return this.rows[side].getCount();
  }
}

/** Copies the bytes: LMDB may hand out a buffer it reuses, and a Float32Array needs alignment. */
function toFloat32(bytes: Buffer): Float32Array {
  const row = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(row.buffer).set(bytes);
  return row;
}
