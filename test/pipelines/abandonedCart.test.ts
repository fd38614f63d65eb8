import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { abandonedCart } from '../../pipelines/abandonedCart.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const MIN = 60_000;
let seq = 0;
const behavior = (type: string, userId: string, itemId: string | undefined, time: number) => ({
  kind: 'behavior',
  id: `e${seq++}`,
  type,
  userId,
  ...(itemId === undefined ? {} : { itemId }),
  time,
});
const view = (userId: string, time: number) => behavior('view', userId, 'other', time);

describe('abandoned cart pipeline', () => {
  let driver: PipelineTestDriver;
  const open = (config = {}) =>
    (driver = new PipelineTestDriver({
      pipelines: [catalogAndUsers, abandonedCart],
      config: { time: { maxOutOfOrdernessMs: 0 }, ...config },
    }));
  afterEach(async () => driver?.close());

  it('notifies once the delay passes in event time without purchase', () => {
    open();
    driver.pipe([behavior('add_to_cart', 'u1', 'i1', T0)]);
    driver.pipe([view('u2', T0 + 29 * MIN)]);
    expect(driver.notifications()).toHaveLength(0);
    driver.pipe([view('u2', T0 + 30 * MIN)]);
    const [notification] = driver.notifications();
    expect(notification).toMatchObject({ userId: 'u1', type: 'abandoned_cart', priority: 'marketing', channel: 'push' });
    expect(notification.payload).toMatchObject({ itemId: 'i1', cartedAt: T0 });
    expect(notification.decidedAt).toBe(T0 + 30 * MIN);
  });

  it('is cancelled by a purchase of the item within the delay', () => {
    open();
    driver.pipe([behavior('add_to_cart', 'u1', 'i1', T0), behavior('purchase', 'u1', 'i1', T0 + 10 * MIN)]);
    driver.pipe([view('u2', T0 + 60 * MIN)]);
    expect(driver.notifications()).toHaveLength(0);
  });

  it('is cancelled by removing the item, but not by buying another item', () => {
    open();
    driver.pipe([
      behavior('add_to_cart', 'u1', 'i1', T0),
      behavior('add_to_cart', 'u1', 'i2', T0),
      behavior('remove_from_cart', 'u1', 'i1', T0 + MIN),
      behavior('purchase', 'u1', 'i3', T0 + 2 * MIN),
    ]);
    driver.pipe([view('u2', T0 + 31 * MIN)]);
    expect(driver.notifications().map((n) => n.payload.itemId)).toEqual(['i2']);
  });

  it('restarts the wait when the item is carted again', () => {
    open();
    driver.pipe([behavior('add_to_cart', 'u1', 'i1', T0), behavior('add_to_cart', 'u1', 'i1', T0 + 20 * MIN)]);
    driver.pipe([view('u2', T0 + 35 * MIN)]);
    expect(driver.notifications()).toHaveLength(0);
    driver.pipe([view('u2', T0 + 50 * MIN)]);
    expect(driver.notifications()).toHaveLength(1);
  });

  it('fires before a later event is processed: a purchase after the deadline does not cancel', () => {
    open();
    driver.pipe([behavior('add_to_cart', 'u1', 'i1', T0), behavior('purchase', 'u1', 'i1', T0 + 45 * MIN)]);
    expect(driver.notifications()).toHaveLength(1);
  });

  it('honours a configured delay and channel', () => {
    open({ triggers: { abandonedCart: { delayMinutes: 5, channel: 'email' } } });
    driver.pipe([
      { kind: 'user', id: 'u', userId: 'u1', time: T0, channels: { email: 'a@example.com' }, consent: { email: true } },
      behavior('add_to_cart', 'u1', 'i1', T0),
      view('u2', T0 + 5 * MIN),
    ]);
    expect(driver.notifications().map((n) => n.channel)).toEqual(['email']);
  });

  it('renders the item title and price in the user locale from the catalog', () => {
    open();
    driver.pipe([
      { kind: 'catalog', id: 'c1', itemId: 'i1', title: 'Wireless Earbuds', price: 199, currency: 'CNY', time: T0 - MIN },
      { kind: 'user', id: 'u', userId: 'u1', locale: 'zh-CN', time: T0 - MIN, channels: { pushToken: 't' } },
      { kind: 'user', id: 'v', userId: 'u2', locale: 'en-US', time: T0 - MIN, channels: { pushToken: 't' } },
      behavior('add_to_cart', 'u1', 'i1', T0),
      behavior('add_to_cart', 'u2', 'i1', T0),
      view('u3', T0 + 31 * MIN),
    ]);
    const [zh, en] = driver.notifications();
    expect(zh.locale).toBe('zh-CN');
    expect(zh.title).toContain('Wireless Earbuds');
    expect(zh.body).toContain('¥199.00');
    expect(en.locale).toBe('en-US');
    expect(en.title).toBe('Still thinking about Wireless Earbuds?');
    expect(en.body).toContain('CN¥199.00');
  });

  it('suppresses marketing for a user who opted out', () => {
    open();
    driver.pipe([
      { kind: 'user', id: 'u', userId: 'u1', time: T0 - MIN, channels: { pushToken: 't' }, consent: { marketing: false } },
      behavior('add_to_cart', 'u1', 'i1', T0),
    ]);
    const summary = driver.pipe([view('u2', T0 + 31 * MIN)]);
    expect(driver.notifications()).toHaveLength(0);
    expect(summary.suppressed.get('consent_marketing')).toBe(1);
  });

  it('keeps a pending cart across a restart and fires it once after', async () => {
    open();
    driver.pipe([behavior('add_to_cart', 'u1', 'i1', T0)]);
    await driver.restart();
    driver.pipe([view('u2', T0 + 31 * MIN)]);
    await driver.restart();
    driver.pipe([view('u2', T0 + 90 * MIN)]);
    expect(driver.notifications()).toHaveLength(1);
  });

  it('fires on a quiet stream once processing time passes the idle timeout', () => {
    open({ time: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 60_000 } });
    driver.pipe([behavior('add_to_cart', 'u1', 'i1', T0)]);
    driver.advanceProcessingTime(60_000 + 29 * MIN);
    expect(driver.notifications()).toHaveLength(0);
    driver.advanceProcessingTime(MIN);
    expect(driver.notifications()).toHaveLength(1);
  });
});
