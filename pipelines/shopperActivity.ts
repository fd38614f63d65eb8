// Keeps the two indexes the catalog-driven and scheduled triggers read: the days each user was
// active (recommendation digest, win-back, campaign audiences) and the items each user showed
// interest in: favourited, carted, or viewed repeatedly (price drop, back in stock, and the
// popular-items fallback). A purchase ends the interest. Produces no candidates.
// One pass per event, no per-view write: this runs on every event of the stream.

import { ignoreElements, merge, tap } from 'rxjs';
import type { PushflowConfig } from '../src/config/schema.js';
import { definePipeline } from '../src/runtime/pipeline.js';
import { ActivityLog, DAY_MS } from '../state/activityLog.js';
import { ItemInterest } from '../state/itemInterest.js';
import { ofKind } from '../operators/ofKind.js';
import { ViewCounts } from '../operators/repeatedViews.js';

/** Days of activity the readers look back over; older days are dropped. */
export function activityRetentionDays(config: PushflowConfig): number {
  const { winBack, recommendationDigest, segmentCampaign } = config.triggers;
  const campaignLookback = Math.max(0, ...segmentCampaign.campaigns.map((campaign) => campaign.audienceLookbackDays));
  return Math.max(winBack.inactiveDays + 3, recommendationDigest.activeWithinDays + 8, campaignLookback + 1);
}

export function interestTtlMs(config: PushflowConfig): number {
  return config.triggers.interest.days * DAY_MS;
}

export const shopperActivity = definePipeline({
  name: 'shopper_activity',
  enabled: ({ triggers: t }) => t.priceDrop.enabled || t.backInStock.enabled || t.recommendationDigest.enabled || t.winBack.enabled || t.segmentCampaign.enabled,
  build(events$, { config, state, catalog, batchEnd$ }) {
    const { minViews, viewWindowHours } = config.triggers.interest;
    const activity = ActivityLog.of(state, activityRetentionDays(config));
    const interest = ItemInterest.of(state, interestTtlMs(config));
    const views = new ViewCounts(viewWindowHours * 3_600_000);
    const priceOf = (itemId: string, seen: number | undefined) => seen ?? catalog.get(itemId)?.price;

    return merge(
      events$.pipe(
        ofKind('behavior'),
        tap(({ type, userId, itemId, time, price }) => {
          activity.record(userId, time);
          if (itemId === undefined) return;
          switch (type) {
            case 'view':
              if (views.add(userId, itemId, time) === minViews) interest.add(userId, itemId, 'view', time, priceOf(itemId, price));
              return;
            case 'favorite':
              return interest.add(userId, itemId, 'favorite', time, priceOf(itemId, price));
            case 'add_to_cart':
              return interest.add(userId, itemId, 'cart', time, priceOf(itemId, price));
            case 'purchase':
              return interest.remove(userId, itemId, time);
          }
        }),
      ),
      batchEnd$.pipe(tap(() => activity.flush())),
    ).pipe(ignoreElements());
  },
});
