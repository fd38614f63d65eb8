// Which items may be recommended to one user right now: not what they already interacted with
// (when re-visits are excluded) or bought (when purchases are), not out of stock, and within the
// category asked for. Built per request; the user's own items are marked in a scratch array
// so the scans test them with one load, and the stock check (an LMDB read in the pipeline) is
// only asked of items that would otherwise make the list.

import type { InteractionMatrix } from './interactionMatrix.js';
import { growUint8 } from './growTypedArray.js';

export interface ExclusionRules {
  /** Exclude every item the user interacted with (evaluation without re-visits). */
  excludeSeen: boolean;
  /** Exclude items the user bought. */
  excludePurchased: boolean;
}

export interface RecommendRequest {
  /** Only items of this category (index), when given. */
  categoryIndex?: number;
  /** Items that cannot be sold now (out of stock per the catalog). */
  isUnavailable?: (item: number) => boolean;
}

export class CandidateFilter {
  private marked = new Uint8Array(1024);
  private markedItems: number[] = [];
  private category = -1;
  private itemCategory: Int32Array = new Int32Array(0);
  private unavailable: ((item: number) => boolean) | undefined;

  /** Prepares the filter for one user; call `release` when done. */
  prepare(
    interactions: InteractionMatrix,
    user: number,
    rules: ExclusionRules,
    itemCount: number,
    itemCategory: Int32Array,
    request: RecommendRequest = {},
  ): this {
    this.marked = growUint8(this.marked, itemCount);
    this.category = request.categoryIndex ?? -1;
    this.itemCategory = itemCategory;
    this.unavailable = request.isUnavailable;
    if (user >= 0 && user < interactions.byUser.rowCount && (rules.excludeSeen || rules.excludePurchased)) {
      const rows = interactions.byUser;
      const items = rows.columns;
      const purchased = rows.flags;
      for (let j = rows.starts[user], end = j + rows.lengths[user]; j < end; j++) {
        if (rules.excludeSeen || purchased[j] === 1) {
          this.marked[items[j]] = 1;
          this.markedItems.push(items[j]);
        }
      }
    }
    return this;
  }

  release(): void {
    for (const item of this.markedItems) this.marked[item] = 0;
    this.markedItems.length = 0;
    this.unavailable = undefined;
  }

  /** Cheap checks only (marks and category): for the hot loop. */
  passesCheap(item: number): boolean {
    return this.marked[item] === 0 && (this.category < 0 || this.itemCategory[item] === this.category);
  }

  /** Whether the item may be recommended (includes the stock check). */
  accepts(item: number): boolean {
    return this.passesCheap(item) && (this.unavailable === undefined || !this.unavailable(item));
  }

  get hasCategory(): boolean {
    return this.category >= 0;
  }

  get excludedCount(): number {
    return this.markedItems.length;
  }
}
