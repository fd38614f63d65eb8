// The profile formulas of docs/PROFILES.md, on hand-made events.

import { describe, expect, it } from 'vitest';
import type { BehaviorEvent, BehaviorType } from '../../src/events/types.js';
import { LocalTime } from '../../src/profile/localTime.js';
import { activeDaysWithin30, applyBehavior, DAY_MS, hourOfWeekCounts, newProfile, type ProfileRules, type UserProfile } from '../../src/profile/userProfile.js';
import { cartToPurchase, purchasesWithin30Days, rfm } from '../../src/profile/profileFeatures.js';
import { topCategories } from '../../src/profile/categoryAffinity.js';
import { countsByType } from '../../src/profile/behaviorCounts.js';

const HALF_LIFE = 7 * DAY_MS;
const rules: ProfileRules = { localTime: new LocalTime('Asia/Shanghai'), visitGapMs: 30 * 60_000, affinityHalfLifeMs: HALF_LIFE, topCategories: 3 };
/** Monday 2026-11-02 00:30 in Shanghai. */
const MONDAY_0030_SHANGHAI = Date.UTC(2026, 10, 1, 16, 30);

let seq = 0;
const event = (type: BehaviorType, time: number, extra: Partial<BehaviorEvent> = {}): BehaviorEvent => ({
  kind: 'behavior',
  id: `e${seq++}`,
  type,
  userId: 'u1',
  time,
  ...extra,
});

function profileOf(events: BehaviorEvent[], amounts: (number | undefined)[] = [], zone?: string): UserProfile {
  const profile = newProfile('u1', events[0].time, zone);
  events.forEach((e, i) => applyBehavior(profile, e, amounts[i], rules));
  return profile;
}

describe('user profile', () => {
  it('counts each behaviour type and keeps the first and last event times', () => {
    const t = MONDAY_0030_SHANGHAI;
    const profile = profileOf([event('view', t + 5), event('view', t), event('add_to_cart', t + 10, { itemId: 'i' })]);
    expect(countsByType(profile.counts)).toEqual({ view: 2, add_to_cart: 1 });
    expect(profile.firstSeen).toBe(t);
    expect(profile.lastSeen).toBe(t + 10);
  });

  it('counts active days in the user’s zone, and the days active among the last 30', () => {
    const midnight = Date.UTC(2026, 10, 1, 16, 0); // 00:00 in Shanghai
    const profile = profileOf([
      event('view', midnight - 60_000), // 23:59 the day before
      event('view', midnight + 60_000),
      event('view', midnight + 2 * 60_000),
      event('view', midnight + 40 * DAY_MS),
      event('view', midnight + 45 * DAY_MS),
    ]);
    expect(profile.activeDays).toBe(4);
    expect(activeDaysWithin30(profile)).toBe(2);
    expect(activeDaysWithin30(profile, profile.lastActiveDay + 28)).toBe(1);
    expect(activeDaysWithin30(profile, profile.lastActiveDay + 30)).toBe(0);
  });

  it('starts a visit with the first event and with every event more than the gap after the latest, per local day', () => {
    const midnight = Date.UTC(2026, 10, 1, 16, 0); // 00:00 in Shanghai
    const min = 60_000;
    const profile = profileOf([
      event('view', midnight - 40 * min), // 23:20: visit 1, day 0
      event('view', midnight - 15 * min), // 25 min later: same visit
      event('view', midnight + 20 * min), // 35 min later: visit 2, day 1
      event('view', midnight + 20 * min - 5 * min), // out of order: no new visit
      event('view', midnight + 2 * 60 * min), // visit 3, day 1
      event('view', midnight + 40 * DAY_MS), // visit 4, 40 days later: days before the 30 are dropped
    ]);
    expect(profile.visits).toBe(4);
    const day1 = Math.floor((midnight + 8 * 3_600_000) / DAY_MS);
    expect(profile.visitDays).toEqual([day1 + 40, 1]);
    const early = profileOf([event('view', midnight - 40 * min), event('view', midnight + 20 * min), event('view', midnight + 2 * 60 * min)]);
    expect(early.visitDays).toEqual([day1 - 1, 1, day1, 2]);
  });

  it('puts activity in the hour of the week of the user’s zone, Monday 00:00 first', () => {
    const shanghai = profileOf([event('view', MONDAY_0030_SHANGHAI), event('view', MONDAY_0030_SHANGHAI + 19 * 3_600_000)]);
    const week = hourOfWeekCounts(shanghai);
    expect(week[0]).toBe(1);
    expect(week[19]).toBe(1);
    expect(shanghai.dayParts).toEqual([1, 0, 0, 1, 0]);
    // The same instant is Sunday 08:30 in Los Angeles (slot 6 × 24 + 8).
    const la = profileOf([event('view', MONDAY_0030_SHANGHAI)], [], 'America/Los_Angeles');
    expect(hourOfWeekCounts(la)[6 * 24 + 8]).toBe(1);
    expect(la.dayParts).toEqual([0, 1, 0, 0, 1]);
  });

  it('scores category affinity with weights that halve every half-life, updated lazily', () => {
    const t = MONDAY_0030_SHANGHAI;
    const profile = profileOf([
      event('view', t, { categoryId: 'shoes' }),
      event('view', t + HALF_LIFE, { categoryId: 'shoes' }),
      event('purchase', t + HALF_LIFE, { categoryId: 'bags' }),
      event('search', t + HALF_LIFE, { query: 'x' }),
    ]);
    // shoes: 1 × ½ + 1 = 1.5; bags: 5 (a purchase).
    expect(topCategories(profile.affinity, t + HALF_LIFE, HALF_LIFE)).toEqual([
      { categoryId: 'bags', score: 5 },
      { categoryId: 'shoes', score: 1.5 },
    ]);
    expect(topCategories(profile.affinity, t + 2 * HALF_LIFE, HALF_LIFE).map((c) => c.score)).toEqual([2.5, 0.75]);
  });

  it('adds an out-of-order event at its decayed weight, and keeps only the top categories', () => {
    const t = MONDAY_0030_SHANGHAI;
    const profile = profileOf([
      event('add_to_cart', t + HALF_LIFE, { categoryId: 'a', itemId: 'i' }),
      event('add_to_cart', t, { categoryId: 'a', itemId: 'i' }), // late by one half-life: counts 3 × ½
      event('favorite', t + HALF_LIFE, { categoryId: 'b' }),
      event('view', t + HALF_LIFE, { categoryId: 'c' }),
      event('view', t + HALF_LIFE, { categoryId: 'd' }), // the list is full (3) and 1 does not beat c's 1: dropped
      event('purchase', t + HALF_LIFE, { categoryId: 'e' }), // 5 beats c's 1: replaces it
    ]);
    expect(topCategories(profile.affinity, t + HALF_LIFE, HALF_LIFE)).toEqual([
      { categoryId: 'e', score: 5 },
      { categoryId: 'a', score: 4.5 },
      { categoryId: 'b', score: 2 },
    ]);
  });

  it('sums purchases and known spend over the 30 days up to the moment asked, and derives RFM', () => {
    const t = MONDAY_0030_SHANGHAI;
    const profile = profileOf(
      [event('purchase', t), event('purchase', t + 20 * DAY_MS), event('purchase', t + 21 * DAY_MS)],
      [100, 50, undefined],
    );
    expect(purchasesWithin30Days(profile, t + 25 * DAY_MS)).toEqual({ count: 3, spend: 150, unpriced: 1 });
    expect(purchasesWithin30Days(profile, t + 31 * DAY_MS)).toEqual({ count: 2, spend: 50, unpriced: 1 });
    expect(rfm(profile, t + 31 * DAY_MS)).toEqual({ recencyDays: 10, frequency: 2, monetary: 50 });
    expect(rfm(newProfile('u2', t), t).recencyDays).toBeNull();
  });

  it('counts a purchase as a converted cart only for an item still in the cart', () => {
    const t = MONDAY_0030_SHANGHAI;
    const profile = profileOf([
      event('add_to_cart', t, { itemId: 'i1' }),
      event('add_to_cart', t + 1, { itemId: 'i2' }),
      event('purchase', t + 2, { itemId: 'i1' }),
      event('remove_from_cart', t + 3, { itemId: 'i2' }),
      event('purchase', t + 4, { itemId: 'i2' }),
      event('purchase', t + 5, { itemId: 'i1' }),
    ]);
    expect(cartToPurchase(profile)).toEqual({ carts: 2, converted: 1, rate: 0.5 });
    expect(cartToPurchase(newProfile('u2', t)).rate).toBeNull();
  });
});
