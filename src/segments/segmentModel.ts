// The segments as one model: the feature statistics (standardization), the reservoir sample of
// users, the streaming k-means centroids, the users whose profile changed since the last update,
// and what describes each segment. A profile change only marks its user; every `miniBatchSize`
// distinct marked users, their points are read from their profiles and the centroids move (so the
// model depends on the order of events, never on how they were cut into batches). Everything is
// plain data that `toState` hands to the segment store and `restore` takes back, so a restart
// continues exactly where the last commit left off.

import { drawByDistance } from './kMeansPlusPlus.js';
import { lloydKMeans } from './lloydKMeans.js';
import { OnlineStandardizer } from './onlineStandardizer.js';
import { ReservoirSample } from './reservoirSample.js';
import { SeededRandom } from './seededRandom.js';
import { StreamingKMeans } from './streamingKMeans.js';
import { HOURS_PER_WEEK } from '../profile/localTime.js';

export interface SegmentSettings {
  k: number;
  miniBatchSize: number;
  halfLifeUpdates: number;
  reservoirSize: number;
  seedAfterUsers: number;
  deadSegmentShare: number;
  seed: number;
}

/** A user as a point: their profile vector, their strongest category, their activity by hour of the week. */
export interface SegmentPoint {
  vector: number[];
  category?: string;
  /** Sparse [slot, count, slot, count, ...] (slot 0 = Monday 00:00 local), as profiles keep it. */
  hourOfWeek?: readonly number[];
}

/** Where the model reads users' current points (their profiles), and where it stores their segments. */
export interface SegmentUsers {
  pointOf(userId: string): SegmentPoint | undefined;
  assign(userId: string, segment: number): void;
}

export interface SegmentModelState {
  features: string[];
  k: number;
  seeded: boolean;
  centroids: number[][];
  weights: number[];
  sizes: number[];
  stats: { count: number; mean: number[]; m2: number[] };
  /**
   * The sampled users. Their vectors are not stored (they were, before): they are the users'
   * profile vectors, recomputed from the profiles after a restart, which keeps the record the
   * model writes at every batch small.
   */
  reservoir: { seen: number; userIds: string[]; vectors?: number[][] };
  /** Users whose profile changed since the last update, in order. */
  pending: string[];
  /** Per segment, decayed counts of its points' top categories (the strongest kept). */
  categories: [categoryId: string, weight: number][][];
  /** Per segment, decayed count of all its points that had a top category (the share's denominator). */
  categoryPoints: number[];
  /** Per segment, the decayed sum of its points' hour-of-week activity, each normalized to 1 (168 each). */
  hourPatterns: number[][];
  random: number;
  updates: number;
  reseeds: number;
  lastInertia: number;
  lastDrift: number;
}

/** The part of the state that changes between updates (see `streamState`). */
export type SegmentStreamState = Pick<SegmentModelState, 'sizes' | 'reservoir' | 'pending' | 'random'>;

/** Categories remembered per segment; the weakest is dropped beyond this. */
const CATEGORIES_KEPT = 20;
/** Lloyd restarts and iterations when seeding from the reservoir (a few ms on 1,000 users). */
const SEED_RESTARTS = 3;
const SEED_ITERATIONS = 50;

export class SegmentModel {
  readonly standardizer: OnlineStandardizer;
  readonly reservoir: ReservoirSample;
  /** False after a restart until the sampled users' vectors are read back from their profiles. */
  private reservoirVectorsKnown: boolean;
  kMeans: StreamingKMeans | undefined;
  /** Users whose stored segment is each one. */
  readonly sizes: number[];
  updates = 0;
  reseeds = 0;
  lastInertia = NaN;
  lastDrift = NaN;
  /** Per segment, its points' top categories with decayed counts, stored divided by `categoryScale`. */
  private readonly categoryTallies: Map<string, number>[];
  private readonly categoryPoints: number[];
  private readonly hourPatterns: Float64Array[];
  /** Forgetting applied to every tally and hour pattern at once (renormalized before it underflows). */
  private categoryScale = 1;
  private readonly pending: Set<string>;
  /**
   * Pending users touched since the last `assignPending`: the others' segments were stored already
   * and cannot have changed (same point, same centroids and weights until the next update).
   */
  private readonly touchedSinceAssign = new Set<string>();
  private readonly random: SeededRandom;
  /**
   * Counts the changes to what only seeding and mini-batch updates change (centroids, statistics,
   * category tallies, hour patterns), so that the store writes those only when they changed.
   */
  coreRevision = 0;
  /** 1/σ² per feature, refreshed once per mini-batch so that assignments between updates agree. */
  private distanceWeights: Float64Array;

  private constructor(
    readonly settings: SegmentSettings,
    readonly features: readonly string[],
    state?: SegmentModelState,
  ) {
    const dims = features.length;
    this.standardizer = state
      ? new OnlineStandardizer(dims, state.stats.count, Float64Array.from(state.stats.mean), Float64Array.from(state.stats.m2))
      : new OnlineStandardizer(dims);
    this.reservoir = state
      ? new ReservoirSample(
          settings.reservoirSize,
          state.reservoir.seen,
          [...state.reservoir.userIds],
          state.reservoir.vectors?.map((v) => [...v]) ?? state.reservoir.userIds.map(() => []),
        )
      : new ReservoirSample(settings.reservoirSize);
    this.reservoirVectorsKnown = state === undefined || state.reservoir.vectors !== undefined;
    if (state?.seeded) this.kMeans = new StreamingKMeans(state.centroids.map((c) => Float64Array.from(c)), Float64Array.from(state.weights));
    this.sizes = state ? [...state.sizes] : new Array<number>(settings.k).fill(0);
    this.categoryTallies = state ? state.categories.map((entries) => new Map(entries)) : Array.from({ length: settings.k }, () => new Map());
    this.categoryPoints = state ? [...state.categoryPoints] : new Array<number>(settings.k).fill(0);
    this.hourPatterns = Array.from({ length: settings.k }, (_, j) => Float64Array.from(state?.hourPatterns?.[j] ?? new Array<number>(HOURS_PER_WEEK).fill(0)));
    this.pending = new Set(state?.pending);
    this.random = new SeededRandom(state?.random ?? settings.seed);
    if (state) Object.assign(this, { updates: state.updates, reseeds: state.reseeds, lastInertia: state.lastInertia, lastDrift: state.lastDrift });
    this.distanceWeights = this.standardizer.weights();
  }

  static create(settings: SegmentSettings, features: readonly string[]): SegmentModel {
    return new SegmentModel(settings, features);
  }

  /** The stored model, or a fresh one when the features or k changed since it was stored. */
  static restore(state: SegmentModelState | undefined, settings: SegmentSettings, features: readonly string[]): SegmentModel {
    const compatible = state !== undefined && state.k === settings.k && state.features.join() === features.join();
    return new SegmentModel(settings, features, compatible ? state : undefined);
  }

  get seeded(): boolean {
    return this.kMeans !== undefined;
  }

  /** The per-feature weights of the standardized distance in use. */
  get weights(): Float64Array {
    return this.distanceWeights;
  }

  /**
   * A user's profile changed (`firstSeen`: it was just created). Cheap: marks the user; every
   * `miniBatchSize` distinct marked users, the model seeds or updates, reading their points.
   */
  touch(userId: string, firstSeen: boolean, users: SegmentUsers): void {
    if (firstSeen) this.reservoir.offer(userId, this.random);
    this.pending.add(userId);
    this.touchedSinceAssign.add(userId);
    if (this.pending.size < this.settings.miniBatchSize) return;
    if (this.kMeans === undefined) this.trySeed(users);
    else this.update(users);
  }

  /**
   * Stores the current segment of every user marked since the last call (at the end of a batch,
   * so that profiles are written with their segment). Leaves the model as it is.
   */
  assignPending(users: SegmentUsers): void {
    const touched = [...this.touchedSinceAssign];
    this.touchedSinceAssign.clear();
    const kMeans = this.kMeans;
    if (kMeans === undefined) return;
    for (const userId of touched) {
      if (!this.pending.has(userId)) continue; // assigned by an update since
      const point = users.pointOf(userId);
      if (point === undefined) continue;
      this.reservoir.update(userId, point.vector);
      users.assign(userId, kMeans.nearest(point.vector, this.distanceWeights).index);
    }
  }

  /** A user's stored segment moved from `from` (undefined: none yet) to `to`. */
  moveMember(from: number | undefined, to: number): void {
    if (from !== undefined && from < this.sizes.length) this.sizes[from]--;
    this.sizes[to]++;
  }

  /** The segment nearest to `vector` now (undefined before seeding). */
  segmentOf(vector: ArrayLike<number>): number | undefined {
    return this.kMeans?.nearest(vector, this.distanceWeights).index;
  }

  /**
   * k-means++ and Lloyd on the reservoir once it holds enough users: the first centroids, in raw
   * units, weighted by their sample sizes; every sampled user gets their segment.
   */
  private trySeed(users: SegmentUsers): void {
    const sampled: (SegmentPoint & { userId: string })[] = [];
    for (const userId of this.reservoir.userIds) {
      const point = users.pointOf(userId);
      if (point === undefined) continue;
      this.reservoir.update(userId, point.vector);
      sampled.push({ userId, ...point });
    }
    this.reservoirVectorsKnown = true;
    this.pending.clear();
    this.coreRevision++;
    if (sampled.length < this.settings.seedAfterUsers) return;
    const points = sampled.map((s) => s.vector);
    for (const point of points) this.standardizer.observe(point);
    this.distanceWeights = this.standardizer.weights();
    const result = lloydKMeans(points, this.settings.k, { random: this.random, restarts: SEED_RESTARTS, maxIterations: SEED_ITERATIONS, weights: this.distanceWeights });
    const centroids = result.centroids;
    // Fewer distinct users than k: the spare centroids start on sampled users and will re-seed.
    while (centroids.length < this.settings.k) centroids.push(Float64Array.from(points[this.random.below(points.length)]));
    const weights = new Float64Array(this.settings.k);
    for (const index of result.assignment) weights[index]++;
    this.kMeans = new StreamingKMeans(centroids, weights);
    this.lastInertia = result.inertia / points.length;
    sampled.forEach(({ userId, category, hourOfWeek }, p) => {
      const segment = result.assignment[p];
      this.describePoint(segment, category, hourOfWeek);
      users.assign(userId, segment);
    });
  }

  /** One mini-batch: standardization, centroids, category tallies, re-seeding of dead segments, and the users' segments. */
  private update(users: SegmentUsers): void {
    if (!this.reservoirVectorsKnown) this.refreshReservoir(users);
    const kMeans = this.kMeans!;
    const userIds: string[] = [];
    const points: number[][] = [];
    const categories: (string | undefined)[] = [];
    const weeks: (readonly number[] | undefined)[] = [];
    for (const userId of this.pending) {
      const point = users.pointOf(userId);
      if (point === undefined) continue;
      userIds.push(userId);
      points.push(point.vector);
      categories.push(point.category);
      weeks.push(point.hourOfWeek);
      this.standardizer.observe(point.vector);
      this.reservoir.update(userId, point.vector);
    }
    this.pending.clear();
    if (points.length === 0) return;
    const decay = Math.pow(0.5, points.length / this.settings.halfLifeUpdates);
    const { assignment, inertia, drift } = kMeans.update(points, decay, this.distanceWeights);
    this.lastInertia = inertia / points.length;
    this.lastDrift = drift;
    this.categoryScale *= decay;
    if (this.categoryScale < 1e-100) this.rescaleCategories();
    categories.forEach((category, p) => this.describePoint(assignment[p], category, weeks[p]));
    for (const dead of kMeans.dying(this.settings.deadSegmentShare)) this.reseed(dead);
    this.distanceWeights = this.standardizer.weights();
    this.updates++;
    this.coreRevision++;
    points.forEach((point, p) => users.assign(userIds[p], kMeans.nearest(point, this.distanceWeights).index));
  }

  /** After a restart: the sampled users' vectors, from their profiles (re-seeding draws from them). */
  private refreshReservoir(users: SegmentUsers): void {
    for (const userId of this.reservoir.userIds) this.reservoir.update(userId, users.pointOf(userId)?.vector ?? []);
    this.reservoirVectorsKnown = true;
  }

  /**
   * Moves a segment that stands for almost no one onto a sampled user far from the others
   * (the k-means++ draw), with a small weight so that the next mini-batches shape it quickly.
   */
  private reseed(dead: number): void {
    const kMeans = this.kMeans!;
    const others = kMeans.centroids.filter((_, j) => j !== dead);
    const drawn = drawByDistance(this.reservoir.vectors, others, this.random, this.distanceWeights);
    if (drawn === undefined) return;
    const average = kMeans.weights.reduce((sum, w) => sum + w, 0) / kMeans.k;
    kMeans.centroids[dead] = Float64Array.from(this.reservoir.vectors[drawn]);
    kMeans.weights[dead] = 2 * this.settings.deadSegmentShare * average;
    this.categoryTallies[dead].clear();
    this.categoryPoints[dead] = 0;
    this.hourPatterns[dead].fill(0);
    this.reseeds++;
  }

  /** Counts a point's strongest category and its week in what describes its segment. */
  private describePoint(segment: number, category: string | undefined, week: readonly number[] | undefined): void {
    if (category !== undefined) {
      tally(this.categoryTallies[segment], category, 1 / this.categoryScale);
      this.categoryPoints[segment] += 1 / this.categoryScale;
    }
    if (week !== undefined) addWeek(this.hourPatterns[segment], week, 1 / this.categoryScale);
  }

  /** Per segment, decayed counts of its points' top categories. */
  get categories(): [categoryId: string, weight: number][][] {
    return this.categoryTallies.map((tally) => [...tally].map(([category, weight]) => [category, weight * this.categoryScale]));
  }

  /** Per segment, decayed count of its points that had a top category. */
  get pointsWithCategory(): number[] {
    return this.categoryPoints.map((weight) => weight * this.categoryScale);
  }

  /** The segment's activity by local hour of the week (168, any scale), or undefined before seeding. */
  hourPattern(segment: number): Float64Array | undefined {
    if (this.kMeans === undefined || segment >= this.hourPatterns.length) return undefined;
    return this.hourPatterns[segment].map((weight) => weight * this.categoryScale);
  }

  private rescaleCategories(): void {
    for (const tally of this.categoryTallies) for (const [category, weight] of tally) tally.set(category, weight * this.categoryScale);
    this.categoryPoints.forEach((weight, j) => (this.categoryPoints[j] = weight * this.categoryScale));
    for (const pattern of this.hourPatterns) for (let slot = 0; slot < pattern.length; slot++) pattern[slot] *= this.categoryScale;
    this.categoryScale = 1;
  }

  /** What changes with every batch that touched a profile: sizes, the sample, the pending users, the random state. */
  streamState(): SegmentStreamState {
    return {
      sizes: [...this.sizes],
      reservoir: { seen: this.reservoir.seen, userIds: [...this.reservoir.userIds] },
      pending: [...this.pending],
      random: this.random.seed,
    };
  }

  toState(): SegmentModelState {
    const kMeans = this.kMeans;
    return {
      features: [...this.features],
      k: this.settings.k,
      seeded: kMeans !== undefined,
      centroids: kMeans ? kMeans.centroids.map((c) => [...c]) : [],
      weights: kMeans ? [...kMeans.weights] : [],
      sizes: [...this.sizes],
      stats: { count: this.standardizer.count, mean: [...this.standardizer.mean], m2: [...this.standardizer.m2] },
      reservoir: { seen: this.reservoir.seen, userIds: [...this.reservoir.userIds] },
      pending: [...this.pending],
      categories: this.categories,
      categoryPoints: this.pointsWithCategory,
      hourPatterns: this.hourPatterns.map((pattern) => Array.from(pattern, (weight) => weight * this.categoryScale)),
      random: this.random.seed,
      updates: this.updates,
      reseeds: this.reseeds,
      lastInertia: this.lastInertia,
      lastDrift: this.lastDrift,
    };
  }
}

/** Adds a user's week (sparse slot, count pairs), scaled to sum to `weight`. */
function addWeek(pattern: Float64Array, week: readonly number[], weight: number): void {
  let total = 0;
  for (let i = 1; i < week.length; i += 2) total += week[i];
  if (total === 0) return;
  for (let i = 0; i < week.length; i += 2) pattern[week[i]] += (week[i + 1] / total) * weight;
}

function tally(categories: Map<string, number>, category: string, weight: number): void {
  categories.set(category, (categories.get(category) ?? 0) + weight);
  if (categories.size <= CATEGORIES_KEPT) return;
  let weakest: string | undefined;
  let weakestWeight = Infinity;
  for (const [candidate, weight] of categories) {
    if (weight < weakestWeight && candidate !== category) {
      weakest = candidate;
      weakestWeight = weight;
    }
  }
  if (weakest !== undefined) categories.delete(weakest);
}
