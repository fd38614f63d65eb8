// What happens to an order after checkout: paid within a minute, shipped hours later, out for
// delivery a day or two after that, delivered the same day; a few are cancelled instead of
// shipped. Each step is an `order_status` event, which transactional notifications follow.

import type { ScheduledTask } from './agenda.js';
import type { World } from './world.js';
import type { OrderStatus } from '../../events/types.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

const CANCEL_RATE = 0.03;

export interface PlacedOrder {
  orderId: string;
  userId: string;
  itemId: string;
  categoryId: string;
}

export class OrderLifecycle implements ScheduledTask {
  private status: OrderStatus = 'paid';

  constructor(
    private readonly world: World,
    private readonly order: PlacedOrder,
  ) {}

  /** Starts the lifecycle of an order placed at `purchasedAt`. */
  static start(world: World, order: PlacedOrder, purchasedAt: number): void {
    const paymentDelay = world.random.intBetween(5_000, 60_000);
    world.schedule(purchasedAt + paymentDelay, new OrderLifecycle(world, order));
  }

  run(now: number): void {
    const { world, order } = this;
    world.emit({
      id: world.nextEventId(),
      time: now,
      kind: 'behavior',
      type: 'order_status',
      userId: order.userId,
      itemId: order.itemId,
      categoryId: order.categoryId,
      orderId: order.orderId,
      status: this.status,
    });
    const random = world.random;
    switch (this.status) {
      case 'paid':
        if (random.chance(CANCEL_RATE)) {
          this.status = 'cancelled';
          world.schedule(now + Math.round(random.exponential(3 * HOUR_MS)), this);
        } else {
          this.status = 'shipped';
          world.schedule(now + clamp(random.logNormal(10 * HOUR_MS, 0.6), HOUR_MS, 48 * HOUR_MS), this);
        }
        return;
      case 'shipped':
        this.status = 'out_for_delivery';
        world.schedule(now + clamp(random.logNormal(36 * HOUR_MS, 0.4), 12 * HOUR_MS, 120 * HOUR_MS), this);
        return;
      case 'out_for_delivery':
        this.status = 'delivered';
        world.schedule(now + clamp(random.logNormal(3 * HOUR_MS, 0.5), 20 * MINUTE_MS, 10 * HOUR_MS), this);
        return;
      case 'delivered':
      case 'cancelled':
        return;
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.round(Math.min(max, Math.max(min, value)));
}
