// Items the catalog reported out of stock, and since when: a restock (stock above zero) of one
// of these is what the back-in-stock trigger fans out. Sold-out items are few, so their ids are
// also kept in memory (loaded at start): the frequent stock changes of items in stock cost no read.

import type { Database } from 'lmdb';
import type { StateStore } from './stateStore.js';

export class SoldOutItems {
  private readonly db: Database<number, string>;
  private readonly ids: Set<string>;

  constructor(store: StateStore) {
    this.db = store.database<string, number>('catalog:sold-out');
    this.ids = new Set(this.db.getKeys());
  }

  /** Notes the item sold out at `time` (the first time counts). Call inside the batch transaction. */
  markSoldOut(itemId: string, time: number): void {
    if (this.ids.has(itemId)) return;
    this.ids.add(itemId);
    this.db.putSync(itemId, time);
  }

  /** The item is in stock again: forgets it and returns when it sold out, if it had. */
  restocked(itemId: string): number | undefined {
    if (!this.ids.delete(itemId)) return undefined;
    const since = this.db.get(itemId);
    this.db.removeSync(itemId);
    return since;
  }

  isSoldOut(itemId: string): boolean {
    return this.ids.has(itemId);
  }
}
