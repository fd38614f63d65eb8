import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { orderStatus } from '../../pipelines/orderStatus.js';
import { behavior, catalog, DAY0, HOUR, LATER, user } from '../support/triggerEvents.js';

const T0 = DAY0 + HOUR;
const update = (userId: string, orderId: string, status: string, time: number) => behavior('order_status', userId, 'i1', time, { orderId, status });

describe('order status pipeline', () => {
  let driver: PipelineTestDriver;
  const open = (orders: object = {}) =>
    (driver = new PipelineTestDriver({
      startTime: LATER,
      pipelines: [catalogAndUsers, orderStatus],
      config: { time: { maxOutOfOrdernessMs: 0 }, policy: { enabled: false }, triggers: { orderStatus: orders } },
    }));
  afterEach(async () => driver?.close());

  it('sends each step of an order as a transactional message of its own type, at once', () => {
    open();
    driver.pipe([
      catalog('i1', T0 - HOUR, { title: 'Espresso Machine' }),
      user('u1', T0 - HOUR, { locale: 'en-US', channels: { pushToken: 't' } }),
      update('u1', 'o-7', 'paid', T0),
      update('u1', 'o-7', 'shipped', T0 + 10 * HOUR),
      update('u1', 'o-7', 'out_for_delivery', T0 + 40 * HOUR),
      update('u1', 'o-7', 'delivered', T0 + 43 * HOUR),
    ]);
    const sent = driver.notifications();
    expect(sent.map((n) => n.type)).toEqual(['order_paid', 'order_shipped', 'order_out_for_delivery', 'order_delivered']);
    expect(sent.every((n) => n.priority === 'transactional')).toBe(true);
    expect(sent[1]).toMatchObject({ title: 'Your order has shipped', body: 'Order o-7 (Espresso Machine) is on its way.', decidedAt: T0 + 10 * HOUR });
    expect(sent[1].payload).toMatchObject({ orderId: 'o-7', status: 'shipped', itemId: 'i1' });
  });

  it('reaches users who opted out of marketing, in their language', () => {
    open();
    driver.pipe([
      user('u1', T0 - HOUR, { locale: 'zh-CN', channels: { pushToken: 't' }, consent: { marketing: false } }),
      update('u1', 'o-8', 'cancelled', T0),
    ]);
    const [cancelled] = driver.notifications();
    expect(cancelled).toMatchObject({ type: 'order_cancelled', title: '订单已取消' });
    expect(cancelled.body).toContain('o-8');
  });

  it('sends a status once, however often it is reported, across a restart', async () => {
    open();
    driver.pipe([update('u1', 'o-9', 'shipped', T0), update('u1', 'o-9', 'shipped', T0 + HOUR)]);
    await driver.restart();
    driver.pipe([update('u1', 'o-9', 'shipped', T0 + 2 * HOUR), update('u1', 'o-10', 'shipped', T0 + 2 * HOUR)]);
    expect(driver.notifications().map((n) => n.payload.orderId)).toEqual(['o-9', 'o-10']);
  });

  it('notifies only the configured statuses, and needs an order id', () => {
    open({ statuses: ['shipped', 'delivered'] });
    driver.pipe([update('u1', 'o-1', 'paid', T0), update('u1', 'o-1', 'shipped', T0 + HOUR), behavior('order_status', 'u1', 'i1', T0 + HOUR, { status: 'delivered' })]);
    expect(driver.notifications().map((n) => n.type)).toEqual(['order_shipped']);
  });

  it('can be switched off', () => {
    open({ enabled: false });
    driver.pipe([update('u1', 'o-1', 'paid', T0)]);
    expect(driver.notifications()).toHaveLength(0);
  });
});
