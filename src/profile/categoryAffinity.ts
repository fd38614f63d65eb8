// How much a user cares about each category now: every action adds its weight to the category's
// score, and scores halve every half-life of event time. Updated lazily: each entry keeps its
// score as of its last update, and is decayed to the time it is read or updated (so an event
// costs one power of two, never a pass over all categories). Only the top categories are kept.

import type { BehaviorType } from '../events/types.js';

/** What an action says about interest in its category; searches carry no category. */
export const AFFINITY_WEIGHTS: Partial<Record<BehaviorType, number>> = {
  view: 1,
  favorite: 2,
  add_to_cart: 3,
  purchase: 5,
};

/** One category's score as of `at` (event time, ms). */
export interface AffinityEntry {
  categoryId: string;
  score: number;
  at: number;
}

/** The score of `entry` decayed to `time`; an entry updated after `time` is not grown back. */
export function scoreAt(entry: AffinityEntry, time: number, halfLifeMs: number): number {
  return time <= entry.at ? entry.score : entry.score * Math.pow(2, -(time - entry.at) / halfLifeMs);
}

/**
 * Adds `weight` for `categoryId` at `time` to `entries` (at most `keep` of them, updated in
 * place). A full list gives way to a new category only when the new weight beats the weakest
 * score, so a stray view does not evict a long-standing interest.
 */
export function addAffinity(entries: AffinityEntry[], categoryId: string, weight: number, time: number, halfLifeMs: number, keep: number): void {
  for (const entry of entries) {
    if (entry.categoryId !== categoryId) continue;
    if (time >= entry.at) {
      entry.score = scoreAt(entry, time, halfLifeMs) + weight;
      entry.at = time;
    } else {
      // An out-of-order event: its weight has already decayed by the time the entry is at.
      entry.score += weight * Math.pow(2, -(entry.at - time) / halfLifeMs);
    }
    return;
  }
  if (entries.length < keep) {
    entries.push({ categoryId, score: weight, at: time });
    return;
  }
  let weakest = 0;
  let weakestScore = Infinity;
  for (let i = 0; i < entries.length; i++) {
    const score = scoreAt(entries[i], time, halfLifeMs);
    if (score < weakestScore) {
      weakestScore = score;
      weakest = i;
    }
  }
  if (weight > weakestScore) entries[weakest] = { categoryId, score: weight, at: time };
}

/** The categories by score at `time`, strongest first. */
export function topCategories(entries: AffinityEntry[], time: number, halfLifeMs: number, limit = entries.length): { categoryId: string; score: number }[] {
  return entries
    .map((entry) => ({ categoryId: entry.categoryId, score: scoreAt(entry, time, halfLifeMs) }))
    .sort((a, b) => b.score - a.score || (a.categoryId < b.categoryId ? -1 : 1))
    .slice(0, limit);
}

/** The category with the highest score at `time` (no allocation: called per event). */
export function strongestCategory(entries: AffinityEntry[], time: number, halfLifeMs: number): string | undefined {
  let best: string | undefined;
  let bestScore = -Infinity;
  for (const entry of entries) {
    const score = scoreAt(entry, time, halfLifeMs);
    if (score > bestScore) {
      bestScore = score;
      best = entry.categoryId;
    }
  }
  return best;
}
