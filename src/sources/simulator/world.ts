// The simulated shop in event time: catalog, users and the agenda of what happens next. It
// turns scheduled tasks into events one at a time, so an endless simulation costs memory for
// its live state only, never for the stream. Noise (disorder, duplicates, malformed records)
// is layered on top by `simulation.ts`; the world itself only ever tells the truth.

import { Agenda, type ScheduledTask } from './agenda.js';
import { CURRENCY, Catalog } from './catalog.js';
import { InventoryShocks, PriceChanges } from './catalogChurn.js';
import { nextSessionStart } from './dailyCycle.js';
import type { ResolvedSimulationOptions } from './options.js';
import { Random } from './random.js';
import { ShoppingSession } from './shoppingSession.js';
import { createUser, type SimulatedUser } from './users.js';
import type { PushflowEvent } from '../../events/types.js';

/** Separate random streams, so that e.g. more users leave the catalog unchanged. */
const STREAM_DYNAMICS = 0;
const STREAM_CATALOG = 1;
const STREAM_USERS = 2;

export class World {
  readonly random: Random;
  readonly catalog: Catalog;
  readonly users: SimulatedUser[];
  private readonly agenda = new Agenda();
  private readonly startTime: number;
  private readonly endTime: number;
  private readonly eventIdPrefix: string;
  private readonly orderIdPrefix: string;
  private eventCount = 0;
  private orderCount = 0;
  /** Items, then users: the state a consumer needs before behaviour makes sense. */
  private snapshotCursor = 0;
  private readonly outbox: PushflowEvent[] = [];
  private outboxHead = 0;

  constructor(options: ResolvedSimulationOptions) {
    this.startTime = options.startTime;
    this.endTime = options.endTime;
    this.eventIdPrefix = `sim-${options.seed}-`;
    this.orderIdPrefix = `order-${options.seed}-`;
    this.random = new Random(options.seed, STREAM_DYNAMICS);
    this.catalog = new Catalog(new Random(options.seed, STREAM_CATALOG), options.items);
    const userRandom = new Random(options.seed, STREAM_USERS);
    this.users = Array.from({ length: options.users }, (_, index) => createUser(userRandom, index, this.catalog));

    for (const user of this.users) {
      this.schedule(nextSessionStart(this.random, user.cycle, this.startTime), new ShoppingSession(this, user));
    }
    new PriceChanges(this).scheduleNext(this.startTime);
    new InventoryShocks(this).scheduleNext(this.startTime);
  }

  /** The next event in event-time order, or undefined once the simulated period is over. */
  next(): PushflowEvent | undefined {
    while (this.outboxHead === this.outbox.length) {
      this.outbox.length = 0;
      this.outboxHead = 0;
      if (this.snapshotCursor < this.catalog.size + this.users.length) {
        this.emitSnapshot(this.snapshotCursor++);
        continue;
      }
      const time = this.agenda.peekTime();
      if (time >= this.endTime) return undefined;
      this.agenda.pop()!.run(time);
    }
    return this.outbox[this.outboxHead++];
  }

  schedule(time: number, task: ScheduledTask): void {
    this.agenda.schedule(time, task);
  }

  /** Queues an event; tasks emit only at the time they run, which keeps the stream ordered. */
  emit(event: PushflowEvent): void {
    this.outbox.push(event);
  }

  /** Deterministic and unique per seed; counts world events only, so noise never shifts them. */
  nextEventId(): string {
    return this.eventIdPrefix + this.eventCount++;
  }

  nextOrderId(): string {
    return this.orderIdPrefix + this.orderCount++;
  }

  private emitSnapshot(index: number): void {
    const time = this.startTime;
    const catalog = this.catalog;
    if (index < catalog.size) {
      this.emit({
        id: this.nextEventId(),
        time,
        kind: 'catalog',
        itemId: catalog.itemId(index),
        title: catalog.titles[index],
        categoryId: catalog.categoryId(index),
        price: catalog.price[index],
        currency: CURRENCY,
        stock: catalog.stock[index],
      });
      return;
    }
    const user = this.users[index - catalog.size];
    this.emit({
      id: this.nextEventId(),
      time,
      kind: 'user',
      userId: user.id,
      locale: user.locale,
      timeZone: user.timeZone,
      channels: { ...user.channels },
      consent: { ...user.consent },
    });
  }
}
