// The propensity gate through the decision engine (real LMDB state): what it drops, what it
// always lets through, the holdout, stale scores, and the short wait for a user's first scores.

import { afterEach, describe, expect, it } from 'vitest';
import { DecisionEngine, type DecisionResult } from '../../src/decide/decisionEngine.js';
import { propensityHoldoutDraw } from '../../src/decide/propensityGate.js';
import type { PropensityReading } from '../../pipelines/ports.js';
import type { NotificationCandidate } from '../../src/runtime/pipeline.js';
import { EngineHarness, HOUR, MINUTE, outcomeOf } from './engineHarness.js';
import { reasonTexts } from '../../src/decide/reasons.js';

// Monday 2026-11-02 12:00 in Shanghai (04:00Z): outside quiet hours.
const NOON = Date.parse('2026-11-02T04:00:00Z');
const policy = { sendTime: { enabled: false }, rateLimit: { enabled: false }, budget: { enabled: false }, propensity: { minPurchaseProbability: 0.05, holdoutShare: 0 } };

/** Ids of users inside and outside the gate's holdout at share 0.5. */
const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
const heldOut = users.find((id) => propensityHoldoutDraw(id) < 0.5)!;
const gated = users.find((id) => propensityHoldoutDraw(id) >= 0.5)!;

describe('propensity gate', () => {
  let h: EngineHarness;
  let engine: DecisionEngine;
  let readings: Map<string, PropensityReading>;
  afterEach(async () => h?.close());

  const open = (overrides: Record<string, unknown> = {}) => {
    h = new EngineHarness({ policy: { ...policy, propensity: { ...policy.propensity, ...overrides } } });
    readings = new Map();
    engine = new DecisionEngine({
      config: h.config,
      store: h.store,
      users: h.users,
      catalog: h.catalog,
      issued: h.issued,
      ports: { purchasePropensity: (userId) => readings.get(userId) },
    });
  };
  let key = 0;
  const decide = (candidate: Partial<NotificationCandidate>): DecisionResult =>
    h.store.transaction(() =>
      engine.decide({ type: 'browse_abandonment', priority: 'marketing', userId: 'u1', dedupeKey: `k${key++}`, time: NOON, payload: { itemId: 'i1' }, ...candidate }, 0),
    );
  const release = (watermark: number) => h.store.transaction(() => engine.releaseDue(watermark));

  it('drops marketing of the gated types below the threshold, with the reason logged', () => {
    open();
    readings.set('low', { probability: 0.01, asOf: NOON - HOUR });
    readings.set('high', { probability: 0.3, asOf: NOON - HOUR });
    expect(outcomeOf(decide({ userId: 'low' }))).toBe('suppressed:low_propensity');
    expect(outcomeOf(decide({ userId: 'low', type: 'recommendation_digest' }))).toBe('suppressed:low_propensity');
    expect(outcomeOf(decide({ userId: 'high' }))).toBe('queued:push');
    const result = decide({ userId: 'low', type: 'segment_campaign' });
    expect(result).toMatchObject({ outcome: 'suppressed', reason: 'low_propensity' });
    expect(reasonTexts(result.reasons)).toContain('propensity: 0.010 < 0.05');
  });

  it('never gates transactional messages, interest alerts nor win-back', () => {
    open();
    readings.set('low', { probability: 0.001, asOf: NOON - HOUR });
    expect(outcomeOf(decide({ userId: 'low', type: 'order_shipped', priority: 'transactional' }))).toBe('queued:push');
    expect(outcomeOf(decide({ userId: 'low', type: 'price_drop' }))).toBe('queued:push');
    expect(outcomeOf(decide({ userId: 'low', type: 'win_back' }))).toBe('queued:push');
  });

  it('lets the holdout through, so the gate can be measured', () => {
    open({ holdoutShare: 0.5 });
    for (const id of [heldOut, gated]) readings.set(id, { probability: 0.01, asOf: NOON - HOUR });
    const sent = decide({ userId: heldOut });
    expect(sent.outcome).toBe('queued');
    expect(reasonTexts(sent.reasons)).toContain('propensity: 0.010 < 0.05, holdout: sent');
    expect(outcomeOf(decide({ userId: gated }))).toBe('suppressed:low_propensity');
  });

  it('fails open: no model, no score, or a score past its 24-hour horizon', () => {
    open();
    readings.set('stale', { probability: 0.01, asOf: NOON - 25 * HOUR });
    expect(outcomeOf(decide({ userId: 'unknown' }))).toBe('queued:push');
    expect(outcomeOf(decide({ userId: 'stale' }))).toBe('queued:push');
  });

  it('holds a message for a user being scored, then decides it with the scores that came', () => {
    open({ waitSeconds: 90 });
    readings.set('new', 'pending');
    readings.set('never', 'pending');
    expect(decide({ userId: 'new' })).toMatchObject({ outcome: 'deferred', reason: 'propensity_pending', until: NOON + 90_000 });
    expect(decide({ userId: 'never' })).toMatchObject({ outcome: 'deferred', reason: 'propensity_pending' });
    expect(release(NOON + 89_999)).toEqual([]);
    // Scored meanwhile: 'new' is unlikely to buy; 'never' still has no scores and is not held twice.
    readings.set('new', { probability: 0.02, asOf: NOON });
    expect(release(NOON + 90_000).map(outcomeOf)).toEqual(['suppressed:low_propensity', 'queued:push']);
  });

  it('is off when disabled', () => {
    open({ enabled: false });
    readings.set('low', { probability: 0.001, asOf: NOON - MINUTE });
    expect(outcomeOf(decide({ userId: 'low' }))).toBe('queued:push');
  });
});
