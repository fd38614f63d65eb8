// Recommendations for `pushflow inspect user ID`: opens the recommender stores of an existing
// data directory (reading only), and returns the hybrid's top-K for the user with the reason
// for each, excluding purchases (per the configuration) and items the catalog has out of stock.

import type { PushflowConfig } from '../config/schema.js';
import type { StateStore } from '../../state/stateStore.js';
import { CatalogStore } from '../../state/catalogStore.js';
import { LiveRecommender } from './liveRecommender.js';
import { blendWeights, type BlendWeights } from './hybridBlend.js';
import type { Recommendation } from './scoredItem.js';

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
