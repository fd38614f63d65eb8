// How behaviours become implicit feedback: each type's confidence (configurable, e.g. view <
// favorite < cart < purchase); types with 0, and those that are not feedback (search, removal
// from the cart, order status), are ignored. MovieLens ratings arrive as favourites (4 stars and
// up) or views (below), per src/events/decode.ts.

import type { BehaviorType } from '../events/types.js';
import type { PushflowConfig } from '../config/schema.js';

export type RecommendSettings = PushflowConfig['recommend'];

export function confidenceOf(type: BehaviorType, confidence: RecommendSettings['confidence']): number {
  switch (type) {
    case 'view':
      return confidence.view;
    case 'favorite':
      return confidence.favorite;
    case 'add_to_cart':
      return confidence.addToCart;
    case 'purchase':
      return confidence.purchase;
    default:
      return 0;
  }
}

/** The behaviour types that carry feedback under these settings. */
export function feedbackTypes(confidence: RecommendSettings['confidence']): BehaviorType[] {
  return (['view', 'favorite', 'add_to_cart', 'purchase'] as const).filter((type) => confidenceOf(type, confidence) > 0);
}
