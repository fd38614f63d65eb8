// Price drop: when the catalog lowers an item's price by at least minDropPercent below the
// price a user saw when they favourited, carted or repeatedly viewed it (within the interest
// window), that user gets a marketing candidate; the new price becomes their baseline, so only
// a further drop notifies again. Several drops for one user within the window become one digest.

import { filter } from 'rxjs';
import { definePipeline, type NotificationCandidate } from '../src/runtime/pipeline.js';
import { ItemInterest } from '../state/itemInterest.js';
import { ofKind } from '../operators/ofKind.js';
import { fanOut } from '../operators/fanOut.js';
import { digest, type DigestBucket } from '../operators/digest.js';
import { interestTtlMs } from './shopperActivity.js';

export const priceDrop = definePipeline({
  name: 'price_drop',
  enabled: (config) => config.triggers.priceDrop.enabled,
  build(events$, { config, state, catalog, timers, watermark$, metrics }) {
    const { minDropPercent, channel, digest: window } = config.triggers.priceDrop;
    const interest = ItemInterest.of(state, interestTtlMs(config));
    const worthIt = (seen: number, now: number) => now <= seen * (1 - minDropPercent / 100);

    return events$.pipe(
      ofKind('catalog'),
      filter((change) => change.price !== undefined && interest.mayHaveInterest(change.itemId)),
      fanOut((change) => {
        const price = change.price!;
        const item = catalog.get(change.itemId);
        const candidates: NotificationCandidate[] = [];
        if (item?.stock === 0) return candidates;
        for (const user of interest.interestedIn(change.itemId, change.time)) {
          if (user.price === undefined || !worthIt(user.price, price)) continue;
          interest.rebase(user, price);
          candidates.push({
            type: 'price_drop',
            priority: 'marketing',
            userId: user.userId,
            dedupeKey: `price_drop:${user.userId}:${change.itemId}:${change.id}`,
            time: change.time,
            channel,
            payload: {
              itemId: change.itemId,
              title: item?.title,
              previousPrice: user.price,
              price,
              currency: item?.currency,
              dropPercent: Math.round((1 - price / user.price) * 100),
              signal: user.signal,
            },
          });
        }
        return candidates;
      }),
      digest({
        buckets: timers<DigestBucket>('price-drop-digest'),
        watermark$,
        windowMs: window.windowMinutes * 60_000,
        maxItems: window.maxItems,
        onCollapsed: (bucket) => metrics?.digestCollapsed.inc({ type: bucket.type }, bucket.count),
      }),
    );
  },
});
