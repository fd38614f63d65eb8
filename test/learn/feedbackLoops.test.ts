// The learning loops as the runtime runs them: a test trigger proposes marketing messages, the
// policy decides them (holdout, caps lowered by fatigue, the bandit's variant), and feedback
// events and purchases piped in afterwards come back through pipelines/feedback.ts. Virtual
// time through the test driver; every assertion reads LMDB state or the outbox.

import { afterEach, describe, expect, it } from 'vitest';
import { filter, map } from 'rxjs';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { definePipeline, type NotificationCandidate } from '../../src/runtime/pipeline.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { recommendations, liveRecommenderOf } from '../../pipelines/recommendations.js';
import { feedback } from '../../pipelines/feedback.js';
import { FeedbackLearning } from '../../src/learn/feedbackLearning.js';
import { assignArm } from '../../src/learn/experimentAssignment.js';
import { experimentsReport } from '../../src/learn/experimentReport.js';
import type { StateStore } from '../../state/stateStore.js';
import type { PushflowEvent } from '../../src/events/types.js';

const storeOf = (driver: PipelineTestDriver) => (driver as unknown as { store: StateStore }).store;
const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.parse('2026-11-03T02:00:00Z'); // 10:00 in Shanghai

/**
 * A test trigger: a search for `promo:<item>` asks for a cart reminder about the item (an intent
 * type), `digest:<item>` for a recommendation digest (not one: fatigue gates it).
 */
const promo = definePipeline({
  name: 'promo_test',
  build: (events$) =>
    events$.pipe(
      filter((event): event is Extract<PushflowEvent, { kind: 'behavior' }> => event.kind === 'behavior' && event.type === 'search' && /^(promo|digest):/.test(event.query ?? '')),
      map((event): NotificationCandidate => {
        const [kind, itemId] = event.query!.split(':');
        return kind === 'promo'
          ? { type: 'abandoned_cart', priority: 'marketing', userId: event.userId, dedupeKey: `promo:${event.id}`, time: event.time, payload: { itemId }, channel: 'push' }
          : { type: 'recommendation_digest', priority: 'marketing', userId: event.userId, dedupeKey: `digest:${event.id}`, time: event.time, payload: { count: 1, items: [{ itemId, title: 'Kettle' }] }, channel: 'push' };
      }),
    ),
});

let seq = 0;
const user = (userId: string, time: number, locale = 'en-US') => ({ kind: 'user', id: `u${seq++}`, userId, time, timeZone: 'Asia/Shanghai', locale, channels: { pushToken: `t-${userId}` }, consent: { push: true, marketing: true } });
const item = (itemId: string, time: number) => ({ kind: 'catalog', id: `c${seq++}`, itemId, title: `Kettle ${itemId}`, categoryId: 'kitchen', price: 99, stock: 10, time });
const ask = (userId: string, itemId: string, time: number) => ({ kind: 'behavior', id: `s${seq++}`, type: 'search', userId, query: `promo:${itemId}`, time });
const askDigest = (userId: string, itemId: string, time: number) => ({ kind: 'behavior', id: `s${seq++}`, type: 'search', userId, query: `digest:${itemId}`, time });
const fb = (type: string, userId: string, notificationId: string, time: number) => ({ kind: 'feedback', id: `f${seq++}`, type, userId, notificationId, channel: 'push', time });
const purchase = (userId: string, itemId: string, time: number) => ({ kind: 'behavior', id: `p${seq++}`, type: 'purchase', userId, itemId, price: 99, quantity: 1, time });
const tick = (time: number) => ({ kind: 'behavior', id: `v${seq++}`, type: 'view', userId: 'bystander', itemId: 'i0', time });

describe('learning loops', () => {
  let driver: PipelineTestDriver;
  afterEach(async () => driver?.close());
  const open = (config: object = {}) =>
    (driver = new PipelineTestDriver({
      startTime: T0,
      pipelines: [catalogAndUsers, recommendations, feedback, promo],
      config: {
        time: { maxOutOfOrdernessMs: 0 },
        recommend: { sweepIntervalSeconds: 0 },
        policy: { rateLimit: { enabled: false }, quietHours: { enabled: false }, sendTime: { enabled: false } },
        ...config,
      },
    }));
  const learning = () => FeedbackLearning.of(storeOf(driver), driver.config);
  /** Pipes one batch with processing time moved to its latest event (live sources reject the future). */
  const pipe = (events: { time: number }[]) => {
    const latest = Math.max(...events.map((event) => event.time));
    if (latest > driver.clock.now()) driver.clock.set(latest);
    return driver.pipe(events);
  };

  it('holds out the holdout arm (no marketing) and counts exposures, opens, clicks, attributed purchases and conversions per arm', () => {
    const experiment = { name: 'promo', salt: 'salt-1', arms: [{ name: 'control' }, { name: 'holdout', holdout: true }] };
    open({ experiments: [experiment] });
    const parsed = driver.config.experiments[0];
    const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const inControl = users.find((id) => assignArm(parsed, id).name === 'control')!;
    const inHoldout = users.find((id) => assignArm(parsed, id).name === 'holdout')!;
    pipe([item('i1', T0 - HOUR), user(inControl, T0 - HOUR), user(inHoldout, T0 - HOUR)]);
    const summary = pipe([ask(inControl, 'i1', T0), ask(inHoldout, 'i1', T0)]);
    expect(summary.suppressed.get('holdout')).toBe(1);
    const [sent] = driver.notifications();
    expect(sent.userId).toBe(inControl);

    pipe([fb('delivered', inControl, sent.id, T0 + MIN), fb('opened', inControl, sent.id, T0 + 5 * MIN), fb('clicked', inControl, sent.id, T0 + 6 * MIN)]);
    // Bought 2 hours after the click: attributed (window 24 h) and a conversion; the holdout user buys too, unattributed.
    pipe([purchase(inControl, 'i1', T0 + 2 * HOUR), purchase(inHoldout, 'i1', T0 + 2 * HOUR)]);
    // A second purchase two days later is outside the window: a purchase of an exposed user, not attributed.
    pipe([purchase(inControl, "i1", T0 + 50 * HOUR)]);

    const stats = learning().stats;
    expect(stats.counts('promo', 'control')).toMatchObject({ users: 1, sent: 1, withheld: 0, delivered: 1, opened: 1, clicked: 1, attributed: 1, attributedRevenue: 99, converters: 1, purchases: 2, purchasesSquared: 4 });
    expect(stats.counts('promo', 'holdout')).toMatchObject({ users: 1, sent: 0, withheld: 1, opened: 0, attributed: 0, converters: 1, purchases: 1, purchasesSquared: 1 });
    const [all, report] = experimentsReport(storeOf(driver), driver.config);
    expect(all.experiment).toBe('all');
    expect(report).toMatchObject({ experiment: 'promo', control: 'control', holdout: 'holdout' });
    const control = report.arms.find((arm) => arm.arm === 'control')!;
    expect(control.clickThroughRate.rate).toBe(1);
    expect(control.vsHoldout!.conversion.lift).toBe(0);
    expect(control.vsHoldout!.conversion.significant).toBe(false);
  });

  it('lowers the caps and stops the digests of a user who ignores marketing, keeps their cart reminders, and engagement restores', () => {
    open({
      policy: { rateLimit: { enabled: false }, quietHours: { enabled: false }, sendTime: { enabled: false }, budget: { enabled: false }, caps: { push: { daily: 10, weekly: 50 }, total: { daily: 4, weekly: 14 } } },
      learning: { fatigue: { feedbackLiveHours: 24 * 30 } },
    });
    pipe([item('i1', T0 - HOUR), user('u1', T0 - HOUR), user('u9', T0 - HOUR)]);
    // Someone opens a push message: engagement is reported on push, so silence there means something.
    pipe([ask('u9', 'i1', T0 - 50 * MIN)]);
    pipe([fb('opened', 'u9', driver.notifications().at(-1)!.id, T0 - 40 * MIN)]);
    const l = learning();
    const context = (type: string, time: number) => ({ candidate: { type, priority: 'marketing', userId: 'u1', dedupeKey: 'x', time, payload: {} }, now: time, reasons: [] as string[] }) as never;
    expect(l.totalCaps(context('recommendation_digest', T0), { daily: 4, weekly: 14 })).toEqual({ daily: 4, weekly: 14 });

    // Three digests a day for three days, none opened; each is judged ignored 24 h after it went out,
    // and once the score passes learning.fatigue.gateAbove (0.5) the digests stop.
    const day = 24 * HOUR;
    const summaries = [];
    for (let d = 0; d < 3; d++) {
      for (let k = 0; k < 3; k++) summaries.push(pipe([askDigest('u1', 'i1', T0 + d * day + k * MIN)]));
    }
    const sentDigests = driver.notifications().filter((n) => n.type === 'recommendation_digest').length;
    expect(sentDigests).toBeGreaterThanOrEqual(3);
    expect(sentDigests).toBeLessThan(9);
    expect(summaries.some((summary) => summary.suppressed.get('fatigued') === 1)).toBe(true);
    pipe([tick(T0 + 4 * day)]);
    const tired = l.fatigue('u1', T0 + 4 * day);
    expect(tired).toBeGreaterThan(0.5);
    const lowered = l.totalCaps(context('recommendation_digest', T0 + 4 * day), { daily: 4, weekly: 14 });
    expect(lowered.daily).toBeLessThan(4);
    expect(lowered.weekly).toBeLessThan(14);
    // A cart reminder is about the user's own intent: neither gated nor lowered.
    expect(l.totalCaps(context('abandoned_cart', T0 + 4 * day), { daily: 4, weekly: 14 })).toEqual({ daily: 4, weekly: 14 });

    const digest = pipe([askDigest('u1', 'i1', T0 + 4 * day + MIN)]);
    expect(digest.suppressed.get('fatigued')).toBe(1);
    const before = driver.notifications().length;
    pipe([ask('u1', 'i1', T0 + 4 * day + 2 * MIN)]);
    expect(driver.notifications().length).toBe(before + 1);

    // Opening and clicking the reminder restores: the fatigue score falls.
    const reminder = driver.notifications().at(-1)!;
    pipe([fb('opened', 'u1', reminder.id, T0 + 4 * day + 10 * MIN), fb('clicked', 'u1', reminder.id, T0 + 4 * day + 11 * MIN)]);
    expect(l.fatigue('u1', T0 + 4 * day + 11 * MIN)).toBeLessThan(tired);
  });

  it('counts no ignored messages on a channel where no open or click has ever come back', () => {
    open({ policy: { rateLimit: { enabled: false }, quietHours: { enabled: false }, sendTime: { enabled: false }, budget: { enabled: false }, caps: { push: { daily: 10, weekly: 50 }, total: { daily: 4, weekly: 14 } } } });
    pipe([item('i1', T0 - HOUR), user('u1', T0 - HOUR)]);
    const day = 24 * HOUR;
    const summaries = [];
    for (let d = 0; d < 3; d++) {
      for (let k = 0; k < 3; k++) summaries.push(pipe([askDigest('u1', 'i1', T0 + d * day + k * MIN)]));
    }
    pipe([tick(T0 + 4 * day)]);
    expect(learning().fatigue('u1', T0 + 4 * day)).toBe(0);
    expect(summaries.some((summary) => summary.suppressed.get('fatigued') !== undefined)).toBe(false);
    expect(driver.notifications().filter((n) => n.type === 'recommendation_digest')).toHaveLength(9);
  });

  it('teaches the recommender a click on an item, channel engagement the open and click, and send time the hour the user opens at', () => {
    open();
    pipe([item('i7', T0 - HOUR), user('u2', T0 - HOUR)]);
    pipe([ask('u2', 'i7', T0)]);
    const [sent] = driver.notifications();
    const recommender = liveRecommenderOf(storeOf(driver))!.recommender;
    const history = recommender.historyLength('u2');
    const signals = learning().sendTimeSignals({});
    expect(signals.activityByHourOfWeek!('u2')).toBeUndefined();
    pipe([fb('opened', 'u2', sent.id, T0 + 5 * MIN), fb('clicked', 'u2', sent.id, T0 + 6 * MIN)]);
    expect(recommender.historyLength('u2')).toBe(history + 1);
    // Channel engagement counts the engagement on push (channel choice ranks channels by it).
    expect(driver.runtime.decisions.engagement.get('u2')?.push?.engaged).toBe(2);
    const hours = signals.activityByHourOfWeek!('u2')!;
    // Opened Tuesday 10:05 in Shanghai: hour of week 24 + 10 (Monday 00:00 = 0).
    const hot = hours.indexOf(Math.max(...hours));
    expect(hot).toBe(34);
  });

  it('counts opt-outs of exposed users from unsubscribed feedback', () => {
    open({ experiments: [{ name: 'e', salt: 's', arms: [{ name: 'a' }, { name: 'b' }] }] });
    pipe([item('i1', T0 - HOUR), user('u3', T0 - HOUR)]);
    pipe([ask('u3', 'i1', T0)]);
    const [sent] = driver.notifications();
    pipe([fb('unsubscribed', 'u3', sent.id, T0 + HOUR), fb('unsubscribed', 'u3', sent.id, T0 + 2 * HOUR)]);
    const arm = assignArm(driver.config.experiments[0], 'u3').name;
    expect(learning().stats.counts('e', arm)).toMatchObject({ users: 1, sent: 1, optOuts: 1 });
    expect(learning().stats.counts('all', 'all').optOuts).toBe(1);
  });
});
