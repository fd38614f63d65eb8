import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { userProfile } from '../../pipelines/userProfile.js';
import { segments } from '../../pipelines/segments.js';
import { ProfileStore } from '../../state/profileStore.js';
import { SegmentStore } from '../../state/segmentStore.js';
import { describeStoredSegments } from '../../src/segments/segmentInspection.js';
import { SeededRandom } from '../../src/segments/seededRandom.js';
import { FEATURE_NAMES } from '../../src/segments/profileVector.js';
import { contextProbe } from './pipelineProbe.js';

const DAY = 86_400_000;
/** Midnight in Shanghai (the default zone), a Monday. */
const MIDNIGHT = Date.UTC(2026, 9, 25, 16);
let seq = 0;

/**
 * Three kinds of shoppers over ten days, 30 of each: night buyers (view, cart, buy at 02:00),
 * evening browsers (views only at 20:00), morning collectors (views and favourites at 09:00).
 */
function tenDays(): object[] {
  const random = new SeededRandom(3);
  const kinds = [
    { name: 'night', hour: 2, actions: ['view', 'add_to_cart', 'purchase'] },
    { name: 'evening', hour: 20, actions: ['view', 'view', 'view'] },
    { name: 'morning', hour: 9, actions: ['view', 'favorite', 'favorite'] },
  ];
  const events: { time: number }[] = [];
  for (const kind of kinds) {
    for (let user = 0; user < 30; user++) {
      for (let day = 0; day < 10; day++) {
        const start = MIDNIGHT + day * DAY + kind.hour * 3_600_000 + Math.floor(random.next() * 1_800_000);
        kind.actions.forEach((type, i) => {
          const itemId = `${kind.name}-item-${user}-${day}`;
          events.push({ kind: 'behavior', id: `e${seq++}`, type, userId: `${kind.name}-${user}`, itemId, categoryId: kind.name, time: start + i * 60_000 } as never);
        });
      }
    }
  }
  return events.sort((a, b) => a.time - b.time);
}

describe('segments pipeline', () => {
  let driver: PipelineTestDriver;
  const probe = contextProbe();
  const config = { time: { maxOutOfOrdernessMs: 0 }, segments: { k: 3, seedAfterUsers: 45, miniBatchSize: 15, halfLifeUpdates: 300 } };
  afterEach(async () => driver?.close());

  it('puts each kind of shopper in its own segment and describes the segments by what sets them apart', () => {
    driver = new PipelineTestDriver({ pipelines: [catalogAndUsers, userProfile, segments, probe.pipeline], config });
    const events = tenDays();
    for (let from = 0; from < events.length; from += 200) driver.pipe(events.slice(from, from + 200));
    const profiles = ProfileStore.open(probe.context.state);
    const segmentOf = (userId: string) => profiles.get(userId)?.segment;
    const segmentsOfKind = (kind: string) => new Set(Array.from({ length: 30 }, (_, user) => segmentOf(`${kind}-${user}`)));
    const night = segmentsOfKind('night');
    const evening = segmentsOfKind('evening');
    const morning = segmentsOfKind('morning');
    expect([night.size, evening.size, morning.size]).toEqual([1, 1, 1]);
    expect(new Set([...night, ...evening, ...morning]).size).toBe(3);

    const described = describeStoredSegments({ config: driver.config, state: probe.context.state });
    const describe = (kind: Set<number | undefined>) => described[[...kind][0]!];
    const standsOutOn = (kind: Set<number | undefined>) => describe(kind).distinguishing.map((d) => d.feature);
    expect(describe(night).description).toMatch(/frequent buyers|complete their carts/);
    expect(standsOutOn(night)).toContain('nightShare');
    expect(describe(morning).description).toContain('favourite collectors');
    expect(standsOutOn(morning)).toContain('morningShare');
    expect(describe(evening).description).toContain('evenings');
    expect(described.map((s) => s.size).sort()).toEqual([30, 30, 30]);
  });

  it('restores after a restart exactly the model it had, though most batches wrote only what changes between updates', async () => {
    driver = new PipelineTestDriver({ pipelines: [catalogAndUsers, userProfile, segments, probe.pipeline], config });
    const events = tenDays();
    // Stop between two updates, so that the last model record is older than the last batch.
    for (let from = 0; from < 1_300; from += 50) driver.pipe(events.slice(from, from + 50));
    const live = () => SegmentStore.open(probe.context.state).live(probe.context.config.segments, FEATURE_NAMES);
    const before = live().toState();
    expect(before.pending.length).toBeGreaterThan(0);
    await driver.restart();
    expect(live().toState()).toEqual(before);
    // The segments stored with the profiles add up to the sizes the model restored.
    const profiles = new ProfileStore(probe.context.state);
    const stored = new Array<number>(before.sizes.length).fill(0);
    for (let user = 0; user < 30; user++) {
      for (const kind of ['night', 'evening', 'morning']) {
        const segment = profiles.get(`${kind}-${user}`)?.segment;
        if (segment !== undefined) stored[segment]++;
      }
    }
    expect(stored).toEqual(before.sizes);
  });

  it('keeps the model across a restart and carries on updating it', async () => {
    driver = new PipelineTestDriver({ pipelines: [catalogAndUsers, userProfile, segments, probe.pipeline], config });
    const events = tenDays();
    const half = Math.floor(events.length / 2);
    for (let from = 0; from < half; from += 200) driver.pipe(events.slice(from, Math.min(half, from + 200)));
    const before = SegmentStore.open(probe.context.state).stored()!;
    expect(before.seeded).toBe(true);
    await driver.restart();
    for (let from = half; from < events.length; from += 200) driver.pipe(events.slice(from, from + 200));
    const after = SegmentStore.open(probe.context.state).stored()!;
    expect(after.updates).toBeGreaterThan(before.updates);
    expect(after.sizes.reduce((a, b) => a + b, 0)).toBe(90);
  });
});
