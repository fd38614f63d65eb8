// Order and logistics updates: each order_status event (paid, shipped, out for delivery,
// delivered, cancelled; those listed in config) becomes a transactional candidate of type
// `order_<status>`, once per order and status however often the status is reported.

import { filter, map } from 'rxjs';
import type { OrderStatus } from '../src/events/types.js';
import { definePipeline, type NotificationCandidate } from '../src/runtime/pipeline.js';
import { ofBehavior } from '../operators/ofBehavior.js';

export const orderStatus = definePipeline({
  name: 'order_status',
  enabled: (config) => config.triggers.orderStatus.enabled,
  build(events$, { config, catalog }) {
    const { statuses, channel } = config.triggers.orderStatus;
    const notified = new Set<OrderStatus>(statuses);

    return events$.pipe(
      ofBehavior('order_status'),
      filter((event) => event.orderId !== undefined && event.status !== undefined && notified.has(event.status)),
      map(
        ({ userId, orderId, status, itemId, time }): NotificationCandidate => ({
          type: `order_${status}`,
          priority: 'transactional',
          userId,
          dedupeKey: `order_status:${orderId}:${status}`,
          time,
          channel,
          payload: { orderId, status, itemId, title: itemId === undefined ? undefined : catalog.get(itemId)?.title },
        }),
      ),
    );
  },
});
