// The models connected as the process connects them (connectModels), through the pipeline test
// driver: the recommender's picks reach the digest, segments and profiles reach campaigns; and
// the process itself connects them (a replay of a file into a real LMDB directory).

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/loadConfig.js';
import { PushflowProcess } from '../../src/app/pushflowProcess.js';
import { FileSource } from '../../src/sources/fileSource.js';
import { JsonlFileSink } from '../../src/sinks/jsonlSink.js';
import type { DeadLetter, Notification } from '../../src/sinks/sink.js';
import { ALL_PIPELINES } from '../../pipelines/index.js';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { connectModels } from '../../src/app/modelConnections.js';
import { profileTriggerPorts } from '../../src/profile/profilePorts.js';
import type { StateStore } from '../../state/stateStore.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { shopperActivity } from '../../pipelines/shopperActivity.js';
import { recommendations } from '../../pipelines/recommendations.js';
import { recommendationDigest } from '../../pipelines/recommendationDigest.js';
import { userProfile } from '../../pipelines/userProfile.js';
import { segments } from '../../pipelines/segments.js';
import { segmentCampaign } from '../../pipelines/segmentCampaign.js';
import { browseAbandonment } from '../../pipelines/browseAbandonment.js';
import { behavior, catalog, DAY, DAY0, HOUR, LATER, MIN, tick, view } from '../support/triggerEvents.js';

type DigestItem = { itemId: string; title?: string; reason?: string };
const itemsOf = (payload: Record<string, unknown>) => payload.items as DigestItem[];

describe('models connected to the triggers', () => {
  let driver: PipelineTestDriver;
  let store: StateStore;
  afterEach(async () => driver?.close());

  function drive(pipelines: ConstructorParameters<typeof PipelineTestDriver>[0]['pipelines'], config: object): PipelineTestDriver {
    driver = new PipelineTestDriver({
      startTime: LATER,
      pipelines,
      config: { time: { maxOutOfOrdernessMs: 0 }, policy: { enabled: false }, recommend: { sweepIntervalSeconds: 0 }, ...config },
      connect: (state, settings) => {
        store = state;
        return connectModels(state, settings);
      },
    });
    return driver;
  }

  /** Eight shoppers view p1 then p2 (and half of them p3); the sold-out p5 is viewed by all. */
  const shop = () => [
    catalog('p1', DAY0, { title: 'Smartwatch', stock: 5 }),
    catalog('p2', DAY0, { title: 'Earbuds', stock: 5 }),
    catalog('p3', DAY0, { title: 'Phone case', stock: 5 }),
    catalog('p4', DAY0, { title: 'Charger', stock: 5 }),
    catalog('p5', DAY0, { title: 'Desk lamp', stock: 0 }),
    ...Array.from({ length: 8 }, (_, i) => [
      view(`c${i}`, 'p1', DAY0 + HOUR + i * 10 * MIN),
      view(`c${i}`, 'p2', DAY0 + HOUR + i * 10 * MIN + MIN),
      ...(i < 4 ? [view(`c${i}`, 'p3', DAY0 + HOUR + i * 10 * MIN + 2 * MIN)] : []),
      view(`c${i}`, 'p5', DAY0 + HOUR + i * 10 * MIN + 3 * MIN),
    ]).flat(),
  ];

  it("puts the recommender's picks in the digest: from the history of a known user, popular items for a cold one", () => {
    drive([catalogAndUsers, shopperActivity, recommendations, recommendationDigest], { triggers: { recommendationDigest: { items: 3 } } });
    driver.pipe([
      ...shop(),
      view('u1', 'p1', DAY0 + 3 * HOUR),
      behavior('add_to_cart', 'u1', 'p1', DAY0 + 3 * HOUR + MIN),
      behavior('purchase', 'u1', 'p1', DAY0 + 3 * HOUR + 2 * MIN),
      // A search names no item: u2 is active (planned a digest) but unknown to the recommender.
      behavior('search', 'u2', undefined, DAY0 + 3 * HOUR, { query: 'gift' }),
    ]);
    driver.pipe([tick(DAY0 + DAY + HOUR)]);
    driver.pipe([tick(DAY0 + DAY + 12 * HOUR)]);
    const digestOf = (userId: string) => driver.notifications().find((n) => n.userId === userId && n.type === 'recommendation_digest')!;

    const known = itemsOf(digestOf('u1').payload);
    // Bought p1: not offered again; p2 because the people who viewed p1 viewed it; p5 is sold out.
    expect(known.map((i) => i.itemId)).not.toContain('p1');
    expect(known.map((i) => i.itemId)).not.toContain('p5');
    expect(known).toContainEqual({ itemId: 'p2', title: 'Earbuds', reason: 'similar:p1' });

    // The recommender's time-decayed popularity counts single views (the trigger's own fallback
    // only counts favourites, carts and repeated views, and would have offered p1 alone).
    const cold = itemsOf(digestOf('u2').payload);
    expect(cold).toEqual([
      { itemId: 'p1', title: 'Smartwatch', reason: 'popular' },
      { itemId: 'p2', title: 'Earbuds', reason: 'popular' },
      { itemId: 'p3', title: 'Phone case', reason: 'popular' },
    ]);
  });

  it("falls back on the trigger's popular items when the recommender is off", () => {
    drive([catalogAndUsers, shopperActivity, recommendationDigest], { recommend: { enabled: false, sweepIntervalSeconds: 0 } });
    driver.pipe([...shop(), behavior('favorite', 'u1', 'p4', DAY0 + 3 * HOUR), behavior('search', 'u2', undefined, DAY0 + 3 * HOUR, { query: 'gift' })]);
    driver.pipe([tick(DAY0 + DAY + HOUR)]);
    driver.pipe([tick(DAY0 + DAY + 12 * HOUR)]);
    const digest = driver.notifications().find((n) => n.userId === 'u2' && n.type === 'recommendation_digest')!;
    expect(itemsOf(digest.payload)).toEqual([{ itemId: 'p4', title: 'Charger', reason: 'popular' }]);
  });

  it('targets campaigns by the segment and the profile the models hold for each user', () => {
    const campaign = (id: string, rest: object) => ({
      id,
      content: { 'zh-CN': { title: id, body: id } },
      startAt: new Date(DAY0 + 3 * DAY).toISOString(),
      endAt: new Date(DAY0 + 4 * DAY).toISOString(),
      holdoutShare: 0,
      ...rest,
    });
    drive([catalogAndUsers, shopperActivity, userProfile, segments, segmentCampaign], {
      segments: { k: 2, seedAfterUsers: 20, miniBatchSize: 10 },
      triggers: {
        segmentCampaign: {
          campaigns: [
            campaign('segment-0', { segments: ['0'] }),
            campaign('segment-1', { segments: ['1'] }),
            campaign('buyers', { filter: { profile: { purchases: { min: 1 } } } }),
          ],
        },
      },
    });
    // Buyers come at night and complete their carts; browsers view a lot in the evening.
    const buyers = Array.from({ length: 15 }, (_, i) => `buyer${i}`);
    const browsers = Array.from({ length: 15 }, (_, i) => `browser${i}`);
    for (let day = 0; day < 3; day++) {
      const events = [];
      for (const [i, userId] of buyers.entries()) {
        const at = DAY0 + day * DAY + 18 * HOUR + i * MIN;
        events.push(view(userId, `b${i}`, at), behavior('add_to_cart', userId, `b${i}`, at + 10_000), behavior('purchase', userId, `b${i}`, at + 20_000));
      }
      for (const [i, userId] of browsers.entries()) {
        const at = DAY0 + day * DAY + 12 * HOUR + i * MIN;
        for (let v = 0; v < 6; v++) events.push(view(userId, `v${i}-${v}`, at + v * 10_000));
      }
      driver.pipe(events.sort((a, b) => a.time - b.time));
    }
    driver.pipe([tick(DAY0 + 3 * DAY + HOUR)]);

    const { userSegment } = profileTriggerPorts(store, driver.config);
    const received = new Map<string, string[]>();
    for (const n of driver.notifications()) received.set(n.userId, [...(received.get(n.userId) ?? []), n.payload.campaignId as string].sort());
    for (const userId of [...buyers, ...browsers]) {
      const segment = userSegment(userId);
      expect(segment, userId).toBeDefined();
      const expected = [`segment-${segment}`, ...(buyers.includes(userId) ? ['buyers'] : [])].sort();
      expect(received.get(userId), userId).toEqual(expected);
    }
    // The two kinds of shoppers fall in different segments, so each segment campaign reached someone.
    expect(new Set(buyers.map(userSegment))).toHaveLength(1);
    expect(userSegment(browsers[0])).not.toBe(userSegment(buyers[0]));
  });

  it("holds marketing to the hour the user's profile says they are active (the send-time signals)", () => {
    drive([catalogAndUsers, userProfile, browseAbandonment], {
      policy: { rateLimit: { enabled: false } },
      triggers: { browseAbandonment: { digest: { windowMinutes: 0 } } },
    });
    // A week of visits at 15:00 in Shanghai (07:00Z), then a Monday-morning browse at 08:30.
    for (let day = 0; day < 7; day++) driver.pipe([0, 1, 2].map((i) => view('u1', `seen${day}-${i}`, DAY0 + day * DAY + 7 * HOUR + i * MIN)));
    const monday = DAY0 + 7 * DAY;
    driver.pipe([0, 5, 10].map((m) => view('u1', 'x', monday + 30 * MIN + m * MIN)));
    // The reminder is due at 09:40 local; the user's own Monday pattern puts it at 15:00.
    driver.pipe([tick(monday + 2 * HOUR)]);
    expect(driver.notifications()).toHaveLength(0);
    driver.pipe([tick(monday + 7 * HOUR)]);
    const [reminder] = driver.notifications();
    expect(reminder).toMatchObject({ userId: 'u1', type: 'browse_abandonment', decidedAt: monday + 7 * HOUR });
  });

  it('is how the process connects them: a replay delivers digests with the recommender\'s picks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushflow-models-'));
    try {
      const events = [
        ...shop(),
        view('u1', 'p1', DAY0 + 3 * HOUR),
        behavior('purchase', 'u1', 'p1', DAY0 + 3 * HOUR + MIN),
        tick(DAY0 + DAY + HOUR),
        // Past 20:00 in Shanghai by more than the out-of-orderness bound.
        tick(DAY0 + DAY + 13 * HOUR),
      ];
      writeFileSync(join(dir, 'events.jsonl'), events.map((event) => JSON.stringify(event)).join('\n'));
      const config = loadConfig({
        env: {},
        overrides: { dataDir: join(dir, 'state'), metrics: { enabled: false }, policy: { enabled: false }, recommend: { sweepIntervalSeconds: 0 } },
      });
      const pushflow = new PushflowProcess({
        config,
        pipelines: ALL_PIPELINES,
        notificationSink: new JsonlFileSink<Notification>(join(dir, 'notifications.jsonl')),
        deadLetterSink: new JsonlFileSink<DeadLetter>(join(dir, 'dlq.jsonl')),
      });
      await pushflow.run(new FileSource({ path: join(dir, 'events.jsonl'), format: 'jsonl', batchSize: 10 }));
      await pushflow.close();
      const sent = readFileSync(join(dir, 'notifications.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Notification);
      const digest = sent.find((n) => n.userId === 'u1' && n.type === 'recommendation_digest')!;
      expect(itemsOf(digest.payload)).toContainEqual({ itemId: 'p2', title: 'Earbuds', reason: 'similar:p1' });
      expect(itemsOf(digest.payload).map((i) => i.itemId)).not.toContain('p1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
