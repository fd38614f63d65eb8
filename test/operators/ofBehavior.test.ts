import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { ofBehavior } from '../../operators/ofBehavior.js';
import type { PushflowEvent } from '../../src/events/types.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const cart: PushflowEvent = { kind: 'behavior', type: 'add_to_cart', id: 'a', userId: 'u', itemId: 'i', time: 1 };
const view: PushflowEvent = { kind: 'behavior', type: 'view', id: 'b', userId: 'u', itemId: 'i', time: 2 };
const buy: PushflowEvent = { kind: 'behavior', type: 'purchase', id: 'c', userId: 'u', itemId: 'i', time: 3 };
const item: PushflowEvent = { kind: 'catalog', id: 'd', itemId: 'i', time: 4 };

describe('ofBehavior', () => {
  it('keeps the named behaviour types only, in order', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const events = cold('a-b-c-d|', { a: cart, b: view, c: buy, d: item });
      expectObservable(events.pipe(ofBehavior('add_to_cart', 'purchase'))).toBe('a---c--|', { a: cart, c: buy });
    });
  });

  it('passes errors through and completes when the source does', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-#', { a: view }).pipe(ofBehavior('view'))).toBe('-a-#', { a: view });
      expectObservable(cold('|').pipe(ofBehavior('view'))).toBe('|');
    });
  });

  it('never emits for catalog events, even with a matching field', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('d|', { d: { ...item, type: 'view' } as unknown as PushflowEvent }).pipe(ofBehavior('view'))).toBe('-|');
    });
  });
});
