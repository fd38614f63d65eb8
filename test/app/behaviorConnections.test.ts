// The behaviour model connected as the process connects it (connectModels over the process's
// scorer), through the pipeline test driver with a model trained on the stream: its next interest
// and best hour reach the digest, and its purchase propensity decides who gets one.

import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { connectModels } from '../../src/app/modelConnections.js';
import { BehaviorModelService } from '../../src/behavior/behaviorModelService.js';
import { BehaviorScorer, type BehaviorScores } from '../../src/behavior/behaviorScorer.js';
import { activeProbabilityByLocalHour } from '../../src/behavior/index.js';
import { deliveryStateForInspect } from '../../src/decide/deliveryStateForInspect.js';
import { BehaviorSequenceStore } from '../../state/behaviorSequenceStore.js';
import type { StateStore } from '../../state/stateStore.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { behaviorSequences } from '../../pipelines/behaviorSequences.js';
import { shopperActivity } from '../../pipelines/shopperActivity.js';
import { recommendationDigest } from '../../pipelines/recommendationDigest.js';
import { DAY_MS, shopperEvents, START, tinyBehavior } from '../behavior/behaviorFixture.js';
import { tick } from '../support/triggerEvents.js';

const HOUR = 3_600_000;
const ZONE = 'Asia/Shanghai';
const USERS = Array.from({ length: 16 }, (_, u) => `u${u}`);
const localHour = (time: number) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', hourCycle: 'h23' }).format(time));
const localDay = (time: number) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(time);

describe('behaviour model connected to triggers and policy', () => {
  let driver: PipelineTestDriver;
  let service: BehaviorModelService | undefined;
  afterEach(async () => {
    await service?.stop();
    await driver?.close();
  });

  it('features the predicted category, sends at the predicted hour, and skips users unlikely to buy', async () => {
    let store!: StateStore;
    driver = new PipelineTestDriver({
      startTime: Date.UTC(2027, 0, 1),
      pipelines: [catalogAndUsers, behaviorSequences, shopperActivity, recommendationDigest],
      config: {
        time: { maxOutOfOrdernessMs: 0 },
        recommend: { enabled: false },
        policy: { sendTime: { enabled: false }, caps: { enabled: false }, rateLimit: { enabled: false }, propensity: { holdoutShare: 0 } },
        behavior: tinyBehavior({ training: { maxExamples: 600, epochs: 3, learningRate: 0.02 } }),
      },
      connect: (state, config) => {
        store = state;
        service = new BehaviorModelService({ config, store: state });
        const models = connectModels(state, config, service.scorer);
        // What the process does after each commit (in turns of the event loop): score who was asked about.
        return { ...models, afterBatch: () => void models.behaviorScores?.refresh() };
      },
    });

    // Four days of shoppers (sessions at 08-11 and 19-21 UTC); digests of those days go out without a model.
    driver.pipe(shopperEvents(USERS.length, 4));
    await service!.start();
    expect((await service!.backgroundTrainer!.runRound()).outcome).toBe('swapped');

    // What the model says of each user, from a scorer of our own on the same sequences and model.
    const config = driver.config;
    const reference = new BehaviorScorer(new BehaviorSequenceStore(store, config.behavior.bufferLength), { batchSize: 8, cacheSize: 100, historyWindow: config.behavior.bufferLength });
    reference.setModel(service!.scorer.activeModel());
    const expected = reference.scoreUsers(USERS);
    const propensity = (userId: string) => expected.get(userId)!.purchaseIn24h!;
    // The threshold between the middle two users (set before the day's digests are decided).
    const sorted = USERS.map(propensity).sort((a, b) => a - b);
    config.policy.propensity.minPurchaseProbability = (sorted[7] + sorted[8]) / 2;
    const unlikely = USERS.filter((u) => propensity(u) < config.policy.propensity.minPurchaseProbability);
    expect(unlikely).toHaveLength(8);

    // Day 4: planned at midnight (the model's scores are computed after that batch), sent at 20:00 local.
    const day4 = START + 4 * DAY_MS;
    driver.pipe([tick(day4 + HOUR)]);
    driver.pipe([tick(day4 + 13 * HOUR)]);
    const digests = (day: string) => new Map(driver.notifications().filter((n) => n.type === 'recommendation_digest' && n.payload.period === day).map((n) => [n.userId, n]));
    const fourth = digests(localDay(day4 + 12 * HOUR));
    for (const userId of USERS) {
      if (unlikely.includes(userId)) {
        expect(fourth.has(userId), userId).toBe(false);
        expect(deliveryStateForInspect(store, config, userId).recentNotifications[0]).toMatchObject({ type: 'recommendation_digest', outcome: 'suppressed', reason: 'low_propensity' });
      } else {
        expect(fourth.get(userId)?.payload.categoryId, userId).toBe(expected.get(userId)!.nextCategories[0].categoryId);
      }
    }

    // Day 5: planned at each user's most probable hour outside quiet hours (22:00-08:00 local). The
    // scores are then more than 24 h old, past the propensity's horizon: everyone gets one.
    const day5 = day4 + DAY_MS;
    driver.pipe([tick(day5 + HOUR)]);
    driver.pipe([tick(day5 + DAY_MS - HOUR)]);
    const fifth = digests(localDay(day5 + 12 * HOUR));
    const bestHour = (scores: BehaviorScores) => {
      const byHour = activeProbabilityByLocalHour(scores, ZONE);
      let best = 8;
      for (let hour = 8; hour < 22; hour++) if (byHour[hour] > byHour[best]) best = hour;
      return best;
    };
    const hours = USERS.map((userId) => {
      const digest = fifth.get(userId);
      expect(digest, userId).toBeDefined();
      expect(localHour(digest!.decidedAt), userId).toBe(bestHour(expected.get(userId)!));
      return localHour(digest!.decidedAt);
    });
    // Not the trigger's default hour for everyone: the hours come from the model.
    expect(new Set(hours).size).toBeGreaterThan(1);
  }, 60_000);
});
