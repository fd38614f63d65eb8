import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { ofKind } from '../../operators/ofKind.js';
import type { PushflowEvent } from '../../src/events/types.js';

const view: PushflowEvent = { kind: 'behavior', type: 'view', id: 'b', userId: 'u', itemId: 'i', time: 2 };
const item: PushflowEvent = { kind: 'catalog', id: 'd', itemId: 'i', time: 4 };
const user: PushflowEvent = { kind: 'user', id: 'e', userId: 'u', time: 5 };

describe('ofKind', () => {
  it('keeps one kind of event', () => {
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ cold, expectObservable }) => {
      const events = cold('abc|', { a: view, b: item, c: user });
      expectObservable(events.pipe(ofKind('catalog'))).toBe('-b-|', { b: item });
      expectObservable(events.pipe(ofKind('user'))).toBe('--c|', { c: user });
    });
  });

  it('passes an error through', () => {
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ cold, expectObservable }) => {
      expectObservable(cold('a#', { a: item }).pipe(ofKind('catalog'))).toBe('a#', { a: item });
    });
  });
});
