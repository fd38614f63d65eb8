import { describe, expect, it } from 'vitest';
import { OnlineStandardizer } from '../../src/segments/onlineStandardizer.js';
import { ReservoirSample } from '../../src/segments/reservoirSample.js';
import { SeededRandom } from '../../src/segments/seededRandom.js';
import { kMeansPlusPlus } from '../../src/segments/kMeansPlusPlus.js';
import { lloydKMeans } from '../../src/segments/lloydKMeans.js';
import { StreamingKMeans } from '../../src/segments/streamingKMeans.js';
import { CENTERS, clusteredPoints, samePartition, shuffled } from './clusterFixtures.js';

describe('OnlineStandardizer', () => {
  it('matches the two-pass mean and population variance, and scales a constant feature by 1', () => {
    const rows = [
      [1, 5, 2],
      [2, 5, 4],
      [6, 5, 9],
      [3, 5, 1],
    ];
    const stats = new OnlineStandardizer(3);
    for (const row of rows) stats.observe(row);
    const mean = [3, 5, 4];
    const variance = [3.5, 0, 9.5];
    mean.forEach((m, i) => expect(stats.mean[i]).toBeCloseTo(m, 12));
    variance.forEach((v, i) => expect(stats.variance(i)).toBeCloseTo(v, 12));
    expect(stats.scale(1)).toBe(1);
    expect([...stats.standardize([3 + Math.sqrt(3.5), 5, 4])].map((z) => Math.round(z * 1e9) / 1e9)).toEqual([1, 0, 0]);
    expect([...stats.weights()].map((w) => Math.round(w * 1e9) / 1e9)).toEqual([Math.round(1e9 / 3.5) / 1e9, 1, Math.round(1e9 / 9.5) / 1e9]);
  });
});

describe('ReservoirSample', () => {
  it('keeps at most its capacity, each user with the same chance, and follows sampled users’ vectors', () => {
    const hits = new Array<number>(100).fill(0);
    const random = new SeededRandom(1);
    for (let trial = 0; trial < 2000; trial++) {
      const sample = new ReservoirSample(10);
      for (let user = 0; user < 100; user++) sample.offer(`u${user}`, random, [user]);
      expect(sample.size).toBe(10);
      for (const userId of sample.userIds) hits[Number(userId.slice(1))]++;
    }
    // Each user is kept in 10% of the trials: 200 ± 4.5 standard deviations.
    for (const count of hits) expect(Math.abs(count - 200)).toBeLessThan(60);
    const sample = new ReservoirSample(2);
    sample.offer('a', random, [1]);
    sample.offer('b', random);
    sample.update('a', [9]);
    sample.update('zz', [7]);
    sample.update('b', [2]);
    expect(sample.vectors).toEqual([[9], [2]]);
  });
});

describe('k-means++ seeding', () => {
  it('puts one seed in each of three well separated clusters', () => {
    const { points, cluster } = clusteredPoints(50);
    for (let seed = 1; seed <= 20; seed++) {
      const seeds = kMeansPlusPlus(points, 3, new SeededRandom(seed));
      expect(new Set(seeds.map((i) => cluster[i])).size).toBe(3);
    }
  });
});

describe('lloydKMeans', () => {
  it('recovers separable clusters, with the inertia of that partition', () => {
    const { points, cluster } = clusteredPoints(40);
    const result = lloydKMeans(points, 3, { random: new SeededRandom(3), restarts: 3 });
    expect(samePartition(result.assignment, cluster)).toBe(true);
    const inertia = points.reduce((sum, p, i) => sum + p.reduce((s, x, d) => s + (x - result.centroids[result.assignment[i]][d]) ** 2, 0), 0);
    expect(result.inertia).toBeCloseTo(inertia, 9);
  });

  it('weighs features by the given weights (a feature weighted 0 cannot split clusters)', () => {
    const { points } = clusteredPoints(30, 5, [
      [0, 0],
      [0, 100],
    ]);
    const result = lloydKMeans(points, 2, { random: new SeededRandom(2), weights: [1, 0] });
    // Only the noise of the first feature is left to split on: far less inertia than the real gap.
    expect(result.inertia).toBeLessThan(60);
  });
});

describe('StreamingKMeans', () => {
  it('converges on separable synthetic clusters from off-center starting centroids, mini-batch by mini-batch', () => {
    const { points } = clusteredPoints(400);
    const kMeans = new StreamingKMeans(
      CENTERS.map((center) => Float64Array.from(center, (x) => x + 3)),
      Float64Array.of(1, 1, 1),
    );
    const stream = shuffled(points);
    for (let from = 0; from < stream.length; from += 50) kMeans.update(stream.slice(from, from + 50), 0.9);
    CENTERS.forEach((center, j) => expect(Math.hypot(...center.map((x, i) => x - kMeans.centroids[j][i]))).toBeLessThan(0.2));
  });

  it('follows a population that moves when it forgets, and lags behind when it does not', () => {
    const start = () => new StreamingKMeans([Float64Array.of(0)], Float64Array.of(0));
    const forgetting = start();
    const remembering = start();
    for (let batch = 0; batch < 40; batch++) {
      const value = batch < 20 ? 0 : 10;
      forgetting.update(new Array(10).fill([value]), 0.5);
      remembering.update(new Array(10).fill([value]), 1);
    }
    expect(forgetting.centroids[0][0]).toBeCloseTo(10, 3);
    expect(remembering.centroids[0][0]).toBeCloseTo(5, 6);
  });

  it('reports the segments whose weight fell below a share of the average weight', () => {
    const kMeans = new StreamingKMeans([Float64Array.of(0), Float64Array.of(100)], Float64Array.of(100, 100));
    kMeans.update(new Array(20).fill([1]), 0.5);
    expect(kMeans.dying(0.1)).toEqual([]);
    for (let batch = 0; batch < 9; batch++) kMeans.update(new Array(20).fill([1]), 0.5);
    expect(kMeans.dying(0.1)).toEqual([1]);
  });
});
