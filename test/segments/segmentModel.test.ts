import { describe, expect, it } from 'vitest';
import { SegmentModel, type SegmentSettings, type SegmentUsers } from '../../src/segments/segmentModel.js';
import { describeSegments } from '../../src/segments/describeSegments.js';
import type { SegmentFeature } from '../../src/segments/profileVector.js';
import { SeededRandom } from '../../src/segments/seededRandom.js';
import { CENTERS, clusteredPoints } from './clusterFixtures.js';

const FEATURES = ['x', 'y', 'z'];
const settings: SegmentSettings = { k: 3, miniBatchSize: 20, halfLifeUpdates: 200, reservoirSize: 500, seedAfterUsers: 150, deadSegmentShare: 0.05, seed: 9 };

/** Feeds users' vectors in rounds, as profile changes; returns every user's last assigned segment. */
function feed(model: SegmentModel, users: Map<string, number[]>, rounds: number, seen: Set<string>, assigned = new Map<string, number>()): Map<string, number> {
  const source: SegmentUsers = {
    pointOf: (userId) => (users.has(userId) ? { vector: users.get(userId)! } : undefined),
    assign(userId, segment) {
      if (assigned.get(userId) === segment) return;
      model.moveMember(assigned.get(userId), segment);
      assigned.set(userId, segment);
    },
  };
  for (let round = 0; round < rounds; round++) {
    for (const userId of users.keys()) {
      model.touch(userId, !seen.has(userId), source);
      seen.add(userId);
    }
  }
  model.assignPending(source);
  return assigned;
}

function usersAt(prefix: string, perCluster: number, centers: number[][], seed: number): Map<string, number[]> {
  const { points, cluster } = clusteredPoints(perCluster, seed, centers);
  return new Map(points.map((point, i) => [`${prefix}${cluster[i]}-${i}`, point]));
}

const nearestCentroidDistance = (model: SegmentModel, center: number[]) =>
  Math.min(...model.kMeans!.centroids.map((c) => Math.hypot(...center.map((x, i) => x - c[i]))));

describe('SegmentModel', () => {
  it('seeds by k-means++ once the reservoir holds enough users, then assigns users of a cluster to one segment', () => {
    const model = SegmentModel.create(settings, FEATURES);
    const users = usersAt('u', 60, CENTERS, 1);
    const seen = new Set<string>();
    const early = feed(model, new Map([...users].slice(0, 100)), 1, seen);
    expect(model.seeded).toBe(false);
    expect(early.size).toBe(0);
    const assigned = feed(model, users, 3, seen);
    expect(model.seeded).toBe(true);
    const byCluster = new Map<string, Set<number>>();
    for (const [userId, segment] of assigned) {
      const cluster = userId.split('-')[0];
      byCluster.set(cluster, (byCluster.get(cluster) ?? new Set()).add(segment));
    }
    expect([...byCluster.values()].map((segments) => segments.size)).toEqual([1, 1, 1]);
    expect(new Set([...byCluster.values()].map((segments) => [...segments][0])).size).toBe(3);
    CENTERS.forEach((center) => expect(nearestCentroidDistance(model, center)).toBeLessThan(0.5));
  });

  it('re-seeds a segment that dies out, so that a cluster that appears later gets one', () => {
    const model = SegmentModel.create(settings, FEATURES);
    const users = usersAt('u', 60, CENTERS, 2);
    const seen = new Set<string>();
    feed(model, users, 3, seen);
    // The third cluster's users all move somewhere new, nearer the second cluster than the third.
    const moved = [10, 10, 0];
    const random = new SeededRandom(4);
    for (const [userId, vector] of users) {
      if (userId.startsWith('u2-')) vector.splice(0, 3, ...moved.map((x) => x + random.next() * 2 - 1));
    }
    feed(model, users, 40, seen);
    expect(model.reseeds).toBeGreaterThan(0);
    for (const center of [CENTERS[0], CENTERS[1], moved]) expect(nearestCentroidDistance(model, center)).toBeLessThan(1);
  });

  it('continues after a restore from its stored state exactly as it would have without one', () => {
    const users = usersAt('u', 60, CENTERS, 3);
    const original = SegmentModel.create(settings, FEATURES);
    const seen = new Set<string>();
    feed(original, users, 2, seen);
    const restored = SegmentModel.restore(JSON.parse(JSON.stringify(original.toState())), settings, FEATURES);
    feed(original, users, 2, new Set(seen));
    feed(restored, users, 2, new Set(seen));
    expect(restored.toState()).toEqual(original.toState());
    expect(SegmentModel.restore(original.toState(), { ...settings, k: 4 }, FEATURES).seeded).toBe(false);
  });

  it('stores its sample without vectors and reads them back from the profiles at the first update after a restore', () => {
    const users = usersAt('u', 60, CENTERS, 5);
    const model = SegmentModel.create(settings, FEATURES);
    const seen = new Set<string>();
    feed(model, users, 2, seen);
    const state = model.toState();
    expect(state.reservoir.vectors).toBeUndefined();
    const restored = SegmentModel.restore(JSON.parse(JSON.stringify(state)), settings, FEATURES);
    expect(restored.reservoir.vectors.every((vector) => vector.length === 0)).toBe(true);
    // A mini-batch of a few users only: the others in the sample get their vectors from the profiles too.
    const profiles: SegmentUsers = { pointOf: (userId) => (users.has(userId) ? { vector: users.get(userId)! } : undefined), assign: () => undefined };
    for (const userId of [...users.keys()].slice(0, settings.miniBatchSize)) restored.touch(userId, false, profiles);
    restored.reservoir.userIds.forEach((userId, slot) => expect(restored.reservoir.vectors[slot]).toEqual(users.get(userId)));
  });
});

describe('describeSegments', () => {
  const feature = (name: string, high: string, low?: string): SegmentFeature => ({ name, unit: 'u', original: (x) => x, high, ...(low ? { low } : {}) });
  const features = [feature('buys', 'frequent buyers', 'rarely buy'), feature('evening', 'evenings'), feature('constant', 'constant')];

  it('names the features a segment stands out on, strongest first, and calls an average segment typical', () => {
    const model = SegmentModel.create({ ...settings, seedAfterUsers: 90 }, features.map((f) => f.name));
    const random = new SeededRandom(5);
    const groups = [
      [5, 0.9, 0], // buys a lot, evenings
      [0, 0.1, 0], // buys nothing, mornings
      [2, 0.5, 0], // the middle
    ];
    const users = new Map<string, number[]>();
    groups.forEach((center, g) => {
      // The third feature is constant: standardization must not blow it up.
      for (let i = 0; i < 30; i++) users.set(`g${g}-${i}`, center.map((x, d) => x + (d === 2 ? 0 : random.next() * 0.02)));
    });
    const assigned = feed(model, users, 3, new Set());
    const descriptions = describeSegments(model, features);
    const segmentOf = (group: number) => descriptions[assigned.get(`g${group}-0`)!];
    expect(segmentOf(0).description).toBe('frequent buyers, evenings');
    expect(segmentOf(1).description).toBe('rarely buy');
    expect(segmentOf(2).description).toBe('typical users');
    expect(segmentOf(0).distinguishing.map((d) => d.feature)).toEqual(['buys', 'evening']);
    expect(segmentOf(0).size).toBe(30);
    expect(segmentOf(0).centroid.buys).toBeCloseTo(5, 1);
  });
});
