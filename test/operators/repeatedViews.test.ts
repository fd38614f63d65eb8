import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { repeatedViews, ViewCounts } from '../../operators/repeatedViews.js';
import type { BehaviorEvent } from '../../src/events/types.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const at = (type: BehaviorEvent['type'], userId: string, itemId: string, time: number): BehaviorEvent => ({
  kind: 'behavior',
  id: `${type}-${userId}-${itemId}-${time}`,
  type,
  userId,
  itemId,
  time,
});
const view = (userId: string, itemId: string, time: number) => at('view', userId, itemId, time);
const HOUR = 3_600_000;
const S = 1000;

describe('repeatedViews', () => {
  it('emits from the minViews-th view of an item on, naming the episode by its first view', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('abcd|', { a: view('u', 'i', 10 * S), b: view('u', 'i', 20 * S), c: view('u', 'i', 30 * S), d: view('u', 'i', 40 * S) });
      expectObservable(events.pipe(repeatedViews({ minViews: 3, withinMs: HOUR }))).toBe('--cd|', {
        c: { userId: 'u', itemId: 'i', views: 3, firstViewAt: 10 * S, event: view('u', 'i', 30 * S) },
        d: { userId: 'u', itemId: 'i', views: 4, firstViewAt: 10 * S, event: view('u', 'i', 40 * S) },
      });
    });
  });

  it('counts each user and item apart', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('abcde|', { a: view('u', 'i', 1 * S), b: view('v', 'i', 2 * S), c: view('u', 'j', 3 * S), d: view('v', 'i', 4 * S), e: view('u', 'i', 5 * S) });
      expectObservable(events.pipe(repeatedViews({ minViews: 2, withinMs: HOUR }))).toBe('---de|', {
        d: { userId: 'v', itemId: 'i', views: 2, firstViewAt: 2 * S, event: view('v', 'i', 4 * S) },
        e: { userId: 'u', itemId: 'i', views: 2, firstViewAt: 1 * S, event: view('u', 'i', 5 * S) },
      });
    });
  });

  it('starts a new episode once the window since its first view has passed', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('abc|', { a: view('u', 'i', 0), b: view('u', 'i', 2 * HOUR), c: view('u', 'i', 2 * HOUR + S) });
      expectObservable(events.pipe(repeatedViews({ minViews: 2, withinMs: HOUR }))).toBe('--c|', {
        c: { userId: 'u', itemId: 'i', views: 2, firstViewAt: 2 * HOUR, event: view('u', 'i', 2 * HOUR + S) },
      });
    });
  });

  it('ends an episode on the endOn types only, and ignores other behaviour', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('abcdef|', {
        a: view('u', 'i', 1 * S),
        b: at('favorite', 'u', 'i', 2 * S),
        c: at('add_to_cart', 'u', 'i', 3 * S),
        d: view('u', 'i', 4 * S),
        e: at('purchase', 'u', 'j', 5 * S),
        f: view('u', 'i', 6 * S),
      });
      expectObservable(events.pipe(repeatedViews({ minViews: 2, withinMs: HOUR, endOn: ['add_to_cart'] }))).toBe('-----f|', {
        f: { userId: 'u', itemId: 'i', views: 2, firstViewAt: 4 * S, event: view('u', 'i', 6 * S) },
      });
    });
  });

  it('passes errors and completion through', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a#', { a: view('u', 'i', 1) }).pipe(repeatedViews({ minViews: 2, withinMs: HOUR }))).toBe('-#');
      expectObservable(cold('|').pipe(repeatedViews({ minViews: 2, withinMs: HOUR }))).toBe('|');
    });
  });
});

describe('ViewCounts', () => {
  it('stays bounded: when full, the episode first viewed longest ago makes room', () => {
    const counts = new ViewCounts(HOUR, 8);
    for (let item = 0; item < 100; item++) counts.add('u', `i${item}`, item * S);
    expect(counts.add('u', 'i99', 100 * S)).toBe(2);
    expect(counts.add('u', 'i0', 101 * S)).toBe(1);
  });

  it('reports the first view of the episode it counted, to the second', () => {
    const counts = new ViewCounts(HOUR);
    counts.add('u', 'i', 100 * S + 250);
    counts.add('u', 'i', 200 * S);
    expect(counts.firstViewAt).toBe(100 * S);
    counts.forget('u', 'i');
    expect(counts.add('u', 'i', 300 * S)).toBe(1);
    expect(counts.firstViewAt).toBe(300 * S);
  });
});
