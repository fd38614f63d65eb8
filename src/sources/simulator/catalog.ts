// The simulated catalog and its live state (price, stock). Struct-of-arrays because the hot
// path is "pick a popular item in this category, read its price and stock" millions of times.
// Within a category a few items draw most of the traffic (Zipf-like), as in real shops, so
// popular items sell out and come back, which is what back-in-stock triggers feed on.

import { CATEGORIES, type Category } from './categories.js';
import type { Random } from './random.js';

export const CURRENCY = 'CNY';

/** How steeply traffic falls off from a category's best seller to its long tail. */
const POPULARITY_EXPONENT = 0.9;

export class Catalog {
  readonly size: number;
  readonly categories: readonly Category[] = CATEGORIES;
  readonly categoryOf: Int32Array;
  readonly titles: string[];
  readonly price: Float64Array;
  readonly stock: Int32Array;
  /** 1 while a restock is scheduled, so a sold-out item is restocked once, not once per cause. */
  readonly restockPending: Uint8Array;
  /** Category indices that hold at least one item; users only ever browse these. */
  readonly stockedCategories: number[];
  /** Per category: its items, most popular first, and their popularity as a running total. */
  private readonly stockedCategoryWeights: Float64Array;
  private readonly itemsByCategory: Int32Array[];
  private readonly popularityByCategory: Float64Array[];

  constructor(random: Random, size: number) {
    this.size = size;
    this.categoryOf = new Int32Array(size);
    this.titles = new Array<string>(size);
    this.price = new Float64Array(size);
    this.stock = new Int32Array(size);
    this.restockPending = new Uint8Array(size);

    const categoryWeights = runningTotal(CATEGORIES.map((category) => category.popularity));
    const members: number[][] = CATEGORIES.map(() => []);
    for (let item = 0; item < size; item++) {
      const categoryIndex = random.pickCumulative(categoryWeights);
      const category = CATEGORIES[categoryIndex];
      this.categoryOf[item] = categoryIndex;
      this.titles[item] = `${random.pick(category.nouns)} #${item}`;
      this.price[item] = charmPrice(random.logNormal(category.medianPrice, category.priceSpread));
      this.stock[item] = initialStock(random);
      members[categoryIndex].push(item);
    }
    this.itemsByCategory = members.map((items) => Int32Array.from(items));
    this.popularityByCategory = members.map((items) =>
      runningTotal(items.map((_, rank) => 1 / Math.pow(rank + 1, POPULARITY_EXPONENT))),
    );
    this.stockedCategories = members.flatMap((items, index) => (items.length > 0 ? [index] : []));
    this.stockedCategoryWeights = runningTotal(this.stockedCategories.map((index) => CATEGORIES[index].popularity));
  }

  /** A stocked category, popular departments more often. */
  pickCategory(random: Random): number {
    return this.stockedCategories[random.pickCumulative(this.stockedCategoryWeights)];
  }

  itemId(item: number): string {
    return `item-${item}`;
  }

  categoryId(item: number): string {
    return CATEGORIES[this.categoryOf[item]].id;
  }

  /** An item of the category, popular ones more often. The category must be stocked. */
  pickItem(random: Random, categoryIndex: number): number {
    return this.itemsByCategory[categoryIndex][random.pickCumulative(this.popularityByCategory[categoryIndex])];
  }

  /** Any item, uniformly: price and inventory changes are not driven by popularity. */
  pickAnyItem(random: Random): number {
    return random.int(this.size);
  }
}

/** Prices like 199.9 rather than 203.17, as shops set them. */
export function charmPrice(raw: number): number {
  return Math.max(1, Math.round(raw)) - 0.1;
}

/** Many items carry a handful of units so that sell-outs happen within a day or two. */
export function initialStock(random: Random): number {
  const r = random.next();
  if (r < 0.15) return random.intBetween(1, 5);
  if (r < 0.75) return Math.round(Math.exp(random.between(Math.log(5), Math.log(100))));
  return Math.round(Math.exp(random.between(Math.log(100), Math.log(1000))));
}

export function runningTotal(weights: readonly number[]): Float64Array {
  const total = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) total[i] = sum += weights[i];
  return total;
}
