// Drains the notification outbox to the sinks, one notification at a time as far as failures
// go: each is routed to its channel's sink, retried on transient failures with exponential
// backoff and full jitter (its attempts and next try kept in LMDB), dead-lettered after
// `maxAttempts`, and on a permanent failure recorded as failed (and decided again on the next
// channel by the runtime). A circuit breaker per sink stops spending attempts on a sink that is
// down. Entries leave the outbox only once their outcome is durable: the dead-letter file written,
// the receipt in its inbox. Delivery is at least once; every request carries the notification id
// as idempotency key, so receivers drop repeats. Memory is bounded by `scanWindow`.

import type { Outbox, OutboxEntry } from '../../state/outbox.js';
import type { DeliveryAttempts, AttemptState } from '../../state/deliveryAttempts.js';
import type { DeliveryReceipt, DeliveryReceipts } from '../../state/deliveryReceipts.js';
import { isPerItemSink, type ItemResult, type Notification, type Sink } from '../sinks/sink.js';
import { CircuitBreaker, type BreakerState } from './circuitBreaker.js';
import { backoffDelay } from './retryBackoff.js';
import type { SinkRouter } from './sinkRouter.js';
import { DeliveryLoop } from './deliveryLoop.js';

/** A notification that could not be delivered, as written to the notification dead-letter file. */
export interface NotificationDeadLetter {
  notification: Notification;
  outcome: 'failed' | 'dead_lettered';
  /** The last error class (`http_500`, `timeout`, `smtp_550`...). */
  error: string;
  attempts: number;
  sink: string;
  at: number;
}

export type DeliveryOutcome = 'sent' | 'failed' | 'dead_lettered';

export interface NotificationDeliveryOptions {
  /** Most notifications handed to one sink per send. */
  batchSize: number;
  scanWindow: number;
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  breakerFailures: number;
  breakerOpenMs: number;
  idlePollMs?: number;
  random?: () => number;
  now?: () => number;
  onOutcome?: (notification: Notification, outcome: DeliveryOutcome, sink: string) => void;
  onAttempt?: (sink: string, ok: boolean) => void;
  onRetry?: (sink: string, count: number) => void;
  onBreaker?: (sink: string, state: BreakerState) => void;
  onDepth?: (depth: number) => void;
  log?: (message: string) => void;
}

export interface DeliveryStores {
  receipts: DeliveryReceipts;
  attempts: DeliveryAttempts;
}

export interface RoundResult {
  /** Entries that left the outbox (sent, failed for good, dead-lettered). */
  resolved: number;
  /** Entries handed to a sink this round. */
  attempted: number;
  /** When something now waiting (backoff, open breaker) may next be tried; Infinity if nothing waits. */
  nextAttemptAt: number;
}

export class NotificationDelivery {
  private readonly loop = new DeliveryLoop(() => this.round());
  private readonly breakers = new Map<string, CircuitBreaker>();
  /** Attempt state of entries seen failing, by outbox sequence; `null`: looked up, none stored. */
  private readonly attempts = new Map<number, AttemptState | null>();
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly outbox: Outbox<Notification>,
    private readonly router: SinkRouter,
    private readonly stores: DeliveryStores,
    private readonly deadLetters: Sink<NotificationDeadLetter>,
    private readonly options: NotificationDeliveryOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  start(): void {
    this.loop.start();
  }

  /** New entries were committed: deliver them without waiting for the idle poll. */
  wake(): void {
    this.loop.wake();
  }

  /** Stops after the round in hand; entries not yet resolved stay in the outbox. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  breakerState(sink: string): BreakerState {
    return this.breaker(sink).current();
  }

  /**
   * Delivers until the outbox is empty. With `waitForRetries`, waits out backoffs and open
   * breakers (every entry ends sent or dead-lettered); without, stops when nothing is ready.
   */
  async drain(waitForRetries = false): Promise<void> {
    for (;;) {
      const round = await this.deliverOnce();
      if (this.outbox.depth() === 0) return;
      if (round.attempted > 0 || round.resolved > 0) continue;
      if (!waitForRetries || !Number.isFinite(round.nextAttemptAt)) return;
      await delay(Math.max(1, round.nextAttemptAt - this.now()));
    }
  }

  /** One round: the ready entries of the scan window, grouped per sink and sent in parallel. */
  async deliverOnce(): Promise<RoundResult> {
    const entries = this.outbox.peek(this.options.scanWindow);
    this.forgetBefore(entries[0]?.seq ?? Infinity);
    const now = this.now();
    let nextAttemptAt = Infinity;
    const groups = new Map<Sink<Notification>, OutboxEntry<Notification>[]>();
    for (const entry of entries) {
      const state = this.attemptState(entry.seq);
      if (state !== null && state.notBefore > now) {
        nextAttemptAt = Math.min(nextAttemptAt, state.notBefore);
        continue;
      }
      const sink = this.router.sinkFor(entry.value.channel);
      const breaker = this.breaker(sink.name);
      let group = groups.get(sink);
      if (group === undefined) {
        if (!breaker.canAttempt(now)) {
          nextAttemptAt = Math.min(nextAttemptAt, breaker.retryAt());
          continue;
        }
        group = [];
        groups.set(sink, group);
      }
      if (group.length < breaker.batchLimit(this.options.batchSize)) group.push(entry);
    }
    if (groups.size === 0) return { resolved: 0, attempted: 0, nextAttemptAt };
    let resolved = 0;
    let attempted = 0;
    await Promise.all(
      [...groups].map(async ([sink, group]) => {
        attempted += group.length;
        resolved += await this.sendGroup(sink, group);
      }),
    );
    this.options.onDepth?.(this.outbox.depth());
    return { resolved, attempted, nextAttemptAt };
  }

  private async sendGroup(sink: Sink<Notification>, entries: OutboxEntry<Notification>[]): Promise<number> {
    const breaker = this.breaker(sink.name);
    breaker.begin();
    const items = entries.map((entry) => entry.value);
    let results: ItemResult[];
    try {
      if (isPerItemSink(sink)) {
        results = await sink.sendEach(items);
      } else {
        await sink.send(items);
        results = items.map(() => ({ ok: true }));
      }
    } catch (error) {
      this.options.log?.(`sink ${sink.name} failed: ${(error as Error).message}`);
      results = items.map(() => ({ ok: false, permanent: false, error: 'sink_error' }));
    }
    const now = this.now();
    const transient = results.filter((result) => !result.ok && !result.permanent).length;
    if (transient === results.length) breaker.failure(now);
    else breaker.success();
    this.options.onAttempt?.(sink.name, transient < results.length);

    const receipts: DeliveryReceipt[] = [];
    const letters: NotificationDeadLetter[] = [];
    const retries: [number, AttemptState][] = [];
    const done: OutboxEntry<Notification>[] = [];
    const outcomes: [Notification, DeliveryOutcome][] = [];
    entries.forEach((entry, index) => {
      const result = results[index];
      const notification = entry.value;
      const attempts = (this.attemptState(entry.seq)?.attempts ?? 0) + 1;
      if (result.ok) {
        done.push(entry);
        receipts.push(receipt(notification, 'sent', attempts, now));
        outcomes.push([notification, 'sent']);
        return;
      }
      if (!result.permanent && attempts < this.options.maxAttempts) {
        const notBefore = now + backoffDelay(attempts, this.options, this.random());
        retries.push([entry.seq, { attempts, notBefore, lastError: result.error }]);
        return;
      }
      const outcome: DeliveryOutcome = result.permanent ? 'failed' : 'dead_lettered';
      done.push(entry);
      letters.push({ notification, outcome, error: result.error, attempts, sink: sink.name, at: now });
      receipts.push(receipt(notification, outcome, attempts, now, result.error));
      outcomes.push([notification, outcome]);
    });

    try {
      // Outcomes are made durable before the entries leave the outbox (at least once).
      if (letters.length > 0) await this.deadLetters.send(letters);
      await this.stores.receipts.append(receipts);
      await this.stores.attempts.set(retries);
      for (const [seq, state] of retries) this.attempts.set(seq, state);
      if (done.length > 0) {
        await this.outbox.remove(done.map((entry) => entry.seq));
        const stored = done.filter((entry) => this.attempts.get(entry.seq)).map((entry) => entry.seq);
        for (const entry of done) this.attempts.delete(entry.seq);
        await this.stores.attempts.remove(stored);
      }
    } catch (error) {
      this.options.log?.(`recording delivery outcomes failed (entries stay in the outbox): ${(error as Error).message}`);
      return 0;
    }
    for (const [notification, outcome] of outcomes) this.options.onOutcome?.(notification, outcome, sink.name);
    if (retries.length > 0) this.options.onRetry?.(sink.name, retries.length);
    return done.length;
  }

  private attemptState(seq: number): AttemptState | null {
    let state = this.attempts.get(seq);
    if (state === undefined) {
      state = this.stores.attempts.get(seq) ?? null;
      this.attempts.set(seq, state);
    }
    return state;
  }

  /** Drops attempt state of entries that already left the outbox (keeps memory bounded). */
  private forgetBefore(seq: number): void {
    for (const key of this.attempts.keys()) if (key < seq) this.attempts.delete(key);
    if (this.attempts.size > this.options.scanWindow * 2) this.attempts.clear();
  }

  private breaker(name: string): CircuitBreaker {
    let breaker = this.breakers.get(name);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(name, this.options.breakerFailures, this.options.breakerOpenMs, this.options.onBreaker);
      this.breakers.set(name, breaker);
    }
    return breaker;
  }

  /** One turn of the loop: a round of sends, or a wait (a wake cannot hurry a failing entry, whose backoff is its own). */
  private async round(): Promise<void> {
    const idlePollMs = this.options.idlePollMs ?? 200;
    let round: RoundResult;
    try {
      round = await this.deliverOnce();
    } catch (error) {
      this.options.log?.(`delivery round failed: ${(error as Error).message}`);
      await this.loop.sleep(idlePollMs);
      return;
    }
    if (round.attempted > 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return;
    }
    const untilNext = Number.isFinite(round.nextAttemptAt) ? Math.max(1, round.nextAttemptAt - this.now()) : idlePollMs;
    await this.loop.sleep(Math.min(idlePollMs, untilNext));
  }
}

function receipt(notification: Notification, outcome: DeliveryOutcome, attempts: number, at: number, error?: string): DeliveryReceipt {
  const receipt: DeliveryReceipt = {
    notificationId: notification.id,
    userId: notification.userId,
    type: notification.type,
    channel: notification.channel,
    outcome,
    attempts,
    at,
  };
  if (error !== undefined) receipt.error = error;
  if (outcome === 'failed' && notification.dedupeKey !== undefined) {
    receipt.retry = {
      dedupeKey: notification.dedupeKey,
      priority: notification.priority,
      payload: notification.payload,
      excludedChannels: [...(notification.excludedChannels ?? []), notification.channel],
      time: notification.candidateTime ?? notification.decidedAt,
    };
  }
  return receipt;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
