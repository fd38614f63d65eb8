// The latest known state of each catalog item (title, category, price, stock), merged from
// catalog events, so that triggers and templates can name and price what they talk about.

import type { Database } from 'lmdb';
import type { CatalogEvent } from '../src/events/types.js';
import type { StateStore } from './stateStore.js';

export interface CatalogItem {
  itemId: string;
  title?: string;
  categoryId?: string;
  price?: number;
  currency?: string;
  stock?: number;
  updatedAt: number;
}

export class CatalogStore {
  private readonly db: Database<CatalogItem, string>;

  constructor(store: StateStore) {
    this.db = store.database<string, CatalogItem>('catalog');
  }

  get(itemId: string): CatalogItem | undefined {
    return this.db.get(itemId);
  }

  /** Merges a catalog event's fields into the item; returns the item before and after. */
  apply(event: CatalogEvent): { before: CatalogItem | undefined; after: CatalogItem } {
    const before = this.db.get(event.itemId);
    const after: CatalogItem = { ...before, itemId: event.itemId, updatedAt: event.time };
    if (event.title !== undefined) after.title = event.title;
    if (event.categoryId !== undefined) after.categoryId = event.categoryId;
    if (event.price !== undefined) after.price = event.price;
    if (event.currency !== undefined) after.currency = event.currency;
    if (event.stock !== undefined) after.stock = event.stock;
    this.db.putSync(event.itemId, after);
    return { before, after };
  }

  count(): number {
    return this.db.getCount();
  }
}
