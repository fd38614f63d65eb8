// The policy as the runtime runs it: candidates from a real pipeline, decided inside the batch,
// suppressions counted by reason in the batch summary, held messages released by the watermark
// as durable timers (across a restart), and the inspect view.

import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { abandonedCart } from '../../pipelines/abandonedCart.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { deliveryStateForInspect, formatDeliveryState } from '../../src/decide/index.js';
import type { StateStore } from '../../state/stateStore.js';

/** The driver's LMDB (private: tests of the inspect view read it as `inspect` would). */
const storeOf = (driver: PipelineTestDriver) => (driver as unknown as { store: StateStore }).store;

const MIN = 60_000;
let seq = 0;
const cart = (userId: string, itemId: string, time: number) => ({ kind: 'behavior', id: `e${seq++}`, type: 'add_to_cart', userId, itemId, time });
const view = (userId: string, time: number) => ({ kind: 'behavior', id: `e${seq++}`, type: 'view', userId, itemId: 'x', time });
const user = (userId: string, time: number, extra: object = {}) => ({
  kind: 'user', id: `u${seq++}`, userId, time, timeZone: 'Asia/Shanghai', locale: 'en-US',
  channels: { pushToken: 't', email: `${userId}@example.com` }, ...extra,
});

describe('policy in the runtime', () => {
  let driver: PipelineTestDriver;
  afterEach(async () => driver?.close());
  const open = (policy: object = {}) =>
    (driver = new PipelineTestDriver({ startTime: Date.parse('2026-11-05T00:00:00Z'), pipelines: [catalogAndUsers, abandonedCart], config: { time: { maxOutOfOrdernessMs: 0 }, policy: { rateLimit: { enabled: false }, ...policy } } }));

  it('holds a reminder that falls in quiet hours and sends it when event time reaches 08:00, surviving a restart', async () => {
    open();
    const t = Date.parse('2026-11-02T13:50:00Z'); // 21:50 Shanghai: the reminder is due at 22:20
    driver.pipe([user('u1', t - MIN), cart('u1', 'i1', t)]);
    const summary = driver.pipe([view('u2', t + 31 * MIN)]);
    expect(driver.notifications()).toHaveLength(0);
    expect(summary.suppressed.size).toBe(0);
    const inspected = deliveryStateForInspect(storeOf(driver), driver.config, 'u1');
    expect(inspected.nextScheduledSend).toMatchObject({ type: 'abandoned_cart', reason: 'quiet_hours', due: '2026-11-03T00:00:00.000Z' });
    expect(inspected.quietHours).toMatchObject({ activeNow: true, endsAt: '2026-11-03T00:00:00.000Z' });
    await driver.restart();
    driver.pipe([view('u2', Date.parse('2026-11-02T23:59:00Z'))]);
    expect(driver.notifications()).toHaveLength(0);
    driver.pipe([view('u2', Date.parse('2026-11-03T00:00:00Z'))]);
    const [sent] = driver.notifications();
    expect(sent).toMatchObject({ userId: 'u1', channel: 'push', decidedAt: Date.parse('2026-11-03T00:00:00Z'), to: 't' });
    const after = deliveryStateForInspect(storeOf(driver), driver.config, 'u1');
    expect(after.nextScheduledSend).toBeUndefined();
    expect(after.caps.day).toMatchObject({ period: '2026-11-03', total: { used: 1, limit: 4 } });
    expect(after.recentNotifications.map((n) => n.outcome)).toEqual(['queued', 'deferred']);
    expect(formatDeliveryState(after).join('\n')).toMatch(/last notifications:\n.*abandoned_cart .*: queued push/);
  });

  it('counts every suppression by reason in the batch summary', () => {
    open({ caps: { push: { daily: 1 }, email: { daily: 0 } } });
    const t = Date.parse('2026-11-02T04:00:00Z'); // noon in Shanghai
    driver.pipe([
      user('u1', t - MIN, { consent: { marketing: false } }),
      user('u2', t - MIN),
      cart('u1', 'i1', t),
      cart('u2', 'i1', t),
      cart('u2', 'i2', t),
    ]);
    const summary = driver.pipe([view('u3', t + 31 * MIN)]);
    expect(Object.fromEntries(summary.suppressed)).toEqual({ consent_marketing: 1, cap_channel_daily: 1 });
    expect(driver.notifications()).toHaveLength(1);
  });

  it('keeps only consent and channel choice with policy.enabled false', () => {
    open({ enabled: false });
    const t = Date.parse('2026-11-02T15:00:00Z'); // 23:00 Shanghai
    driver.pipe([user('u1', t - MIN), cart('u1', 'i1', t), cart('u1', 'i2', t), cart('u1', 'i3', t), cart('u1', 'i4', t), cart('u1', 'i5', t)]);
    driver.pipe([view('u3', t + 31 * MIN)]);
    expect(driver.notifications()).toHaveLength(5);
  });
});
