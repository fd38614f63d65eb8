import type { OperatorFunction } from 'rxjs';
import type { WindowState, WindowStore } from '../state/windowStore.js';
import {
  CloseQueue,
  eventTimeWindow,
  type WindowAggregate,
  type WindowLayout,
  type WindowOptions,
  type WindowResult,
} from './eventTimeWindow.js';

export interface SessionWindowOptions<T, A> extends WindowOptions<T, A> {
  /** A key's events closer than this in event time belong to one session. */
  gapMs: number;
  aggregate: WindowAggregate<T, A> & { merge(a: A, b: A): A };
  /** How long after its end a closed session stays in the store for queries (default: as long as late events could touch it). */
  retentionMs?: number;
}

/**
 * Groups each key's events into sessions: bursts of activity separated by at least `gapMs` of
 * inactivity in event time. A session spans `[first event, last event + gap)`; an event that
 * falls between two sessions merges them. By default a session is emitted once, when the
 * watermark passes its end plus the grace period; an event that would only extend a session
 * already emitted goes to `lateEvents` and is counted.
 *
 * "A visit: what a user did until they left for half an hour."
 *
 * @example
 * events$.pipe(
 *   sessionWindow({ store: WindowStore.open(state, 'visits'), gapMs: 1_800_000, key: (e) => e.userId,
 *     aggregate: { init: () => 0, add: (n) => n + 1, merge: (a, b) => a + b }, watermark$, batchEnd$ }),
 * ).subscribe(({ key, start, end, value }) => console.log(key, value, 'events in', end - start, 'ms'));
 * @see tumblingWindow
 */
export function sessionWindow<T extends { time: number }, A>(options: SessionWindowOptions<T, A>): OperatorFunction<T, WindowResult<A>> {
  if (!(options.gapMs > 0)) throw new RangeError(`${options.store.name}: gapMs must be positive, got ${options.gapMs}`);
  return eventTimeWindow(options, (store) => sessions(store, options));
}

function sessions<T extends { time: number }, A>(
  store: WindowStore<A>,
  { gapMs, graceMs = 0, retentionMs = 0, aggregate }: SessionWindowOptions<T, A>,
): WindowLayout<T, A> {
  const queue = new CloseQueue();
  // An emitted session [s, e) could still be touched by an event up to e, which would be on
  // time by its own span until e + gap + grace: the session is kept at least until then, closed,
  // so that such an event is recognised as late.
  const closesAt = (session: WindowState<A>) =>
    session.closed ? session.end + Math.max(gapMs + graceMs, retentionMs) : session.end + graceMs;
  for (const session of store.values()) queue.push(closesAt(session), session.key, session.start);

  return {
    add(event, key, watermark, updated) {
      const time = event.time;
      // Sessions that touch [time, time + gap) merge with the event's own.
      let start = time;
      let end = time + gapMs;
      let first: WindowState<A> | undefined;
      let several = false;
      for (const session of store.windowsOf(key)) {
        if (session.start > time + gapMs || time > session.end) continue;
        if (session.closed) return false;
        if (first === undefined) first = session;
        else several = true;
        if (session.start < start) start = session.start;
        if (session.end > end) end = session.end;
      }
      if (end + graceMs <= watermark) return false;
      if (first !== undefined && !several && first.start === start) {
        // The common case: the event extends (or falls inside) one session. Its close-queue
        // entry stays where it is; when it comes due, it is moved to the session's new end.
        first.value = aggregate.add(first.value, event);
        first.end = end;
        store.touch(first);
        updated?.(first);
        return true;
      }
      let value = aggregate.init();
      for (const session of store.windowsOf(key).filter((s) => s.start <= time + gapMs && time <= s.end)) {
        value = aggregate.merge(value, session.value);
        store.delete(key, session.start);
      }
      const merged: WindowState<A> = { key, start, end, value: aggregate.add(value, event), closed: false };
      store.set(merged);
      queue.push(end + graceMs, key, start);
      updated?.(merged);
      return true;
    },

    close(watermark, closed) {
      for (let due = queue.popDue(watermark); due !== undefined; due = queue.popDue(watermark)) {
        const session = store.get(due.key, due.start);
        if (session === undefined) continue; // merged into another session since
        const at = closesAt(session);
        if (at > due.at) {
          // It grew since this entry was queued (or was emitted and is now kept): queue it anew.
          queue.push(at, session.key, session.start);
          continue;
        }
        if (session.closed) {
          store.delete(session.key, session.start);
          continue;
        }
        closed(session);
        session.closed = true;
        store.touch(session);
        queue.push(closesAt(session), session.key, session.start);
      }
    },
  };
}
