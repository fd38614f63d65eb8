// The observed user-item pairs with their confidence (w_ui in eALS), kept from both sides: by
// user for the user update, by item for the item update. A pair's repeated events add to its
// confidence up to a cap. Purchases are flagged, for the "never recommend what was bought" rule.

import { SparseRows } from './sparseRows.js';

/** Pairs are keyed `user * 2^26 + item` in one Map: exact in a double while items < 2^26. */
const ITEM_SPAN = 2 ** 26;

export class InteractionMatrix {
  readonly byUser = new SparseRows();
  readonly byItem = new SparseRows();
  /** pair key -> position in the user's row * ITEM_SPAN + position in the item's row. */
  private readonly positions = new Map<number, number>();

  constructor(private readonly maxConfidence: number) {}

  addUser(): number {
    return this.byUser.addRow();
  }

  /** Whether the user bought the entry at `position` of their row. */
  purchasedAt(user: number, position: number): boolean {
    return this.byUser.flags[this.byUser.starts[user] + position] === 1;
  }

  addItem(): number {
    return this.byItem.addRow();
  }

  /** The pair's confidence, 0 when not observed. */
  confidence(user: number, item: number): number {
    const packed = this.positions.get(user * ITEM_SPAN + item);
    if (packed === undefined) return 0;
    return this.byUser.weights[this.byUser.starts[user] + Math.floor(packed / ITEM_SPAN)];
  }

  /**
   * Adds `weight` to the pair's confidence (capped); returns true when the pair is new, which
   * is when the item's popularity (its number of users) grows.
   */
  add(user: number, item: number, weight: number, purchase: boolean): boolean {
    const key = user * ITEM_SPAN + item;
    const packed = this.positions.get(key);
    if (packed === undefined) {
      const capped = Math.min(weight, this.maxConfidence);
      const userPosition = this.byUser.append(user, item, capped, purchase ? 1 : 0);
      const itemPosition = this.byItem.append(item, user, capped);
      this.positions.set(key, userPosition * ITEM_SPAN + itemPosition);
      return true;
    }
    const userPosition = Math.floor(packed / ITEM_SPAN);
    const itemPosition = packed - userPosition * ITEM_SPAN;
    const userAt = this.byUser.starts[user] + userPosition;
    const capped = Math.min(this.byUser.weights[userAt] + weight, this.maxConfidence);
    this.byUser.weights[userAt] = capped;
    this.byItem.weights[this.byItem.starts[item] + itemPosition] = capped;
    if (purchase) this.byUser.flags[userAt] = 1;
    return false;
  }

  /** Distinct items the user interacted with. */
  userLength(user: number): number {
    return this.byUser.lengths[user];
  }

  /** Distinct users of the item: its popularity in the missing-data weight. */
  itemLength(item: number): number {
    return this.byItem.lengths[item];
  }

  get pairCount(): number {
    return this.positions.size;
  }
}
