// The pieces of experiments and the bandit on their own: deterministic assignment, the
// statistics of the report, Thompson sampling with its recency penalty, and eligibility (the
// composer offers only the variants a channel and locale have).

import { describe, expect, it } from 'vitest';
import { assignArm, assignmentPoint, controlArm } from '../../src/learn/experimentAssignment.js';
import { compareMeans, compareProportions, holmCorrection, meanPerUser, normalCdf, wilsonInterval } from '../../src/learn/experimentReport.js';
import { thompsonChoice } from '../../src/learn/thompsonSampling.js';
import { Random } from '../../src/sources/simulator/random.js';
import { configSchema } from '../../src/config/schema.js';
import { loadComposer } from '../../src/compose/loadComposer.js';

const experiment = configSchema.parse({
  experiments: [{ name: 'caps', salt: 'caps-1', arms: [{ name: 'control', weight: 2 }, { name: 'cap2', dailyCap: 2, weight: 2 }, { name: 'holdout', holdout: true, weight: 1 }] }],
}).experiments[0];

describe('experiment assignment', () => {
  it('is a function of salt and user only, and follows the weights', () => {
    expect(assignArm(experiment, 'user-1').name).toBe(assignArm(experiment, 'user-1').name);
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const arm = assignArm(experiment, `user-${i}`).name;
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    expect(counts.get('control')! / 20_000).toBeCloseTo(0.4, 1);
    expect(counts.get('cap2')! / 20_000).toBeCloseTo(0.4, 1);
    expect(counts.get('holdout')! / 20_000).toBeCloseTo(0.2, 1);
  });

  it('reshuffles users with another salt', () => {
    let same = 0;
    for (let i = 0; i < 1000; i++) if ((assignmentPoint('a', `u${i}`) < 0.5) === (assignmentPoint('b', `u${i}`) < 0.5)) same++;
    expect(same).toBeGreaterThan(400);
    expect(same).toBeLessThan(600);
  });

  it('takes the first arm that is not a holdout as control unless one is named', () => {
    expect(controlArm(experiment)?.name).toBe('control');
    expect(controlArm({ ...experiment, control: 'cap2' })?.name).toBe('cap2');
  });
});

describe('report statistics', () => {
  it('gives Wilson 95% intervals', () => {
    const { rate, low, high } = wilsonInterval(5, 10);
    expect(rate).toBe(0.5);
    expect(low).toBeCloseTo(0.2366, 3);
    expect(high).toBeCloseTo(0.7634, 3);
    expect(wilsonInterval(0, 0)).toEqual({ rate: 0, low: 0, high: 0 });
  });

  it('tests two proportions (two-sided, pooled)', () => {
    const significant = compareProportions(50, 100, 30, 100);
    expect(significant.lift).toBeCloseTo(2 / 3, 6);
    expect(significant.pValue).toBeCloseTo(0.0039, 3);
    expect(significant.significant).toBe(true);
    const not = compareProportions(11, 100, 10, 100);
    expect(not.significant).toBe(false);
    expect(compareProportions(1, 10, 0, 0)).toMatchObject({ pValue: 1, significant: false, lift: null });
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
  });

  it('compares purchases per user as means with their own variances (Welch)', () => {
    // Arm a: 4 users buying 0, 1, 2, 5 (sum 8, squares 30); arm b: 4 users buying 1, 1, 1, 1.
    const a = meanPerUser(8, 30, 4);
    expect(a.rate).toBe(2);
    const varianceA = (30 - 64 / 4) / 3;
    expect(a.high - a.rate).toBeCloseTo(1.959964 * Math.sqrt(varianceA / 4), 6);
    const versus = compareMeans(8, 30, 4, 4, 4, 4);
    expect(versus.lift).toBe(1);
    expect(versus.pValue).toBeCloseTo(2 * (1 - normalCdf(1 / Math.sqrt(varianceA / 4))), 10);
    expect(versus.significant).toBe(false);
    // The same means over many users with little spread are clearly different.
    expect(compareMeans(2000, 5000, 1000, 1000, 1500, 1000).significant).toBe(true);
    expect(compareMeans(1, 1, 1, 0, 0, 5)).toMatchObject({ pValue: 1, significant: false });
  });
});

describe('Thompson sampling', () => {
  const outcomes = (impressions: number, successes: number) => ({ impressions, successes });

  it('picks the variant whose posterior is clearly best', () => {
    const random = new Random(1);
    let best = 0;
    for (let i = 0; i < 1000; i++) {
      const choice = thompsonChoice(random, [
        { variant: 'a', outcomes: outcomes(500, 20), recent: false },
        { variant: 'b', outcomes: outcomes(500, 45), recent: false },
        { variant: 'c', outcomes: outcomes(500, 25), recent: false },
      ], 0.3);
      if (choice === 'b') best++;
    }
    expect(best).toBeGreaterThan(950);
  });

  it('explores variants it knows nothing about', () => {
    const random = new Random(2);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(thompsonChoice(random, [{ variant: 'a', outcomes: outcomes(0, 0), recent: false }, { variant: 'b', outcomes: outcomes(0, 0), recent: false }], 0)!);
    expect([...seen].sort()).toEqual(['a', 'b']);
  });

  it('shows a recently seen variant less often', () => {
    const random = new Random(3);
    let recentChosen = 0;
    for (let i = 0; i < 2000; i++) {
      if (thompsonChoice(random, [{ variant: 'a', outcomes: outcomes(200, 20), recent: true }, { variant: 'b', outcomes: outcomes(200, 20), recent: false }], 0.3) === 'a') recentChosen++;
    }
    // Equal posteriors: 50% without the penalty; a 30% cut on draws around 0.1 leaves about one in eight.
    expect(recentChosen / 2000).toBeLessThan(0.2);
    expect(thompsonChoice(random, [], 0.3)).toBeUndefined();
  });
});

describe('variant eligibility in the composer', () => {
  const config = configSchema.parse({});
  const composer = loadComposer(config);
  const candidate = { type: 'abandoned_cart', priority: 'marketing' as const, userId: 'u1', dedupeKey: 'k', time: 0, payload: { itemId: 'i1' } };

  it('offers the chooser only the variants of the channel and locale, and uses its pick', () => {
    const offered: string[][] = [];
    const rendered = composer.render({ candidate, channel: 'push', locale: 'en-US', timeZone: 'UTC', chooseVariant: (eligible) => (offered.push([...eligible]), 'b') });
    expect(offered).toEqual([['a', 'b']]);
    expect(rendered.variant).toBe('b');
  });

  it('never asks for a channel with one variant, and ignores an ineligible pick', () => {
    let asked = false;
    composer.render({ candidate, channel: 'sms', locale: 'en-US', timeZone: 'UTC', chooseVariant: () => ((asked = true), 'a') });
    expect(asked).toBe(false);
    const rendered = composer.render({ candidate, channel: 'push', locale: 'en-US', timeZone: 'UTC', chooseVariant: () => 'zzz' });
    expect(['a', 'b']).toContain(rendered.variant);
  });
});

describe('Holm correction', () => {
  it('multiplies the i-th smallest p-value by m - i, keeps the order monotone, and judges significance on the adjusted value', () => {
    const comparisons = [0.01, 0.04, 0.03, 0.5].map((pValue) => ({ lift: 0, difference: 0, pValue, significant: pValue < 0.05 }));
    holmCorrection(comparisons);
    [0.04, 0.09, 0.09, 0.5].forEach((expected, i) => expect(comparisons[i].adjustedPValue).toBeCloseTo(expected, 12));
    // 0.04 and 0.03 were "significant" alone; among four looks only the strongest stays.
    expect(comparisons.map((c) => c.significant)).toEqual([true, false, false, false]);
  });
});
