// What the simulated shop does over days, judged from the stream alone, as a consumer would:
// shopping funnels and abandoned carts, order progressions, catalog churn, daily rhythm in each
// user's own time zone, and favourite categories.

import { beforeAll, describe, expect, it } from 'vitest';
import type { BehaviorEvent, CatalogEvent, PushflowEvent, UserEvent } from '../../src/events/types.js';
import { createSimulation } from '../../src/sources/simulator/index.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

let stream: PushflowEvent[] = [];
let behavior: BehaviorEvent[] = [];
let users = new Map<string, UserEvent>();

beforeAll(() => {
  stream = [...createSimulation({ seed: 2026, days: 4 })].map((record) => record.event!);
  behavior = stream.filter((event): event is BehaviorEvent => event.kind === 'behavior');
  users = new Map(stream.filter((event): event is UserEvent => event.kind === 'user').map((event) => [event.userId, event]));
});

function ofType(type: BehaviorEvent['type']): BehaviorEvent[] {
  return behavior.filter((event) => event.type === type);
}

const pairKey = (event: BehaviorEvent) => `${event.userId} ${event.itemId}`;

describe('shopping funnel', () => {
  it('has every behaviour type, views dominating', () => {
    const views = ofType('view').length;
    for (const type of ['search', 'favorite', 'add_to_cart', 'remove_from_cart', 'purchase', 'order_status'] as const) {
      expect(ofType(type).length, type).toBeGreaterThan(0);
      if (type !== 'order_status') expect(ofType(type).length, type).toBeLessThan(views);
    }
    expect(ofType('search').every((event) => typeof event.query === 'string' && event.query.length > 0)).toBe(true);
  });

  it('often buys a carted item within minutes, same user and item', () => {
    const purchases = new Map<string, number[]>();
    for (const event of ofType('purchase')) {
      const times = purchases.get(pairKey(event)) ?? [];
      times.push(event.time);
      purchases.set(pairKey(event), times);
    }
    const carts = ofType('add_to_cart');
    const boughtSoon = carts.filter((cart) =>
      (purchases.get(pairKey(cart)) ?? []).some((time) => time >= cart.time && time <= cart.time + 30 * MINUTE_MS),
    );
    expect(boughtSoon.length / carts.length).toBeGreaterThan(0.25);
    // Every purchase was carted first by the same user.
    const carted = new Set(carts.map(pairKey));
    expect(ofType('purchase').filter((event) => !carted.has(pairKey(event)))).toEqual([]);
  });

  it('leaves 40-60% of carts unbought for a day: the abandoned carts', () => {
    const end = stream[stream.length - 1].time;
    const bought = new Map<string, number[]>();
    for (const event of ofType('purchase')) bought.set(pairKey(event), [...(bought.get(pairKey(event)) ?? []), event.time]);
    const carts = ofType('add_to_cart').filter((cart) => cart.time < end - DAY_MS);
    const abandoned = carts.filter(
      (cart) => !(bought.get(pairKey(cart)) ?? []).some((time) => time >= cart.time && time <= cart.time + DAY_MS),
    );
    expect(carts.length).toBeGreaterThan(1_000);
    expect(abandoned.length / carts.length).toBeGreaterThan(0.4);
    expect(abandoned.length / carts.length).toBeLessThan(0.6);
  });

  it('shows each price and stock as the catalog events left them, and never carts a sold-out item', () => {
    const price = new Map<string, number>();
    const stock = new Map<string, number>();
    const mismatches: string[] = [];
    for (const event of stream) {
      if (event.kind === 'catalog') {
        if (event.price !== undefined) price.set(event.itemId, event.price);
        if (event.stock !== undefined) stock.set(event.itemId, event.stock);
        continue;
      }
      if (event.kind !== 'behavior' || event.itemId === undefined) continue;
      if (event.price !== undefined && event.price !== price.get(event.itemId)) mismatches.push(`price ${event.id}`);
      if ((event.type === 'add_to_cart' || event.type === 'purchase') && !(stock.get(event.itemId)! >= event.quantity!)) {
        mismatches.push(`stock ${event.id}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('takes purchased units out of stock at the moment of purchase', () => {
    const stock = new Map<string, number>();
    for (let i = 0; i < stream.length; i++) {
      const event = stream[i];
      if (event.kind === 'catalog' && event.stock !== undefined) stock.set(event.itemId, event.stock);
      if (event.kind === 'behavior' && event.type === 'purchase') {
        const update = stream[i + 1] as CatalogEvent;
        expect(update).toMatchObject({ kind: 'catalog', itemId: event.itemId, time: event.time });
        expect(update.stock).toBe(stock.get(event.itemId!)! - event.quantity!);
      }
    }
  });
});

describe('orders', () => {
  it('progress paid -> shipped -> out_for_delivery -> delivered (or paid -> cancelled), hours and days apart', () => {
    const byOrder = new Map<string, BehaviorEvent[]>();
    for (const event of ofType('order_status')) {
      byOrder.set(event.orderId!, [...(byOrder.get(event.orderId!) ?? []), event]);
    }
    const purchases = new Map(ofType('purchase').map((event) => [event.orderId!, event]));
    expect(byOrder.size).toBe(purchases.size);
    const full = ['paid', 'shipped', 'out_for_delivery', 'delivered'];
    const deliveryTimes: number[] = [];
    let cancelled = 0;
    for (const [orderId, updates] of byOrder) {
      const statuses = updates.map((event) => event.status);
      const purchase = purchases.get(orderId)!;
      if (statuses[1] === 'cancelled') {
        expect(statuses).toEqual(['paid', 'cancelled']);
        cancelled++;
      } else {
        expect(statuses).toEqual(full.slice(0, statuses.length));
      }
      for (const update of updates) expect(update).toMatchObject({ userId: purchase.userId, itemId: purchase.itemId });
      expect(updates[0].time - purchase.time).toBeLessThanOrEqual(MINUTE_MS);
      if (statuses.length === 4) {
        expect(updates[1].time - updates[0].time).toBeGreaterThanOrEqual(HOUR_MS);
        expect(updates[3].time - purchase.time).toBeGreaterThan(12 * HOUR_MS);
        deliveryTimes.push(updates[3].time - purchase.time);
      }
    }
    expect(deliveryTimes.length).toBeGreaterThan(100);
    const median = deliveryTimes.sort((a, b) => a - b)[deliveryTimes.length >> 1];
    expect(median).toBeGreaterThan(DAY_MS);
    expect(cancelled).toBeGreaterThan(0);
  });
});

describe('catalog churn', () => {
  it('drops (and sometimes raises) prices, sells items out and restocks them', () => {
    const price = new Map<string, number>();
    const stock = new Map<string, number>();
    let drops = 0;
    let rises = 0;
    let stockOuts = 0;
    let restocks = 0;
    for (const event of stream) {
      if (event.kind !== 'catalog') continue;
      if (event.title !== undefined) {
        price.set(event.itemId, event.price!);
        stock.set(event.itemId, event.stock!);
        continue;
      }
      if (event.price !== undefined) {
        if (event.price < price.get(event.itemId)!) drops++;
        else rises++;
        price.set(event.itemId, event.price);
      }
      if (event.stock !== undefined) {
        const before = stock.get(event.itemId)!;
        if (before > 0 && event.stock === 0) stockOuts++;
        if (before === 0 && event.stock > 0) restocks++;
        stock.set(event.itemId, event.stock);
      }
    }
    expect(drops).toBeGreaterThan(rises);
    expect(rises).toBeGreaterThan(0);
    expect(stockOuts).toBeGreaterThan(50);
    expect(restocks).toBeGreaterThan(20);
  });
});

describe('daily rhythm and taste', () => {
  it('follows the local clock of each market: busy at 20:00 local, quiet at 04:00 local', () => {
    const hourIn = new Map<string, Intl.DateTimeFormat>();
    const counts = new Map<string, number[]>();
    for (const event of behavior) {
      if (event.type === 'order_status') continue;
      const zone = users.get(event.userId)!.timeZone!;
      const market = zone === 'Asia/Shanghai' ? 'china' : 'west';
      let format = hourIn.get(zone);
      if (format === undefined) {
        format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' });
        hourIn.set(zone, format);
      }
      const hours = counts.get(market) ?? new Array<number>(24).fill(0);
      hours[Number(format.format(event.time))]++;
      counts.set(market, hours);
    }
    for (const market of ['china', 'west']) {
      const hours = counts.get(market)!;
      expect(hours[20], market).toBeGreaterThan(4 * hours[4]);
      expect(hours[12], market).toBeGreaterThan(2 * hours[4]);
    }
  });

  it('keeps each user mostly in a few favourite categories', () => {
    const byUser = new Map<string, Map<string, number>>();
    for (const event of ofType('view')) {
      const categories = byUser.get(event.userId) ?? new Map<string, number>();
      categories.set(event.categoryId!, (categories.get(event.categoryId!) ?? 0) + 1);
      byUser.set(event.userId, categories);
    }
    const shares: number[] = [];
    for (const categories of byUser.values()) {
      const views = [...categories.values()].sort((a, b) => b - a);
      const total = views.reduce((sum, count) => sum + count, 0);
      if (total >= 30) shares.push((views[0] + (views[1] ?? 0) + (views[2] ?? 0)) / total);
    }
    expect(shares.length).toBeGreaterThan(50);
    const meanTopThreeShare = shares.reduce((sum, share) => sum + share, 0) / shares.length;
    // 40 categories browsed at random would put ~15% of views in a user's top three.
    expect(meanTopThreeShare).toBeGreaterThan(0.75);
  });
});
