// Scores users at decision time for triggers and policy: the next categories to feature, the
// probability of a purchase within 24 hours (whether to send), and the probability of activity in
// each of the next 24 hours (when). Synchronous and batched: the users of all the decisions that
// wait go through one forward pass. Each user's scores are cached until the user's next event
// (the sequence's stamp changes) or the next model swap.
//
// Before any model is trained, the scores come from the user's own history alone (`source:
// 'history'`): the recent and frequent categories, and the own hour-of-day histogram; no purchase
// probability.

import type { BehaviorSequenceStore } from '../../state/behaviorSequenceStore.js';
import type { PushflowMetrics } from '../observability/metrics.js';
import type { EventSequence } from './eventSequence.js';
import { MarkovTable } from './markovTable.js';
import { scoreSequences, NEXT_CATEGORIES_SHOWN, type ScoringModel, type SequenceScores } from './scoreSequences.js';
import { ACTIVE_SLOTS, HOUR_S } from './trainingExamples.js';
import { asOf, historyDistributions, ownHourPrior, windowStart } from './userHistory.js';

export interface BehaviorScores {
  userId: string;
  /** `model`: the network's scores; `history`: no model yet, the user's own history alone. */
  source: 'model' | 'history';
  modelVersion: number | null;
  /** Time of the user's latest event (epoch ms): the scores are as of it. */
  asOf: number;
  /** The most probable next categories, best first. */
  nextCategories: { categoryId: string; probability: number }[];
  /** P(purchase within 24 hours of the latest event); null without a model. */
  purchaseIn24h: number | null;
  /** P(activity) in each of the 24 hours after the latest event: hour k starts at `asOf + k h`. */
  activeHours: number[];
}

export interface ActiveModel extends ScoringModel {
  version: number;
}

export interface BehaviorScorerOptions {
  batchSize: number;
  cacheSize: number;
  /** Events of history the fallback reads (the ring buffer's length). */
  historyWindow: number;
  metrics?: PushflowMetrics;
}

interface CacheEntry {
  stamp: number;
  version: number | null;
  scores: BehaviorScores;
}

/** The fallback's population rate of activity per hour, before any model measured one. */
const FALLBACK_HOUR_RATE = 0.1;
const FALLBACK_SMOOTHING_DAYS = 2;
const NO_MARKOV = new MarkovTable();

export class BehaviorScorer {
  private model: ActiveModel | undefined;
  private readonly cache = new Map<string, CacheEntry>();
  readonly stats = { hits: 0, misses: 0, batches: 0 };

  constructor(
    private readonly sequences: BehaviorSequenceStore,
    private readonly options: BehaviorScorerOptions,
  ) {}

  /** Puts a model in service (undefined: back to history alone); cached scores of the old one lapse. */
  setModel(model: ActiveModel | undefined): void {
    this.model = model;
    this.options.metrics?.behaviorModelVersion.set(model?.version ?? 0);
  }

  activeModel(): ActiveModel | undefined {
    return this.model;
  }

  get modelVersion(): number | null {
    return this.model?.version ?? null;
  }

  /**
   * Scores of the given users (those without any event are left out), from the cache where the
   * user has had no event since, the rest in batches of `batchSize` through the network.
   */
  scoreUsers(userIds: readonly string[]): Map<string, BehaviorScores> {
    const out = new Map<string, BehaviorScores>();
    const missing: { userId: string; stamp: number; sequence: EventSequence }[] = [];
    const version = this.model?.version ?? null;
    for (const userId of new Set(userIds)) {
      const stamp = this.sequences.stamp(userId);
      if (stamp === 0) continue;
      const cached = this.cache.get(userId);
      if (cached !== undefined && cached.stamp === stamp && cached.version === version) {
        this.stats.hits++;
        out.set(userId, cached.scores);
        continue;
      }
      const sequence = this.sequences.get(userId);
      if (sequence === undefined || sequence.length === 0) continue;
      this.stats.misses++;
      missing.push({ userId, stamp, sequence });
    }
    if (missing.length === 0) return out;
    const started = performance.now();
    const model = this.model;
    const scored =
      model === undefined
        ? missing.map(({ sequence }) => this.fromHistory(sequence))
        : scoreSequences(model, missing.map(({ sequence }) => sequence), this.options.batchSize);
    this.stats.batches += Math.ceil(missing.length / this.options.batchSize);
    this.options.metrics?.behaviorScoringSeconds.observe((performance.now() - started) / 1000);
    this.options.metrics?.behaviorUsersScored.inc(missing.length);
    missing.forEach(({ userId, stamp }, i) => {
      const scores = this.named(userId, scored[i], model === undefined ? 'history' : 'model', version);
      this.remember(userId, { stamp, version, scores });
      out.set(userId, scores);
    });
    return out;
  }

  /**
   * The user's latest cached scores, without computing anything: possibly as of an earlier event
   * or model (decisions that must not wait read these; `scoreUsers` brings them up to date).
   */
  peek(userId: string): BehaviorScores | undefined {
    return this.cache.get(userId)?.scores;
  }

  /** Forgets a user's cached scores (their next `scoreUsers` recomputes them). */
  invalidate(userId: string): void {
    this.cache.delete(userId);
  }

  private remember(userId: string, entry: CacheEntry): void {
    this.cache.delete(userId);
    if (this.cache.size >= this.options.cacheSize) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(userId, entry);
  }

  private named(userId: string, scores: SequenceScores, source: BehaviorScores['source'], version: number | null): BehaviorScores {
    return {
      userId,
      source,
      modelVersion: version,
      asOf: scores.anchorTime * 1000,
      nextCategories: scores.nextCategories.map(({ category, probability }) => ({
        categoryId: this.sequences.categoryName(category) ?? `#${category}`,
        probability,
      })),
      purchaseIn24h: source === 'model' ? scores.purchaseIn24h : null,
      activeHours: scores.activeHours,
    };
  }

  private fromHistory(sequence: EventSequence): SequenceScores {
    const anchor = sequence.length - 1;
    const history = historyDistributions(sequence, anchor, windowStart(anchor, this.options.historyWindow), NO_MARKOV);
    const blend = new Map<number, number>();
    for (const [code, p] of history.recent) blend.set(code, 0.5 * p);
    for (const [code, p] of history.frequent) blend.set(code, (blend.get(code) ?? 0) + 0.5 * p);
    const rates = new Array<number>(24).fill(FALLBACK_HOUR_RATE);
    const prior = ownHourPrior(sequence, anchor, asOf(sequence, anchor).hourCells, rates, FALLBACK_SMOOTHING_DAYS);
    return {
      nextCategories: [...blend]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, NEXT_CATEGORIES_SHOWN)
        .map(([category, probability]) => ({ category, probability })),
      purchaseIn24h: NaN,
      activeHours: Array.from(prior.subarray(0, ACTIVE_SLOTS)),
      anchorTime: sequence.times[anchor],
      gate: [],
    };
  }
}

/** Start of hour `k` after the scores' anchor (epoch ms). */
export function activeHourStart(scores: BehaviorScores, k: number): number {
  return scores.asOf + k * HOUR_S * 1000;
}
