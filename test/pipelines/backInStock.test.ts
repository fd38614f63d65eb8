import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { shopperActivity } from '../../pipelines/shopperActivity.js';
import { backInStock } from '../../pipelines/backInStock.js';
import { behavior, catalog, DAY0, HOUR, MIN, tick, user, view, LATER } from '../support/triggerEvents.js';

const T0 = DAY0 + HOUR;

describe('back in stock pipeline', () => {
  let driver: PipelineTestDriver;
  const open = (restock: object = {}) =>
    (driver = new PipelineTestDriver({
      startTime: LATER,
      pipelines: [catalogAndUsers, shopperActivity, backInStock],
      config: { time: { maxOutOfOrdernessMs: 0 }, policy: { enabled: false }, triggers: { backInStock: { digest: { windowMinutes: 0 }, ...restock } } },
    }));
  const stock = (itemId: string, units: number, time: number) => catalog(itemId, time, { stock: units });
  afterEach(async () => driver?.close());

  it('tells users interested in a sold-out item that it is back', () => {
    open();
    driver.pipe([
      catalog('i1', T0 - HOUR, { title: 'Smart Ring', price: 999, currency: 'CNY', stock: 3 }),
      user('u1', T0 - HOUR, { locale: 'en-US', channels: { pushToken: 't' } }),
      behavior('add_to_cart', 'u1', 'i1', T0),
      stock('i1', 0, T0 + HOUR),
      view('u2', 'i1', T0 + 2 * HOUR),
      view('u2', 'i1', T0 + 2 * HOUR + MIN),
      behavior('favorite', 'u3', 'i1', T0 + 2 * HOUR),
      view('u4', 'i1', T0 + 2 * HOUR),
    ]);
    driver.pipe([stock('i1', 20, T0 + 5 * HOUR)]);
    const notified = driver.notifications();
    expect(notified.map((n) => n.userId).sort()).toEqual(['u1', 'u2', 'u3']);
    const [u1] = notified.filter((n) => n.userId === 'u1');
    expect(u1).toMatchObject({ type: 'back_in_stock', priority: 'marketing', title: 'Smart Ring is back in stock' });
    expect(u1.body).toContain('CN¥999.00');
    expect(u1.payload).toMatchObject({ itemId: 'i1', soldOutSince: T0 + HOUR, stock: 20 });
  });

  it('says nothing for a stock change of an item that never sold out, or to a user who bought it', () => {
    open();
    driver.pipe([
      catalog('i1', T0, { stock: 5 }),
      catalog('i2', T0, { stock: 5 }),
      behavior('favorite', 'u1', 'i1', T0),
      behavior('favorite', 'u1', 'i2', T0),
      behavior('purchase', 'u1', 'i2', T0 + MIN),
      stock('i2', 0, T0 + HOUR),
    ]);
    driver.pipe([stock('i1', 50, T0 + 2 * HOUR), stock('i2', 50, T0 + 2 * HOUR)]);
    expect(driver.notifications()).toHaveLength(0);
  });

  it('tells once per restock, and again after the next sell-out and restock', () => {
    open();
    driver.pipe([behavior('favorite', 'u1', 'i1', T0), stock('i1', 0, T0 + HOUR)]);
    driver.pipe([stock('i1', 5, T0 + 2 * HOUR), stock('i1', 4, T0 + 3 * HOUR), stock('i1', 0, T0 + 4 * HOUR), stock('i1', 9, T0 + 5 * HOUR)]);
    expect(driver.notifications()).toHaveLength(2);
  });

  it('remembers a sell-out across a restart', async () => {
    open();
    driver.pipe([behavior('favorite', 'u1', 'i1', T0), stock('i1', 0, T0 + HOUR)]);
    await driver.restart();
    driver.pipe([stock('i1', 5, T0 + 2 * HOUR)]);
    expect(driver.notifications()).toHaveLength(1);
  });

  it('collapses restocks within the digest window into one message', () => {
    open({ digest: { windowMinutes: 30 } });
    driver.pipe([
      user('u1', T0 - HOUR, { locale: 'zh-CN', channels: { pushToken: 't' } }),
      catalog('i1', T0 - HOUR, { title: 'Rice Cooker', stock: 0 }),
      catalog('i2', T0 - HOUR, { title: 'Blender', stock: 0 }),
      behavior('favorite', 'u1', 'i1', T0),
      behavior('favorite', 'u1', 'i2', T0),
    ]);
    driver.pipe([stock('i1', 5, T0 + HOUR), stock('i2', 5, T0 + HOUR + 10 * MIN)]);
    driver.pipe([tick(T0 + 2 * HOUR)]);
    const [digest] = driver.notifications();
    expect(driver.notifications()).toHaveLength(1);
    expect(digest).toMatchObject({ type: 'back_in_stock_digest', title: '您想要的2件商品到货了' });
    expect(digest.body).toBe('Rice Cooker和Blender已重新到货。');
  });
});
