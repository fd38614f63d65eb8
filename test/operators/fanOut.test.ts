import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { fanOut } from '../../operators/fanOut.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('fanOut', () => {
  it('emits each value\'s outputs at once and in order, nothing for an empty array', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-b-c|', { a: 2, b: 0, c: 1 });
      const repeated = source.pipe(fanOut((n: number) => Array.from({ length: n }, (_, i) => `${n}.${i}`)));
      expectObservable(repeated).toBe('(xy)z|', { x: '2.0', y: '2.1', z: '1.0' });
    });
  });

  it('turns a throwing projection into an error of the stream', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const failing = cold('ab|', { a: 1, b: 2 }).pipe(
        fanOut((n: number) => {
          if (n === 2) throw new Error('boom');
          return [n];
        }),
      );
      expectObservable(failing).toBe('a#', { a: 1 }, new Error('boom'));
    });
  });

  it('passes errors and completion through, and stops emitting once unsubscribed', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-#').pipe(fanOut(() => [1]))).toBe('-#');
      expectObservable(cold('|').pipe(fanOut(() => [1]))).toBe('|');
      expectObservable(cold('a-a-a|').pipe(fanOut(() => [1])), '^--!').toBe('x-x', { x: 1 });
    });
  });
});
