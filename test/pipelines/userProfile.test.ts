import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { PROFILE_WINDOWS, userProfile } from '../../pipelines/userProfile.js';
import { ProfileStore } from '../../state/profileStore.js';
import { WindowStore } from '../../state/windowStore.js';
import { behaviorCountsCodec, countsByType, type BehaviorCounts } from '../../src/profile/behaviorCounts.js';
import { hourOfWeekCounts } from '../../src/profile/userProfile.js';
import { purchasesWithin30Days } from '../../src/profile/profileFeatures.js';
import { contextProbe } from './pipelineProbe.js';

/** 12:00 UTC, 20:00 in Shanghai (the default zone), on a Sunday. */
const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
let seq = 0;
const behavior = (type: string, userId: string, time: number, extra: object = {}) => ({ kind: 'behavior', id: `e${seq++}`, type, userId, time, ...extra });
const view = (userId: string, time: number) => behavior('view', userId, time, { itemId: 'i', categoryId: 'c' });

describe('user profile pipeline', () => {
  let driver: PipelineTestDriver;
  const probe = contextProbe();
  const open = (config = {}) =>
    (driver = new PipelineTestDriver({ pipelines: [catalogAndUsers, userProfile, probe.pipeline], config: { time: { maxOutOfOrdernessMs: 0 }, ...config } }));
  afterEach(async () => driver?.close());
  const profile = (userId: string) => ProfileStore.open(probe.context.state).get(userId);
  const windows = (name: string, userId: string) =>
    WindowStore.open<BehaviorCounts>(probe.context.state, name, behaviorCountsCodec)
      .windowsOf(userId)
      .map((w) => ({ start: w.start, counts: countsByType(w.value), ...(w.closed ? { closed: true } : {}) }));
  const lateEvents = (name: string) => WindowStore.open(probe.context.state, name, behaviorCountsCodec).lateEvents;

  it('builds the profile from behaviour events, pricing purchases from the event or else the catalog', () => {
    open();
    driver.pipe([
      { kind: 'catalog', id: 'c1', itemId: 'i1', price: 20, categoryId: 'shoes', time: T0 - MIN },
      behavior('add_to_cart', 'u1', T0, { itemId: 'i1', categoryId: 'shoes' }),
      behavior('purchase', 'u1', T0 + MIN, { itemId: 'i1', categoryId: 'shoes', quantity: 2 }),
      behavior('purchase', 'u1', T0 + 2 * MIN, { itemId: 'i2', categoryId: 'bags', price: 7 }),
      behavior('purchase', 'u1', T0 + 3 * MIN, { itemId: 'i3' }),
    ]);
    const u1 = profile('u1')!;
    expect(countsByType(u1.counts)).toEqual({ add_to_cart: 1, purchase: 3 });
    expect(purchasesWithin30Days(u1, T0 + HOUR)).toEqual({ count: 3, spend: 47, unpriced: 1 });
    expect(u1.cartsConverted).toBe(1);
    expect(u1.affinity.map((a) => a.categoryId)).toEqual(['shoes', 'bags']);
    // 20:00 on Sunday in Shanghai.
    expect(hourOfWeekCounts(u1)[6 * 24 + 20]).toBe(4);
  });

  it('places activity in the user’s own time zone once their settings name one', () => {
    open();
    driver.pipe([{ kind: 'user', id: 's1', userId: 'u1', timeZone: 'America/New_York', time: T0 - MIN }, view('u1', T0)]);
    expect(profile('u1')!.timeZone).toBe('America/New_York');
    expect(hourOfWeekCounts(profile('u1')!)[6 * 24 + 7]).toBe(1); // 07:00 on Sunday in New York
    driver.pipe([{ kind: 'user', id: 's2', userId: 'u1', timeZone: 'Europe/Paris', time: T0 + MIN }, view('u1', T0 + 2 * MIN)]);
    expect(hourOfWeekCounts(profile('u1')!)[6 * 24 + 13]).toBe(1); // 13:00 in Paris
  });

  it('keeps counts per hour and per day in windows keyed by user, closed ones kept, and counts the visits', () => {
    open();
    driver.pipe([view('u1', T0), view('u1', T0 + 10 * MIN), view('u1', T0 + 50 * MIN), behavior('favorite', 'u1', T0 + 70 * MIN, { itemId: 'i' })]);
    driver.pipe([view('u2', T0 + 3 * HOUR)]);
    expect(windows(PROFILE_WINDOWS.hourly, 'u1')).toEqual([
      { start: T0, counts: { view: 3 }, closed: true },
      { start: T0 + HOUR, counts: { favorite: 1 }, closed: true },
    ]);
    // Days start at midnight in Shanghai: 16:00 UTC.
    expect(windows(PROFILE_WINDOWS.daily, 'u1')).toEqual([{ start: Date.UTC(2026, 9, 31, 16), counts: { view: 3, favorite: 1 } }]);
    // A 40-minute pause (> 30) starts a second visit.
    expect(profile('u1')!.visits).toBe(2);
  });

  it('leaves an event later than the grace out of its closed windows, counting it as late, and still in the profile', () => {
    open();
    driver.pipe([view('u1', T0), view('u2', T0 + 2 * HOUR)]);
    driver.pipe([view('u1', T0 + 5 * MIN)]);
    expect(windows(PROFILE_WINDOWS.hourly, 'u1')).toEqual([{ start: T0, counts: { view: 1 }, closed: true }]);
    expect(lateEvents(PROFILE_WINDOWS.hourly)).toBe(1);
    expect(lateEvents(PROFILE_WINDOWS.daily)).toBe(0);
    expect(windows(PROFILE_WINDOWS.daily, 'u1')[0].counts).toEqual({ view: 2 });
    expect(countsByType(profile('u1')!.counts)).toEqual({ view: 2 });
  });

  it('takes a late event within the grace into its window', () => {
    open({ profile: { windowGraceMinutes: 30 } });
    driver.pipe([view('u1', T0), view('u2', T0 + HOUR + 20 * MIN)]);
    driver.pipe([view('u1', T0 + 5 * MIN)]);
    driver.pipe([view('u2', T0 + 2 * HOUR)]);
    expect(windows(PROFILE_WINDOWS.hourly, 'u1')).toEqual([{ start: T0, counts: { view: 2 }, closed: true }]);
    expect(lateEvents(PROFILE_WINDOWS.hourly)).toBe(0);
  });

  it('survives a restart in the middle of its windows: they close with the events of both runs', async () => {
    open();
    driver.pipe([view('u1', T0), view('u1', T0 + 10 * MIN)]);
    await driver.restart();
    driver.pipe([view('u1', T0 + 20 * MIN)]);
    await driver.restart();
    driver.pipe([view('u2', T0 + 3 * HOUR)]);
    expect(windows(PROFILE_WINDOWS.hourly, 'u1')).toEqual([{ start: T0, counts: { view: 3 }, closed: true }]);
    expect(windows(PROFILE_WINDOWS.daily, 'u1')).toEqual([{ start: Date.UTC(2026, 9, 31, 16), counts: { view: 3 } }]);
    expect(countsByType(profile('u1')!.counts)).toEqual({ view: 3 });
    // The closing survived the restart too: an event for that hour is still late.
    await driver.restart();
    driver.pipe([view('u1', T0 + 30 * MIN)]);
    expect(windows(PROFILE_WINDOWS.hourly, 'u1')[0].counts).toEqual({ view: 3 });
    expect(lateEvents(PROFILE_WINDOWS.hourly)).toBe(1);
  });

  it('can be switched off', () => {
    open({ profile: { enabled: false } });
    driver.pipe([view('u1', T0)]);
    expect(profile('u1')).toBeUndefined();
  });
});
