import { describe, expect, it } from 'vitest';
import { PURCHASE, sequenceOf, VIEW, type SequenceEvent } from '../../src/behavior/eventSequence.js';
import { examplesOf, isActive, labelAt } from '../../src/behavior/trainingExamples.js';

const H = 3600;
const T0 = 1_700_000_000;
const ev = (time: number, type = VIEW, category = 7): SequenceEvent => ({ time, type, category });

describe('training examples (event-time labels)', () => {
  const sequence = sequenceOf([ev(T0, VIEW, 1), ev(T0 + 10, VIEW, 2), ev(T0 + 2.5 * H, PURCHASE, 3), ev(T0 + 30 * H, VIEW, 4)], 64)!;

  it('labels the next category, a purchase within 24 h and the active hours', () => {
    const example = labelAt(sequence, 0, T0 + 100 * H);
    expect(example.next).toBe(2);
    expect(example.future).toBe(true);
    expect(example.purchase).toBe(true);
    // Events 10 s and 2.5 h after: hours 0 and 2; the one 30 h after is outside.
    expect(Array.from({ length: 24 }, (_, k) => isActive(example, k))).toEqual(Array.from({ length: 24 }, (_, k) => k === 0 || k === 2));
  });

  it('uses no label the horizon has not reached', () => {
    const early = labelAt(sequence, 1, T0 + 5 * H);
    expect(early.next).toBe(3);
    expect(early.future).toBe(false);
    expect(labelAt(sequence, 2, T0 + 5 * H).next).toBe(-1);
  });

  it('a purchase more than 24 h after is not a purchase within 24 h', () => {
    const later = sequenceOf([ev(T0), ev(T0 + 25 * H, PURCHASE)], 8)!;
    expect(labelAt(later, 0, T0 + 100 * H).purchase).toBe(false);
  });

  it('takes anchors in the time window that have some label', () => {
    const examples = examplesOf([sequence], { from: T0 + 5, to: T0 + 40 * H, horizon: T0 + 40 * H });
    expect(examples.map((example) => example.anchor)).toEqual([1, 2]);
    expect(examples.every((example) => example.sequence === 0)).toBe(true);
  });
});
