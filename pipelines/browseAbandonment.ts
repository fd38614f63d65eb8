// Browse abandonment: an item the user viewed repeatedly (minViews within withinHours) and
// neither carted nor bought by delayMinutes after the last view becomes a marketing candidate.
// Carting or buying it cancels the reminder; a user's reminders within a window become one digest.

import { filter, ignoreElements, map, merge, tap } from 'rxjs';
import type { BehaviorEvent } from '../src/events/types.js';
import { definePipeline, type NotificationCandidate } from '../src/runtime/pipeline.js';
import { ofBehavior } from '../operators/ofBehavior.js';
import { repeatedViews } from '../operators/repeatedViews.js';
import { dueTimers } from '../operators/dueTimers.js';
import { digest, type DigestBucket } from '../operators/digest.js';

interface BrowsedItem {
  userId: string;
  itemId: string;
  categoryId?: string;
  views: number;
  firstViewAt: number;
  lastViewAt: number;
}

const itemKey = (event: { userId: string; itemId?: string }) => `${event.userId}|${event.itemId}`;
const episodeKey = (browsed: { userId: string; itemId: string; firstViewAt: number }) =>
  `browse_abandonment:${browsed.userId}:${browsed.itemId}:${browsed.firstViewAt}`;
/** Episodes already reminded, so views after the reminder do not start another (memory only: a bound, not a guarantee). */
const REMINDED_LIMIT = 100_000;

export const browseAbandonment = definePipeline({
  name: 'browse_abandonment',
  enabled: (config) => config.triggers.browseAbandonment.enabled,
  build(events$, { config, timers, watermark$, catalog, metrics }) {
    const { minViews, withinHours, delayMinutes, channel, digest: window } = config.triggers.browseAbandonment;
    const waiting = timers<BrowsedItem>('browse-abandonment');
    // Which pairs have a reminder pending, so that a cart or purchase (frequent) costs no read.
    const pending = new Set(waiting.ids());
    const shopping$ = events$.pipe(ofBehavior('view', 'add_to_cart', 'purchase'));
    const reminded = new Set<string>();

    const browsing$ = shopping$.pipe(
      repeatedViews({ minViews, withinMs: withinHours * 3_600_000, endOn: ['add_to_cart', 'purchase'] }),
      tap(({ userId, itemId, categoryId, views, firstViewAt, event }) => {
        if (reminded.has(episodeKey({ userId, itemId, firstViewAt }))) return;
        const browsed: BrowsedItem = { userId, itemId, views, firstViewAt, lastViewAt: event.time };
        if (categoryId !== undefined) browsed.categoryId = categoryId;
        waiting.set(itemKey(browsed), event.time + delayMinutes * 60_000, browsed);
        pending.add(itemKey(browsed));
      }),
    );

    const converted$ = shopping$.pipe(
      filter((event: BehaviorEvent) => event.type !== 'view' && event.itemId !== undefined),
      tap((event) => {
        const key = itemKey(event);
        if (!pending.delete(key)) return;
        waiting.cancel(key);
        metrics?.triggersCancelled.inc({ type: 'browse_abandonment', reason: event.type });
      }),
    );

    const abandoned$ = watermark$.pipe(
      dueTimers(waiting),
      map(({ id, payload: browsed, due }): NotificationCandidate => {
        pending.delete(id);
        const dedupeKey = episodeKey(browsed);
        if (reminded.size >= REMINDED_LIMIT) reminded.clear();
        reminded.add(dedupeKey);
        return {
          type: 'browse_abandonment',
          priority: 'marketing',
          userId: browsed.userId,
          dedupeKey,
          time: due,
          channel,
          payload: { itemId: browsed.itemId, categoryId: browsed.categoryId, title: catalog.get(browsed.itemId)?.title, views: browsed.views },
        };
      }),
      digest({
        buckets: timers<DigestBucket>('browse-abandonment-digest'),
        watermark$,
        windowMs: window.windowMinutes * 60_000,
        maxItems: window.maxItems,
        onCollapsed: (bucket) => metrics?.digestCollapsed.inc({ type: bucket.type }, bucket.count),
      }),
    );

    return merge(merge(browsing$, converted$).pipe(ignoreElements()), abandoned$);
  },
});
