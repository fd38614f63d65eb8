// Scores users from their sequences, as of their latest event: one forward pass per batch of
// users, then the mixture ranking of the next categories per user. Synchronous, so a decision
// taken inside a batch transaction can use it; the scorer (behaviorScorer.ts) caches around it.

import { runNetwork, type NetworkWeights } from './behaviorNetwork.js';
import type { EventSequence } from './eventSequence.js';
import { COMPONENTS, encodeBatch } from './featureEncoding.js';
import type { ModelMeta } from './modelMeta.js';
import { rankNextCategories } from './nextCategoryRanking.js';
import { ACTIVE_SLOTS } from './trainingExamples.js';
import type { Tf } from './tfBackend.js';

export interface SequenceScores {
  /** The five most probable next categories (codes), with their mixture probabilities. */
  nextCategories: { category: number; probability: number }[];
  /** P(a purchase within 24 hours of the latest event). */
  purchaseIn24h: number;
  /** P(activity) in hour k after the latest event, k = 0..23. */
  activeHours: number[];
  /** Time of the latest event (Unix seconds): what the 24 hours count from. */
  anchorTime: number;
  /** The mixture's weights: the GRU's softmax, then last, recent, frequent, Markov. */
  gate: number[];
}

export const NEXT_CATEGORIES_SHOWN = 5;

export interface ScoringModel {
  tf: Tf;
  weights: NetworkWeights;
  meta: ModelMeta;
}

/** Scores each sequence at its latest event, `batchSize` sequences per forward pass. */
export function scoreSequences({ tf, weights, meta }: ScoringModel, sequences: readonly EventSequence[], batchSize: number): SequenceScores[] {
  const out: SequenceScores[] = [];
  const gateWidth = 1 + COMPONENTS;
  for (let from = 0; from < sequences.length; from += batchSize) {
    const slice = sequences.slice(from, from + batchSize);
    const batch = encodeBatch(
      slice.map((sequence) => ({ sequence, anchor: sequence.length - 1 })),
      meta,
    );
    const outputs = runNetwork(tf, weights, meta, batch);
    slice.forEach((sequence, b) => {
      const anchor = sequence.length - 1;
      const next = outputs.next.subarray(b * meta.classes, (b + 1) * meta.classes);
      const gate = outputs.gate.subarray(b * gateWidth, (b + 1) * gateWidth);
      out.push({
        nextCategories: rankNextCategories(meta, sequence, anchor, next, gate, NEXT_CATEGORIES_SHOWN),
        purchaseIn24h: outputs.purchase[b],
        activeHours: Array.from(outputs.active.subarray(b * ACTIVE_SLOTS, (b + 1) * ACTIVE_SLOTS)),
        anchorTime: sequence.times[anchor],
        gate: Array.from(gate),
      });
    });
  }
  return out;
}
