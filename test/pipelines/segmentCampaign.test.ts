import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import type { PipelineDefinition } from '../../src/runtime/pipeline.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { shopperActivity } from '../../pipelines/shopperActivity.js';
import { holdoutDraw, segmentCampaign } from '../../pipelines/segmentCampaign.js';
import { withPorts, type TriggerPorts } from '../../pipelines/ports.js';
import { CampaignAudience } from '../../state/campaignAudience.js';
import type { StateStore } from '../../state/stateStore.js';
import { DAY, DAY0, HOUR, LATER, MIN, tick, user, view } from '../support/triggerEvents.js';

const START = DAY0 + DAY;
const END = DAY0 + 3 * DAY;
const iso = (time: number) => new Date(time).toISOString();
const campaign = (fields: object = {}) => ({
  id: 'singles-day',
  content: { 'en-US': { title: 'Singles Day', body: 'Up to 50% off, today only.' }, 'zh-CN': { title: '双十一', body: '全场低至五折,仅限今天。' } },
  startAt: iso(START),
  endAt: iso(END),
  holdoutShare: 0,
  ...fields,
});

describe('segment campaign pipeline', () => {
  let driver: PipelineTestDriver;
  const open = (campaigns: object[], ports?: Partial<TriggerPorts>, config: object = {}) => {
    const trigger: PipelineDefinition = ports ? withPorts(segmentCampaign, ports) : segmentCampaign;
    return (driver = new PipelineTestDriver({
      startTime: LATER,
      pipelines: [catalogAndUsers, shopperActivity, trigger],
      config: { time: { maxOutOfOrdernessMs: 0 }, policy: { enabled: false }, triggers: { segmentCampaign: { campaigns } }, ...config },
    }));
  };
  const reached = () => driver.notifications().map((n) => n.userId).filter((id) => id !== 'bystander').sort();
  const audience = () => new CampaignAudience((driver as unknown as { store: StateStore }).store);
  afterEach(async () => driver?.close());

  it('reaches, at the start, the users active within the lookback, in their own language', () => {
    open([campaign({ audienceLookbackDays: 2 })]);
    driver.pipe([
      user('u1', DAY0 - 5 * DAY, { locale: 'en-US', channels: { pushToken: 't' } }),
      user('u2', DAY0 - 5 * DAY, { locale: 'zh-CN', channels: { pushToken: 't' } }),
      view('old', 'x', DAY0 - 4 * DAY),
      view('u1', 'x', DAY0 - DAY),
      view('u2', 'x', DAY0 + HOUR),
    ]);
    driver.pipe([tick(START)]);
    expect(reached()).toEqual(['u1', 'u2']);
    const [u1, u2] = driver.notifications().filter((n) => n.userId !== 'bystander').sort((a, b) => a.userId.localeCompare(b.userId));
    expect(u1).toMatchObject({ type: 'segment_campaign', priority: 'marketing', title: 'Singles Day', body: 'Up to 50% off, today only.' });
    expect(u2).toMatchObject({ title: '双十一', body: '全场低至五折,仅限今天。' });
    expect(u1.payload).toMatchObject({ campaignId: 'singles-day' });
  });

  it('reaches a user first seen during the window at their first activity, once, and nobody after the end', () => {
    open([campaign()]);
    driver.pipe([tick(START), view('u1', 'x', START + HOUR), view('u1', 'y', START + 2 * HOUR)]);
    expect(reached()).toEqual(['u1']);
    expect(driver.notifications().find((n) => n.userId === 'u1')?.decidedAt).toBe(START + HOUR);
    driver.pipe([view('late', 'x', END + MIN)]);
    expect(reached()).toEqual(['u1']);
  });

  it('targets the configured segments through the segment model, and nobody without one', () => {
    const segments: Record<string, string> = { u1: 'bargain-hunters', u2: 'loyal', u3: 'bargain-hunters' };
    open([campaign({ segments: ['bargain-hunters'] })], { userSegment: (userId) => segments[userId] });
    driver.pipe([view('u1', 'x', DAY0), view('u2', 'x', DAY0), view('u3', 'x', START + HOUR), view('u4', 'x', START + HOUR)]);
    expect(reached()).toEqual(['u1', 'u3']);
  });

  it('filters by locale and by profile attributes', () => {
    const profiles: Record<string, Record<string, unknown>> = { u1: { orders: 3, tier: 'gold' }, u2: { orders: 0, tier: 'gold' }, u3: { orders: 5, tier: 'basic' } };
    open([campaign({ filter: { locales: ['en-US'], profile: { orders: { min: 1 }, tier: ['gold', 'platinum'] } } })], { userProfile: (userId) => profiles[userId] });
    driver.pipe([
      ...['u1', 'u2', 'u3'].map((id) => user(id, DAY0, { locale: 'en-US', channels: { pushToken: 't' } })),
      user('u4', DAY0, { locale: 'zh-CN' }),
      ...['u1', 'u2', 'u3', 'u4'].map((id) => view(id, 'x', DAY0 + HOUR)),
      tick(START),
    ]);
    expect(reached()).toEqual(['u1']);
  });

  it('holds out a deterministic share of the audience, recorded but not sent', () => {
    open([campaign({ holdoutShare: 0.3 })]);
    const users = Array.from({ length: 40 }, (_, i) => `u${i}`);
    driver.pipe([...users.map((id) => view(id, 'x', DAY0 + HOUR)), tick(START)]);
    const heldOut = users.filter((id) => holdoutDraw('singles-day', id) < 0.3);
    expect(heldOut.length).toBeGreaterThan(4);
    expect(heldOut.length).toBeLessThan(20);
    expect(reached()).toEqual(users.filter((id) => !heldOut.includes(id)).sort());
    expect(users.filter((id) => audience().groupOf('singles-day', id) === 'holdout')).toEqual(heldOut);
  });

  it('starts once across restarts, and never reaches a user twice', async () => {
    open([campaign()]);
    driver.pipe([view('u1', 'x', DAY0 + HOUR)]);
    await driver.restart();
    driver.pipe([tick(START)]);
    await driver.restart();
    driver.pipe([view('u1', 'x', START + HOUR), view('u2', 'x', START + HOUR), tick(START + 2 * HOUR)]);
    expect(reached()).toEqual(['u1', 'u2']);
  });

  it('runs a wall-clock campaign by processing time, late but once after downtime', async () => {
    const start = LATER + HOUR;
    open([campaign({ clock: 'processing', startAt: iso(start), endAt: iso(start + DAY) })], undefined, { time: { maxOutOfOrdernessMs: 0, idleTimeoutMs: 60_000 } });
    driver.pipe([view('u1', 'x', DAY0 + HOUR)]);
    driver.advanceProcessingTime(30 * MIN);
    expect(reached()).toEqual([]);
    await driver.restart();
    // Down past the start: the first occasion after the restart starts the campaign, once.
    driver.advanceProcessingTime(2 * HOUR);
    driver.advanceProcessingTime(MIN);
    expect(reached()).toEqual(['u1']);
    driver.pipe([view('u2', 'x', DAY0 + 2 * HOUR)]);
    expect(reached()).toEqual(['u1', 'u2']);
  });

  it('is not built without campaigns', () => {
    open([]);
    driver.pipe([view('u1', 'x', DAY0), tick(START + HOUR)]);
    expect(driver.notifications()).toHaveLength(0);
  });
});
