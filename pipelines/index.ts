// Every pipeline of the process, in the order they see each event: state that others read
// (catalog, users) is updated first.

import type { PipelineDefinition } from '../src/runtime/pipeline.js';
import { catalogAndUsers } from './catalogAndUsers.js';
import { behaviorSequences } from './behaviorSequences.js';
import { abandonedCart } from './abandonedCart.js';
import { userProfile } from './userProfile.js';
import { segments } from './segments.js';
import { recommendations } from './recommendations.js';
import { shopperActivity } from './shopperActivity.js';
import { browseAbandonment } from './browseAbandonment.js';
import { priceDrop } from './priceDrop.js';
import { backInStock } from './backInStock.js';
import { orderStatus } from './orderStatus.js';
import { recommendationDigest } from './recommendationDigest.js';
import { winBack } from './winBack.js';
import { segmentCampaign } from './segmentCampaign.js';
import { feedback } from './feedback.js';

export const ALL_PIPELINES: PipelineDefinition[] = [
  catalogAndUsers,
  behaviorSequences,
  userProfile,
  segments,
  recommendations,
  // Feedback after the recommender (a click teaches it), before the triggers decide anew.
  feedback,
  // The triggers' own indexes (activity days, item interest), before the triggers that read them.
  shopperActivity,
  abandonedCart,
  browseAbandonment,
  priceDrop,
  backInStock,
  orderStatus,
  recommendationDigest,
  winBack,
  segmentCampaign,
];
