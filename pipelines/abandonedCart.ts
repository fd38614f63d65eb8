// Abandoned cart: an item added to the cart and neither bought nor removed within the delay
// (event time) becomes a marketing candidate. Re-adding the item restarts the wait.

import { ignoreElements, map, merge, tap } from 'rxjs';
import type { BehaviorEvent } from '../src/events/types.js';
import { definePipeline, type NotificationCandidate } from '../src/runtime/pipeline.js';
import { ofBehavior } from '../operators/ofBehavior.js';
import { dueTimers } from '../operators/dueTimers.js';

interface WaitingCart {
  userId: string;
  itemId: string;
  categoryId?: string;
  cartEventId: string;
  cartedAt: number;
}

const cartKey = (event: BehaviorEvent) => `${event.userId}|${event.itemId}`;

export const abandonedCart = definePipeline({
  name: 'abandoned_cart',
  enabled: (config) => config.triggers.abandonedCart.enabled,
  build(events$, { config, timers, watermark$ }) {
    const { delayMinutes, channel } = config.triggers.abandonedCart;
    const waiting = timers<WaitingCart>('abandoned-cart');

    const cartChanges$ = events$.pipe(
      ofBehavior('add_to_cart', 'remove_from_cart', 'purchase'),
      tap((event) => {
        if (event.itemId === undefined) return;
        if (event.type !== 'add_to_cart') return void waiting.cancel(cartKey(event));
        const cart: WaitingCart = { userId: event.userId, itemId: event.itemId, cartEventId: event.id, cartedAt: event.time };
        if (event.categoryId !== undefined) cart.categoryId = event.categoryId;
        waiting.set(cartKey(event), event.time + delayMinutes * 60_000, cart);
      }),
      ignoreElements(),
    );

    const abandoned$ = watermark$.pipe(
      dueTimers(waiting),
      map(({ payload: cart, due }): NotificationCandidate => ({
        type: 'abandoned_cart',
        priority: 'marketing',
        userId: cart.userId,
        dedupeKey: `abandoned_cart:${cart.userId}:${cart.itemId}:${cart.cartEventId}`,
        time: due,
        channel,
        payload: { itemId: cart.itemId, categoryId: cart.categoryId, cartedAt: cart.cartedAt },
      })),
    );

    return merge(cartChanges$, abandoned$);
  },
});
