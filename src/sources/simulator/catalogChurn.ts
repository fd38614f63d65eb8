// How the catalog changes while users shop: merchants move prices (mostly down: promotions),
// inventory syncs zero out items, and sold-out items come back some hours later. These are the
// catalog events the price-drop and back-in-stock triggers exist for, so they must happen
// every simulated day, not only when purchases happen to drain an item.

import type { ScheduledTask } from './agenda.js';
import { charmPrice } from './catalog.js';
import type { World } from './world.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Share of items repriced per day, and of repricings that are drops. */
const PRICE_CHANGES_PER_ITEM_DAY = 0.03;
const PRICE_DROP_SHARE = 0.65;
/** Share of items zeroed by an inventory sync per day (on top of selling out). */
const SHOCKS_PER_ITEM_DAY = 0.004;
/** Sold-out items that come back; the rest are discontinued. */
const RESTOCK_SHARE = 0.85;
const MEAN_RESTOCK_DELAY_MS = 18 * HOUR_MS;
const MIN_RESTOCK_DELAY_MS = HOUR_MS;

/** A Poisson stream of repricings over the whole catalog. */
export class PriceChanges implements ScheduledTask {
  private readonly meanGapMs: number;

  constructor(private readonly world: World) {
    this.meanGapMs = DAY_MS / (PRICE_CHANGES_PER_ITEM_DAY * world.catalog.size);
  }

  scheduleNext(after: number): void {
    this.world.schedule(after + Math.round(this.world.random.exponential(this.meanGapMs)), this);
  }

  run(now: number): void {
    const { random, catalog } = this.world;
    const item = catalog.pickAnyItem(random);
    const factor = random.chance(PRICE_DROP_SHARE) ? 1 - random.between(0.05, 0.3) : 1 + random.between(0.03, 0.15);
    const price = charmPrice(catalog.price[item] * factor);
    if (price !== catalog.price[item]) {
      catalog.price[item] = price;
      this.world.emit({ id: this.world.nextEventId(), time: now, kind: 'catalog', itemId: catalog.itemId(item), price });
    }
    this.scheduleNext(now);
  }
}

/** A Poisson stream of inventory syncs that find an item gone. */
export class InventoryShocks implements ScheduledTask {
  private readonly meanGapMs: number;

  constructor(private readonly world: World) {
    this.meanGapMs = DAY_MS / (SHOCKS_PER_ITEM_DAY * world.catalog.size);
  }

  scheduleNext(after: number): void {
    this.world.schedule(after + Math.round(this.world.random.exponential(this.meanGapMs)), this);
  }

  run(now: number): void {
    const { random, catalog } = this.world;
    const item = catalog.pickAnyItem(random);
    if (catalog.stock[item] > 0) setStock(this.world, item, 0, now);
    this.scheduleNext(now);
  }
}

/** Takes sold units out of stock; a purchase that empties the shelf is a stock-out. */
export function sellStock(world: World, item: number, quantity: number, now: number): void {
  setStock(world, item, Math.max(0, world.catalog.stock[item] - quantity), now);
}

class Restock implements ScheduledTask {
  constructor(
    private readonly world: World,
    private readonly item: number,
  ) {}

  run(now: number): void {
    const { random, catalog } = this.world;
    catalog.restockPending[this.item] = 0;
    setStock(this.world, this.item, random.intBetween(5, 200), now);
  }
}

function setStock(world: World, item: number, stock: number, now: number): void {
  const catalog = world.catalog;
  catalog.stock[item] = stock;
  world.emit({ id: world.nextEventId(), time: now, kind: 'catalog', itemId: catalog.itemId(item), stock });
  if (stock === 0 && catalog.restockPending[item] === 0 && world.random.chance(RESTOCK_SHARE)) {
    catalog.restockPending[item] = 1;
    const delay = MIN_RESTOCK_DELAY_MS + Math.round(world.random.exponential(MEAN_RESTOCK_DELAY_MS));
    world.schedule(now + delay, new Restock(world, item));
  }
}
