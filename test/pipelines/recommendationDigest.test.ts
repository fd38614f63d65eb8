import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import type { PipelineDefinition } from '../../src/runtime/pipeline.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { shopperActivity } from '../../pipelines/shopperActivity.js';
import { recommendationDigest } from '../../pipelines/recommendationDigest.js';
import { withPorts, type TriggerPorts } from '../../pipelines/ports.js';
import { behavior, catalog, DAY, DAY0, HOUR, LATER, tick, user, view } from '../support/triggerEvents.js';

/** 20:00 in Asia/Shanghai (the default zone) on DAY0 + 1. */
const EVENING1 = DAY0 + DAY + 12 * HOUR;

describe('recommendation digest pipeline', () => {
  let driver: PipelineTestDriver;
  const open = (digest: object = {}, ports?: Partial<TriggerPorts>) => {
    const trigger: PipelineDefinition = ports ? withPorts(recommendationDigest, ports) : recommendationDigest;
    return (driver = new PipelineTestDriver({
      startTime: LATER,
      pipelines: [catalogAndUsers, shopperActivity, trigger],
      config: { time: { maxOutOfOrdernessMs: 0 }, policy: { enabled: false }, triggers: { recommendationDigest: digest } },
    }));
  };
  /** Two items many users liked on DAY0, so the popular-items fallback has something to say. */
  const popularDay = () => [
    catalog('p1', DAY0, { title: 'Smartwatch' }),
    catalog('p2', DAY0, { title: 'Earbuds' }),
    ...['a', 'b', 'c'].map((fan) => behavior('favorite', fan, 'p1', DAY0 + HOUR)),
    ...['a', 'b'].map((fan) => behavior('favorite', fan, 'p2', DAY0 + HOUR)),
  ];
  afterEach(async () => driver?.close());

  it('sends each recently active user a digest at the default local hour, with what is popular', () => {
    open();
    driver.pipe([...popularDay(), view('u1', 'x', DAY0 + 2 * HOUR)]);
    driver.pipe([tick(EVENING1 - HOUR)]);
    expect(driver.notifications()).toHaveLength(0);
    driver.pipe([tick(EVENING1)]);
    const digests = driver.notifications().filter((n) => n.userId === 'u1');
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({ type: 'recommendation_digest', priority: 'marketing', decidedAt: EVENING1, title: '为您精选' });
    expect(digests[0].payload).toMatchObject({ frequency: 'daily', period: '2026-11-03', count: 2 });
    expect((digests[0].payload.items as { itemId: string }[]).map((i) => i.itemId)).toEqual(['p1', 'p2']);
    expect(digests[0].body).toBe('Smartwatch和Earbuds,根据您的喜好挑选。');
    // The fans were active on DAY0 too; the bystander only from DAY0 + 1, so not yet.
    expect(driver.notifications().map((n) => n.userId).sort()).toEqual(['a', 'b', 'c', 'u1']);
  });

  it('asks the recommender, the send-time model and the behaviour model where they are connected', () => {
    open({}, {
      recommendItems: (userId, k) => [{ itemId: `for-${userId}`, reason: 'similar:x' }].slice(0, k),
      bestSendHour: () => 9,
      nextInterest: () => 'home-decor',
    });
    driver.pipe([
      user('u1', DAY0, { locale: 'en-US', timeZone: 'America/New_York', channels: { email: 'u1@example.com' } }),
      catalog('for-u1', DAY0, { title: 'Table Lamp' }),
      view('u1', 'x', DAY0 + 2 * HOUR),
    ]);
    // 09:00 in New York on DAY0 + 1 is 14:00 UTC (EST).
    driver.pipe([tick(DAY0 + DAY + 14 * HOUR - 1)]);
    expect(driver.notifications()).toHaveLength(0);
    driver.pipe([tick(DAY0 + DAY + 14 * HOUR)]);
    const [digest] = driver.notifications().filter((n) => n.userId === 'u1');
    expect(digest).toMatchObject({ channel: 'email', locale: 'en-US', title: 'New picks for you' });
    expect(digest.body).toBe('Table Lamp: chosen for you. More new in home decor inside.');
    expect(digest.payload).toMatchObject({ categoryId: 'home-decor', items: [{ itemId: 'for-u1', title: 'Table Lamp', reason: 'similar:x' }] });
  });

  it('leaves out users quiet for longer than activeWithinDays, and sends nothing without items', () => {
    open({ activeWithinDays: 1 }, { recommendItems: (userId) => (userId === 'u2' ? [] : [{ itemId: 'i' }]) });
    driver.pipe([view('u1', 'x', DAY0 + HOUR), view('u2', 'x', DAY0 + DAY + HOUR), tick(DAY0 + DAY + 2 * HOUR)]);
    driver.pipe([tick(DAY0 + 2 * DAY + 13 * HOUR)]);
    driver.pipe([tick(DAY0 + 2 * DAY + 14 * HOUR)]);
    expect(driver.notifications().map((n) => [n.userId, n.payload.period])).toEqual([
      ['u1', '2026-11-03'],
      ['bystander', '2026-11-04'],
    ]);
  });

  it('sends a weekly digest on the configured local weekday only', () => {
    open({ frequency: 'weekly', weekday: 2 }, { recommendItems: () => [{ itemId: 'i' }] });
    for (let day = 0; day < 7; day++) driver.pipe([view('u1', 'x', DAY0 + day * DAY + HOUR)]);
    driver.pipe([tick(DAY0 + 8 * DAY)]);
    const digests = driver.notifications().filter((n) => n.userId === 'u1');
    expect(digests.map((n) => [n.decidedAt, n.payload.period])).toEqual([[DAY0 + 2 * DAY + 12 * HOUR, '2026-W45']]);
  });

  it('sends one digest per user and day however the best hour moves', () => {
    let hour = 10;
    open({}, { recommendItems: () => [{ itemId: 'i' }], bestSendHour: () => hour });
    driver.pipe([view('u1', 'x', DAY0 + HOUR), tick(DAY0 + DAY + 1)]);
    driver.pipe([tick(DAY0 + DAY + 3 * HOUR)]);
    hour = 21;
    driver.pipe([view('u1', 'x', DAY0 + DAY + 4 * HOUR), tick(DAY0 + 2 * DAY + 1)]);
    driver.pipe([tick(DAY0 + 2 * DAY + 13 * HOUR + 1)]);
    expect(driver.notifications().filter((n) => n.userId === 'u1').map((n) => n.payload.period)).toEqual(['2026-11-03', '2026-11-04']);
  });

  it('keeps a planned digest across a restart and sends it once', async () => {
    open();
    driver.pipe([...popularDay(), view('u1', 'x', DAY0 + 2 * HOUR)]);
    driver.pipe([tick(DAY0 + DAY + HOUR)]);
    await driver.restart();
    driver.pipe([tick(EVENING1 + HOUR)]);
    await driver.restart();
    driver.pipe([tick(EVENING1 + 3 * HOUR)]);
    expect(driver.notifications().filter((n) => n.userId === 'u1')).toHaveLength(1);
  });

  it('sends a digest whose hour passed during downtime late, once', () => {
    open({}, { recommendItems: () => [{ itemId: 'i' }] });
    driver.pipe([view('u1', 'x', DAY0 + HOUR)]);
    // Nothing arrives until after the next evening: midnight and the send hour pass in one step.
    driver.pipe([view('u2', 'x', DAY0 + DAY + 13 * HOUR)]);
    driver.pipe([tick(DAY0 + DAY + 14 * HOUR)]);
    driver.pipe([tick(DAY0 + DAY + 15 * HOUR)]);
    expect(driver.notifications().map((n) => [n.userId, n.decidedAt])).toEqual([['u1', EVENING1]]);
  });
});
