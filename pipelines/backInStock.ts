// Back in stock: when an item the catalog reported sold out gets stock again, every user who
// favourited, carted or repeatedly viewed it within the interest window (and has not bought it)
// gets a marketing candidate. Several restocks for one user within the window become one digest.

import { filter } from 'rxjs';
import { definePipeline, type NotificationCandidate } from '../src/runtime/pipeline.js';
import { ItemInterest } from '../state/itemInterest.js';
import { SoldOutItems } from '../state/soldOutItems.js';
import { ofKind } from '../operators/ofKind.js';
import { fanOut } from '../operators/fanOut.js';
import { digest, type DigestBucket } from '../operators/digest.js';
import { interestTtlMs } from './shopperActivity.js';

export const backInStock = definePipeline({
  name: 'back_in_stock',
  enabled: (config) => config.triggers.backInStock.enabled,
  build(events$, { config, state, catalog, timers, watermark$, metrics }) {
    const { channel, digest: window } = config.triggers.backInStock;
    const interest = ItemInterest.of(state, interestTtlMs(config));
    const soldOut = new SoldOutItems(state);

    return events$.pipe(
      ofKind('catalog'),
      filter((change) => change.stock !== undefined),
      fanOut((change) => {
        if (change.stock === 0) {
          soldOut.markSoldOut(change.itemId, change.time);
          return [];
        }
        const since = soldOut.restocked(change.itemId);
        if (since === undefined) return [];
        const item = catalog.get(change.itemId);
        return interest.interestedIn(change.itemId, change.time).map(
          (user): NotificationCandidate => ({
            type: 'back_in_stock',
            priority: 'marketing',
            userId: user.userId,
            dedupeKey: `back_in_stock:${user.userId}:${change.itemId}:${change.id}`,
            time: change.time,
            channel,
            payload: { itemId: change.itemId, title: item?.title, soldOutSince: since, stock: change.stock, signal: user.signal },
          }),
        );
      }),
      digest({
        buckets: timers<DigestBucket>('back-in-stock-digest'),
        watermark$,
        windowMs: window.windowMinutes * 60_000,
        maxItems: window.maxItems,
        onCollapsed: (bucket) => metrics?.digestCollapsed.inc({ type: bucket.type }, bucket.count),
      }),
    );
  },
});
