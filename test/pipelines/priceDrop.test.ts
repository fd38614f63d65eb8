import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { shopperActivity } from '../../pipelines/shopperActivity.js';
import { priceDrop } from '../../pipelines/priceDrop.js';
import { behavior, catalog, DAY, DAY0, HOUR, MIN, tick, user, view, LATER } from '../support/triggerEvents.js';

const T0 = DAY0 + HOUR;

describe('price drop pipeline', () => {
  let driver: PipelineTestDriver;
  const open = (drop: object = {}, interest: object = {}) =>
    (driver = new PipelineTestDriver({
      startTime: LATER,
      pipelines: [catalogAndUsers, shopperActivity, priceDrop],
      config: {
        time: { maxOutOfOrdernessMs: 0 },
        policy: { enabled: false },
        triggers: { priceDrop: { digest: { windowMinutes: 0 }, ...drop }, interest },
      },
    }));
  const item = (itemId: string, price: number, title = `Item ${itemId}`) => catalog(itemId, T0 - HOUR, { title, price, currency: 'CNY', stock: 10 });
  const reprice = (itemId: string, price: number, time: number) => catalog(itemId, time, { price });
  afterEach(async () => driver?.close());

  it('tells a user who favourited an item that it is cheaper than when they saw it', () => {
    open();
    driver.pipe([item('i1', 200, 'Robot Vacuum'), user('u1', T0 - HOUR, { locale: 'en-US', channels: { pushToken: 't' } }), behavior('favorite', 'u1', 'i1', T0)]);
    driver.pipe([reprice('i1', 150, T0 + HOUR)]);
    const [drop] = driver.notifications();
    expect(drop).toMatchObject({ type: 'price_drop', userId: 'u1', priority: 'marketing', decidedAt: T0 + HOUR });
    expect(drop.payload).toMatchObject({ itemId: 'i1', previousPrice: 200, price: 150, dropPercent: 25, signal: 'favorite' });
    expect(drop.title).toBe('Price drop: Robot Vacuum');
    expect(drop.body).toBe('Robot Vacuum is now CN¥150.00, 25% less than CN¥200.00.');
  });

  it('measures the drop against the price the user saw, from the event or the catalog', () => {
    open();
    driver.pipe([item('i1', 100), behavior('add_to_cart', 'u1', 'i1', T0, { price: 90 }), behavior('add_to_cart', 'u2', 'i1', T0)]);
    driver.pipe([reprice('i1', 88, T0 + HOUR)]);
    expect(driver.notifications().map((n) => [n.userId, n.payload.previousPrice])).toEqual([['u2', 100]]);
  });

  it('ignores drops smaller than minDropPercent and price rises', () => {
    open({ minDropPercent: 10 });
    driver.pipe([item('i1', 100), behavior('favorite', 'u1', 'i1', T0)]);
    driver.pipe([reprice('i1', 95, T0 + HOUR), reprice('i1', 120, T0 + 2 * HOUR)]);
    expect(driver.notifications()).toHaveLength(0);
  });

  it('notifies again only when the price falls further below what it last told the user', () => {
    open();
    driver.pipe([item('i1', 100), behavior('favorite', 'u1', 'i1', T0)]);
    driver.pipe([reprice('i1', 80, T0 + HOUR), reprice('i1', 78, T0 + 2 * HOUR), reprice('i1', 70, T0 + 3 * HOUR)]);
    expect(driver.notifications().map((n) => [n.payload.previousPrice, n.payload.price])).toEqual([
      [100, 80],
      [80, 70],
    ]);
  });

  it('counts repeated views as interest, a single view not', () => {
    open();
    driver.pipe([item('i1', 100), view('u1', 'i1', T0), view('u1', 'i1', T0 + MIN), view('u2', 'i1', T0)]);
    driver.pipe([reprice('i1', 50, T0 + HOUR)]);
    expect(driver.notifications().map((n) => n.userId)).toEqual(['u1']);
  });

  it('is cancelled by buying the item', () => {
    open();
    driver.pipe([item('i1', 100), behavior('add_to_cart', 'u1', 'i1', T0), behavior('purchase', 'u1', 'i1', T0 + MIN)]);
    driver.pipe([reprice('i1', 50, T0 + HOUR)]);
    expect(driver.notifications()).toHaveLength(0);
  });

  it('forgets interest older than the interest window, and says nothing about sold-out items', () => {
    open({}, { days: 3 });
    driver.pipe([item('i1', 100), item('i2', 100), behavior('favorite', 'u1', 'i1', T0), behavior('favorite', 'u1', 'i2', T0 + 3 * DAY)]);
    driver.pipe([reprice('i1', 50, T0 + 4 * DAY), catalog('i2', T0 + 4 * DAY, { price: 50, stock: 0 })]);
    expect(driver.notifications()).toHaveLength(0);
  });

  it('collapses drops within the digest window into one message: "3 items you liked are cheaper"', () => {
    open({ digest: { windowMinutes: 60 } });
    driver.pipe([
      item('i1', 100, 'Lamp'),
      item('i2', 100, 'Kettle'),
      item('i3', 100, 'Mug'),
      user('u1', T0 - HOUR, { locale: 'en-US', channels: { pushToken: 't' } }),
      ...['i1', 'i2', 'i3'].map((id) => behavior('favorite', 'u1', id, T0)),
    ]);
    driver.pipe([reprice('i1', 80, T0 + HOUR), reprice('i2', 80, T0 + HOUR + 10 * MIN), reprice('i3', 80, T0 + HOUR + 50 * MIN)]);
    expect(driver.notifications()).toHaveLength(0);
    driver.pipe([tick(T0 + 2 * HOUR)]);
    const [digest] = driver.notifications();
    expect(driver.notifications()).toHaveLength(1);
    expect(digest).toMatchObject({ type: 'price_drop_digest', title: '3 items you liked are cheaper', body: 'Prices dropped on Lamp, Kettle, and Mug.' });
    expect(digest.payload).toMatchObject({ count: 3 });
  });

  it('keeps an open digest window across a restart and sends it once', async () => {
    open({ digest: { windowMinutes: 60 } });
    driver.pipe([item('i1', 100), item('i2', 100), behavior('favorite', 'u1', 'i1', T0), behavior('favorite', 'u1', 'i2', T0)]);
    driver.pipe([reprice('i1', 80, T0 + HOUR), reprice('i2', 80, T0 + HOUR)]);
    await driver.restart();
    driver.pipe([tick(T0 + 3 * HOUR)]);
    await driver.restart();
    driver.pipe([tick(T0 + 5 * HOUR)]);
    expect(driver.notifications().map((n) => n.type)).toEqual(['price_drop_digest']);
  });
});
