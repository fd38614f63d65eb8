// The value-aware daily budget through the decision engine (real LMDB state, event time set by
// hand): the best of a user's marketing goes, the rest is dropped with a counted reason.

import { afterEach, describe, expect, it } from 'vitest';
import { EngineHarness, HOUR, MINUTE, REACHABLE, outcomeOf } from './engineHarness.js';
import { SUPPRESSION_REASONS } from '../../src/decide/policy.js';
import { HOURS_PER_WEEK } from '../../state/platformActivity.js';
import type { NotificationCandidate } from '../../src/runtime/pipeline.js';
import { reasonText } from '../../src/decide/reasons.js';

// Monday 2026-11-02 12:00 in Shanghai (04:00Z).
const NOON_SH = Date.parse('2026-11-02T04:00:00Z');
const noHolds = { sendTime: { enabled: false }, rateLimit: { enabled: false }, quietHours: { enabled: false } };
/** Active on Mondays at 20:00 local (hour of week 20) only. */
const activeAt20 = () => {
  const counts = new Float64Array(HOURS_PER_WEEK);
  counts[20] = 30;
  return counts;
};
const cart = { type: 'abandoned_cart', payload: { itemId: 'i1' } };
const digest = { type: 'recommendation_digest', payload: { items: [{ itemId: 'i2' }] } };

describe('value-aware daily budget', () => {
  let h: EngineHarness;
  afterEach(async () => h?.close());

  it('ranks by expected value: of two messages released together, the better goes whatever came first', () => {
    // Both are held to the user's 20:00; the digest arrived first.
    h = new EngineHarness({ policy: { rateLimit: { enabled: false } } }, { activityByHourOfWeek: activeAt20 });
    h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
    expect(outcomeOf(h.decide({ time: NOON_SH, ...digest }))).toBe('deferred:send_time');
    expect(outcomeOf(h.decide({ time: NOON_SH + MINUTE, ...cart }))).toBe('deferred:send_time');
    // The cart (an item of the user's own intent) is worth more than a digest of items nothing is known of.
    const released = h.release(Date.parse('2026-11-02T12:00:00Z'));
    expect(released.map((r) => (r.outcome === 'queued' ? `queued:${r.notification.type}` : outcomeOf(r)))).toEqual(['queued:abandoned_cart', 'suppressed:budget_spent']);
  });

  it('drops a message that would go now when a better one is held for later the same local day, not for another day', () => {
    h = new EngineHarness({ policy: noHolds });
    h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
    const hold = (userId: string, id: string, due: number) => {
      const candidate: NotificationCandidate = { ...cart, priority: 'marketing', userId, dedupeKey: `held-${id}`, time: NOON_SH };
      h.store.transaction(() => h.engine.scheduled.schedule(id, due, { candidate, reason: 'send_time', heldAt: NOON_SH, validUntil: due + HOUR, ingestedAt: 0 }));
    };
    // A cart reminder held to tomorrow does not take today's budget.
    hold('u1', 'tomorrow', NOON_SH + 24 * HOUR);
    expect(h.decide({ time: NOON_SH, ...digest, userId: 'u1' })).toMatchObject({ outcome: 'queued' });
    // One held to this evening does.
    h.user('u2', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
    hold('u2', 'evening', NOON_SH + 6 * HOUR);
    const dropped = h.decide({ time: NOON_SH, ...digest, userId: 'u2' });
    expect(dropped).toMatchObject({ outcome: 'suppressed', reason: 'budget_outranked' });
    expect(reasonText(dropped.reasons.at(-1)!)).toMatch(/^budget: value [\d.]+, 0 used and 1 better held today of 1$/);
    // The evening's better message then goes.
    expect(h.release(NOON_SH + 6 * HOUR).map(outcomeOf)).toEqual(['queued:push']);
    expect(h.release(NOON_SH + 24 * HOUR).map(outcomeOf)).toEqual(['queued:push']);
  });

  it('counts the budget per calendar day in the user time zone', () => {
    h = new EngineHarness({ policy: noHolds });
    h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
    // 23:30 and 23:50 local on Monday (same UTC day as 00:10 local on Tuesday).
    const lateMonday = Date.parse('2026-11-02T15:30:00Z');
    expect(outcomeOf(h.decide({ time: lateMonday, ...cart }))).toBe('queued:push');
    expect(outcomeOf(h.decide({ time: lateMonday + 20 * MINUTE, ...cart }))).toBe('suppressed:budget_spent');
    expect(outcomeOf(h.decide({ time: lateMonday + 40 * MINUTE, ...cart }))).toBe('queued:push');
    // Transactional messages are neither limited nor counted.
    expect(outcomeOf(h.decide({ time: lateMonday + 41 * MINUTE, type: 'order_shipped', priority: 'transactional' }))).toBe('queued:push');
  });

  it('drops low-value messages, each suppression with its own counted reason', () => {
    h = new EngineHarness({ policy: { ...noHolds, budget: { minValue: 0.5 } } });
    h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
    const result = h.decide({ time: NOON_SH, ...digest });
    expect(result).toMatchObject({ outcome: 'suppressed', reason: 'low_value' });
    expect(reasonText(result.reasons.at(-1)!)).toMatch(/^budget: value [\d.]+ < 0.5$/);
    for (const reason of ['low_value', 'budget_spent', 'budget_outranked']) expect(SUPPRESSION_REASONS).toContain(reason);
    // The decision log keeps the reason, as `inspect user` shows it.
    expect(h.engine.log.recent('u1', 10).map((entry) => entry.reason)).toContain('low_value');
  });

  it('keeps the day\'s budget used across a restart (counts in LMDB)', async () => {
    h = new EngineHarness({ policy: noHolds });
    h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
    expect(outcomeOf(h.decide({ time: NOON_SH, ...cart }))).toBe('queued:push');
    await h.store.close();
    h = new EngineHarness({ policy: noHolds }, undefined, h.dir);
    expect(outcomeOf(h.decide({ time: NOON_SH + HOUR, ...cart }))).toBe('suppressed:budget_spent');
    expect(outcomeOf(h.decide({ time: NOON_SH + 24 * HOUR, ...cart }))).toBe('queued:push');
  });

  it('is off when disabled: first come, first served under the caps', () => {
    h = new EngineHarness({ policy: { ...noHolds, budget: { enabled: false } } });
    h.user('u1', { ...REACHABLE, timeZone: 'Asia/Shanghai' });
    expect([0, 1].map((i) => outcomeOf(h.decide({ time: NOON_SH + i * MINUTE, ...cart })))).toEqual(['queued:push', 'queued:push']);
  });
});
