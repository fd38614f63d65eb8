// Recommendations for `pushflow inspect user ID`: opens the recommender stores of an existing
// data directory (reading only), and returns the hybrid's top-K for the user with the reason
// for each, excluding purchases (per the configuration) and items the catalog has out of stock.

import type { PushflowConfig } from '../config/schema.js';
import type { StateStore } from '../../state/stateStore.js';
import { CatalogStore } from '../../state/catalogStore.js';
import { LiveRecommender } from './liveRecommender.js';
import { blendWeights, type BlendWeights } from './hybridBlend.js';
import { reasonLabel, type Recommendation } from './scoredItem.js';
import type { InspectSection } from '../cli/inspectSections.js';

export interface InspectRecommendations {
  userId: string;
  /** Distinct items the user interacted with. */
  historyLength: number;
  /** How the hybrid weighs its models for this user. */
  weights: BlendWeights;
  recommendations: Recommendation[];
}

/** Item is out of stock when the catalog says its stock is 0 or less (unknown stock is sellable). */
export function outOfStockIn(catalog: CatalogStore): (itemId: string) => boolean {
  return (itemId) => {
    const stock = catalog.get(itemId)?.stock;
    return stock !== undefined && stock <= 0;
  };
}

export function recommendForInspect(
  state: StateStore,
  config: Pick<PushflowConfig, 'recommend'>,
  userId: string,
  k: number,
): InspectRecommendations {
  const live = LiveRecommender.open(state, config.recommend);
  const historyLength = live.recommender.historyLength(userId);
  return {
    userId,
    historyLength,
    weights: blendWeights(historyLength, config.recommend.historyHalfWeight, config.recommend.blend),
    recommendations: live.recommend(userId, k, 'hybrid', { isUnavailable: outOfStockIn(new CatalogStore(state)) }),
  };
}

/** Items the recommendations section of `inspect user` lists. */
const INSPECT_ITEMS = 10;

/**
 * The recommendations section of `pushflow inspect user ID`: what the digest and win-back
 * triggers would be given now, each item with its title, score and reason (`personal`,
 * `similar:<item>`, `category:<id>`, `popular`); `source` says whether the user's history drives
 * them or, for a user without one, popularity alone (the cold-start fallback).
 */
export const recommendationsSection: InspectSection = ({ state, config }, userId) => {
  if (!config.recommend.enabled) return undefined;
  const view = recommendForInspect(state, config, userId, INSPECT_ITEMS);
  if (view.recommendations.length === 0) return undefined;
  const catalog = new CatalogStore(state);
  return {
    title: 'recommendations',
    generic: view.historyLength === 0,
    data: {
      source: view.historyLength === 0 ? 'cold start: popular items' : 'hybrid of the user\'s history',
      historyLength: view.historyLength,
      weights: view.weights,
      items: view.recommendations.map(({ itemId, score, reason }) => ({
        itemId,
        ...(catalog.get(itemId)?.title !== undefined ? { title: catalog.get(itemId)!.title } : {}),
        score: Number(score.toFixed(4)),
        reason: reasonLabel(reason),
      })),
    },
  };
};
