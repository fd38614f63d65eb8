import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { browseAbandonment } from '../../pipelines/browseAbandonment.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { behavior, catalog, DAY0, HOUR, MIN, tick, user, view, LATER } from '../support/triggerEvents.js';

const T0 = DAY0 - 12 * HOUR;
const threeViews = (userId: string, itemId: string, from: number) => [view(userId, itemId, from), view(userId, itemId, from + MIN), view(userId, itemId, from + 2 * MIN)];

describe('browse abandonment pipeline', () => {
  let driver: PipelineTestDriver;
  const open = (browse: object = {}) =>
    (driver = new PipelineTestDriver({
      startTime: LATER,
      pipelines: [catalogAndUsers, browseAbandonment],
      config: { time: { maxOutOfOrdernessMs: 0 }, policy: { enabled: false }, triggers: { browseAbandonment: { digest: { windowMinutes: 0 }, ...browse } } },
    }));
  afterEach(async () => driver?.close());

  it('reminds once an item viewed three times goes without a cart for the delay', () => {
    open();
    driver.pipe(threeViews('u1', 'i1', T0));
    driver.pipe([tick(T0 + 2 * MIN + 59 * MIN)]);
    expect(driver.notifications()).toHaveLength(0);
    driver.pipe([tick(T0 + 2 * MIN + 60 * MIN)]);
    const [reminder] = driver.notifications();
    expect(reminder).toMatchObject({ userId: 'u1', type: 'browse_abandonment', priority: 'marketing', channel: 'push' });
    expect(reminder.payload).toMatchObject({ itemId: 'i1', views: 3 });
    expect(reminder.decidedAt).toBe(T0 + 62 * MIN);
  });

  it('needs minViews views within the window', () => {
    open();
    driver.pipe([view('u1', 'i1', T0), view('u1', 'i1', T0 + MIN), view('u2', 'i2', T0), view('u2', 'i2', T0 + 2 * HOUR), view('u2', 'i2', T0 + 25 * HOUR)]);
    driver.pipe([tick(T0 + 30 * HOUR)]);
    expect(driver.notifications()).toHaveLength(0);
  });

  it('is cancelled by adding the item to the cart', () => {
    open();
    driver.pipe([...threeViews('u1', 'i1', T0), behavior('add_to_cart', 'u1', 'i1', T0 + 30 * MIN)]);
    driver.pipe([tick(T0 + 5 * HOUR)]);
    expect(driver.notifications()).toHaveLength(0);
  });

  it('is cancelled by buying the item, not by buying another one', () => {
    open();
    driver.pipe([...threeViews('u1', 'i1', T0), ...threeViews('u1', 'i2', T0), behavior('purchase', 'u1', 'i1', T0 + 10 * MIN), behavior('purchase', 'u1', 'i3', T0 + 10 * MIN)]);
    driver.pipe([tick(T0 + 5 * HOUR)]);
    expect(driver.notifications().map((n) => n.payload.itemId)).toEqual(['i2']);
  });

  it('waits for the user to stop looking: each further view moves the reminder', () => {
    open();
    driver.pipe([...threeViews('u1', 'i1', T0), view('u1', 'i1', T0 + 50 * MIN)]);
    driver.pipe([tick(T0 + 100 * MIN)]);
    expect(driver.notifications()).toHaveLength(0);
    driver.pipe([tick(T0 + 110 * MIN)]);
    expect(driver.notifications()).toHaveLength(1);
  });

  it('reminds once per browsing episode, however long the user keeps looking after', () => {
    open();
    driver.pipe(threeViews('u1', 'i1', T0));
    driver.pipe([tick(T0 + 2 * HOUR)]);
    driver.pipe([view('u1', 'i1', T0 + 3 * HOUR), view('u1', 'i1', T0 + 4 * HOUR)]);
    driver.pipe([tick(T0 + 8 * HOUR)]);
    expect(driver.notifications()).toHaveLength(1);
  });

  it('keeps a pending reminder across a restart and sends it once', async () => {
    open();
    driver.pipe(threeViews('u1', 'i1', T0));
    await driver.restart();
    driver.pipe([tick(T0 + 2 * HOUR)]);
    await driver.restart();
    driver.pipe([tick(T0 + 5 * HOUR)]);
    expect(driver.notifications()).toHaveLength(1);
  });

  it('still lets a cart cancel a reminder set before a restart', async () => {
    open();
    driver.pipe(threeViews('u1', 'i1', T0));
    await driver.restart();
    driver.pipe([behavior('add_to_cart', 'u1', 'i1', T0 + 10 * MIN), tick(T0 + 5 * HOUR)]);
    expect(driver.notifications()).toHaveLength(0);
  });

  it('collapses reminders within the digest window into one message', () => {
    open({ digest: { windowMinutes: 120 } });
    driver.pipe([
      catalog('i1', T0 - HOUR, { title: 'Desk Lamp' }),
      catalog('i2', T0 - HOUR, { title: 'Wall Clock' }),
      user('u1', T0 - HOUR, { locale: 'en-US', channels: { pushToken: 't' } }),
      ...threeViews('u1', 'i1', T0),
      ...threeViews('u1', 'i2', T0 + 30 * MIN),
    ]);
    driver.pipe([tick(T0 + 5 * HOUR)]);
    const [digest] = driver.notifications();
    expect(driver.notifications()).toHaveLength(1);
    expect(digest).toMatchObject({ type: 'browse_abandonment_digest', userId: 'u1', title: '2 items caught your eye' });
    expect(digest.body).toBe('Desk Lamp and Wall Clock: still waiting for you.');
    expect(digest.payload).toMatchObject({ count: 2 });
  });

  it('renders the item and its price in the user locale', () => {
    open();
    driver.pipe([
      catalog('i1', T0 - HOUR, { title: 'Air Fryer', price: 499, currency: 'CNY' }),
      user('u1', T0 - HOUR, { locale: 'zh-CN', channels: { pushToken: 't' } }),
      ...threeViews('u1', 'i1', T0),
      tick(T0 + 3 * HOUR),
    ]);
    const [reminder] = driver.notifications();
    expect(reminder.title).toBe('还在看Air Fryer吗?');
    expect(reminder.body).toContain('¥499.00');
  });
});
