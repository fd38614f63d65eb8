// Every recommender of the system over one stream of interactions: eALS matrix factorization,
// time-decayed popularity (global and per segment), co-visitation, category affinity, their
// hybrid, and a random baseline. One `learn` per interaction keeps them all current; the
// pipeline, the evaluator and `pushflow inspect` all go through this class.

import type { BehaviorType } from '../events/types.js';
import { EalsModel } from './ealsModel.js';
import { IdIndex } from './idIndex.js';
import { CandidateFilter, type ExclusionRules } from './candidateFilter.js';
import { topKByDotProduct } from './dotProductRetrieval.js';
import { TopKHeap } from './topKHeap.js';
import { DecayedScores } from './decayedScores.js';
import { PopularityRecommender } from './popularityRecommender.js';
import { CoVisitation } from './coVisitation.js';
import { CategoryAffinity } from './categoryAffinity.js';
import { blend, blendWeights } from './hybridBlend.js';
import { confidenceOf, type RecommendSettings } from './feedbackWeights.js';
import { SeededRandom } from './seededRandom.js';
import { growInt32 } from './growTypedArray.js';
import type { Recommendation, ScoredItem } from './scoredItem.js';

export const MODEL_NAMES = ['eals', 'popularity', 'covisit', 'category', 'hybrid', 'random'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** One implicit-feedback interaction: a behaviour event reduced to what the models learn from. */
export interface Interaction {
  userId: string;
  itemId: string;
  categoryId?: string;
  type: BehaviorType;
  time: number;
  /** The user's segment (issue #3), when known: popularity is also kept per segment. */
  segmentId?: string;
}

export interface RecommendOptions {
  exclude?: Partial<ExclusionRules>;
  /** Only items of this category. */
  categoryId?: string;
  segmentId?: string;
  /** Items that cannot be sold now (out of stock per the catalog). */
  isUnavailable?: (itemId: string) => boolean;
}

/**
 * Entries of a row (a user's items, an item's users) one online eALS update reads: the most
 * recent 128. That bounds the cost of an event from a heavy user or on a popular item; the
 * sweeps still read every entry. On MovieLens (mean history 490 at the test events) 128 left
 * HR@10 and NDCG@10 as they were (docs/RECOMMENDATIONS.md); 32 lowered them by a third.
 */
export const ONLINE_HISTORY = 128;

/** `recommend.onlineHistory` as a bound: 0 means every entry; absent (settings built by hand), the default. */
function configuredHistory(settings: RecommendSettings): number {
  const configured = settings.onlineHistory ?? ONLINE_HISTORY;
  return configured === 0 ? Infinity : configured;
}

/** Candidates each model hands the hybrid, per item asked for. */
const BLEND_DEPTH = 5;

export class Recommender {
  readonly users = new IdIndex();
  readonly items = new IdIndex();
  readonly categories = new IdIndex();
  /** Category index per item, -1 when unknown. */
  itemCategory = new Int32Array(0);
  readonly eals: EalsModel;
  readonly popularity: PopularityRecommender;
  readonly coVisits: CoVisitation;
  readonly affinity: CategoryAffinity;
  private readonly filter = new CandidateFilter();
  private readonly random: SeededRandom;
  /** One heap per list length asked for (the hybrid asks its models for deeper lists). */
  private readonly heaps = new Map<number, TopKHeap>();

  /**
   * `onlineHistory`: entries of a user's or item's row that one online eALS update reads (its
   * most recent), default `recommend.onlineHistory`; the sweeps read every entry.
   */
  constructor(
    readonly settings: RecommendSettings,
    { onlineHistory = configuredHistory(settings) }: { onlineHistory?: number } = {},
  ) {
    this.eals = new EalsModel({
      factors: settings.factors,
      regularization: settings.regularization,
      missingWeight: settings.missingWeight,
      popularityExponent: settings.popularityExponent,
      initStd: settings.initStd,
      seed: settings.seed,
      onlineIterations: settings.onlineIterations,
      maxConfidence: settings.confidence.max,
      onlineHistory,
    });
    const tau = DecayedScores.halfLifeToTau(settings.popularityHalfLifeHours * 3_600_000);
    this.popularity = new PopularityRecommender(tau);
    this.coVisits = new CoVisitation({ window: settings.coVisitWindow, seeds: settings.coVisitSeeds, backwardWeight: 0.5, seedDecay: 0.7 });
    this.affinity = new CategoryAffinity(tau);
    this.random = new SeededRandom(settings.seed + 1);
  }

  /**
   * Learns one interaction; false when its behaviour carries no feedback. With `updateFactors`
   * false the interaction is only recorded (training before a full sweep, or a restore).
   */
  learn(interaction: Interaction, updateFactors = true): boolean {
    const weight = confidenceOf(interaction.type, this.settings.confidence);
    if (weight <= 0) return false;
    const user = this.users.intern(interaction.userId);
    const item = this.items.intern(interaction.itemId);
    this.itemCategory = growInt32(this.itemCategory, item + 1, -1);
    if (item >= this.eals.itemCount) this.itemCategory[item] = -1;
    let category = this.itemCategory[item];
    if (interaction.categoryId !== undefined) category = this.itemCategory[item] = this.categories.intern(interaction.categoryId);
    const purchase = interaction.type === 'purchase';
    if (updateFactors) this.eals.learn(user, item, weight, purchase);
    else this.eals.observe(user, item, weight, purchase);
    this.popularity.observe(item, weight, interaction.time, interaction.segmentId, category);
    this.coVisits.observe(user, item);
    this.affinity.observe(user, category, weight, interaction.time);
    return true;
  }

  /** Distinct items in the user's history (0 for an unknown user). */
  historyLength(userId: string): number {
    const user = this.users.get(userId);
    return user < 0 ? 0 : this.eals.interactions.userLength(user);
  }

  /** Top-k of one model for a user, by index; the hot path of the evaluator. */
  recommendScored(model: ModelName, userId: string, k: number, options: RecommendOptions = {}): ScoredItem[] {
    const user = this.users.get(userId);
    const filter = this.prepareFilter(user, options);
    try {
      return this.byModel(model, user, k, filter, options);
    } finally {
      filter.release();
    }
  }

  /** Top-k of one model with ids and reasons. */
  recommend(userId: string, k: number, model: ModelName = 'hybrid', options: RecommendOptions = {}): Recommendation[] {
    return this.recommendScored(model, userId, k, options).map((scored) => this.describe(scored));
  }

  describe(scored: ScoredItem): Recommendation {
    const reason: Recommendation['reason'] = { model: scored.model };
    if (scored.seedItem !== undefined) reason.seedItemId = this.items.id(scored.seedItem);
    if (scored.category !== undefined) reason.categoryId = this.categories.id(scored.category);
    return { itemId: this.items.id(scored.item), score: scored.score, reason };
  }

  private prepareFilter(user: number, options: RecommendOptions): CandidateFilter {
    const rules: ExclusionRules = {
      excludeSeen: options.exclude?.excludeSeen ?? false,
      excludePurchased: options.exclude?.excludePurchased ?? this.settings.excludePurchased,
    };
    const isUnavailable = options.isUnavailable;
    let categoryIndex: number | undefined;
    if (options.categoryId !== undefined) {
      categoryIndex = this.categories.get(options.categoryId);
      // An unknown category has no items: a category index no item carries.
      if (categoryIndex < 0) categoryIndex = this.categories.size;
    }
    return this.filter.prepare(this.eals.interactions, user, rules, this.items.size, this.itemCategory, {
      categoryIndex,
      isUnavailable: isUnavailable === undefined ? undefined : (item) => isUnavailable(this.items.id(item)),
    });
  }

  private byModel(model: ModelName, user: number, k: number, filter: CandidateFilter, options: RecommendOptions): ScoredItem[] {
    switch (model) {
      case 'eals':
        return this.mfTopK(user, k, filter);
      case 'popularity':
        return this.popularity.recommend(k, filter, options.segmentId);
      case 'covisit':
        return user < 0 ? [] : this.coVisits.recommend(user, k, filter, this.items.size);
      case 'category':
        return user < 0 ? [] : this.affinity.recommend(user, k, filter, this.popularity);
      case 'random':
        return this.randomTopK(k, filter);
      case 'hybrid':
        return this.hybrid(user, k, filter, options);
    }
  }

  private mfTopK(user: number, k: number, filter: CandidateFilter): ScoredItem[] {
    if (user < 0) return [];
    let heap = this.heaps.get(k);
    if (heap === undefined) this.heaps.set(k, (heap = new TopKHeap(k)));
    const { eals } = this;
    topKByDotProduct(eals.userFactors, user * eals.k, eals.itemFactors, eals.itemCount, eals.k, filter, heap);
    return heap.sorted().map(({ item, score }) => ({ item, score, model: 'eals' }));
  }

  private hybrid(user: number, k: number, filter: CandidateFilter, options: RecommendOptions): ScoredItem[] {
    const depth = k * BLEND_DEPTH;
    const history = user < 0 ? 0 : this.eals.interactions.userLength(user);
    const weights = blendWeights(history, this.settings.historyHalfWeight, this.settings.blend);
    const lists: ScoredItem[][] = [this.popularity.recommend(depth, filter, options.segmentId)];
    if (user >= 0) {
      lists.push(this.mfTopK(user, depth, filter));
      lists.push(this.coVisits.recommend(user, depth, filter, this.items.size));
      lists.push(this.affinity.recommend(user, depth, filter, this.popularity));
    }
    return blend(lists, weights, k, this.settings.blend.rankOffset);
  }

  private randomTopK(k: number, filter: CandidateFilter): ScoredItem[] {
    const out: ScoredItem[] = [];
    const taken = new Set<number>();
    const count = this.items.size;
    for (let attempt = 0; attempt < k * 20 && out.length < k && count > 0; attempt++) {
      const item = Math.floor(this.random.next() * count);
      if (taken.has(item) || !filter.accepts(item)) continue;
      taken.add(item);
      // A yardstick for the evaluator only: it has no reason of its own to give.
      out.push({ item, score: 0, model: 'popularity' });
    }
    return out;
  }
}
