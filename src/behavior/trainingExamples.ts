// Training and evaluation examples from users' sequences, labelled in event time: the model reads
// the events up to an anchor and learns what came after it (the next event's category, a purchase
// within 24 hours, activity in each of the 24 hours). A label is used only once the stream has
// passed the time it needs, so a model never learns from a future it could not have seen.

import { PURCHASE, type EventSequence } from './eventSequence.js';

export const DAY_S = 86_400;
export const HOUR_S = 3_600;
export const ACTIVE_SLOTS = 24;

export interface BehaviorExample {
  /** Index of the user's sequence in the array the examples were made from. */
  sequence: number;
  /** Index of the last event the model reads. */
  anchor: number;
  /** Time of the anchor event (Unix seconds). */
  time: number;
  /** Category code of the next event, or -1 when unknown, absent or not yet observed. */
  next: number;
  /** The 24 hours after the anchor are observed: `purchase` and `active` are labels. */
  future: boolean;
  purchase: boolean;
  /** Bit k: the user had an event in hour k after the anchor, (t + k h, t + (k + 1) h]. */
  active: number;
}

export interface ExampleWindow {
  /** Anchors at or after this time (Unix seconds)... */
  from?: number;
  /** ...and before this one. */
  to?: number;
  /** The first time not observed: labels need events strictly before it. */
  horizon: number;
  /** A separate, earlier horizon for the 24-hour labels (default: `horizon`). */
  futureHorizon?: number;
}

/** Every anchor in the window that has at least one label. */
export function examplesOf(sequences: readonly EventSequence[], window: ExampleWindow): BehaviorExample[] {
  const examples: BehaviorExample[] = [];
  const from = window.from ?? 0;
  const to = window.to ?? Infinity;
  for (let s = 0; s < sequences.length; s++) {
    const sequence = sequences[s];
    for (let j = 0; j < sequence.length; j++) {
      const time = sequence.times[j];
      if (time < from || time >= to) continue;
      const example = labelAt(sequence, j, window.horizon, window.futureHorizon);
      if (example.next >= 0 || example.future) {
        example.sequence = s;
        examples.push(example);
      }
    }
  }
  return examples;
}

/** The labels of anchor `j` as far as the events before `horizon` (`futureHorizon` for the 24-hour labels) tell them. */
export function labelAt(sequence: EventSequence, j: number, horizon: number, futureHorizon = horizon): BehaviorExample {
  const { times, types, categories, length } = sequence;
  const time = times[j];
  let next = -1;
  if (j + 1 < length && times[j + 1] < horizon && categories[j + 1] !== 0) next = categories[j + 1];
  const future = time + DAY_S < Math.min(horizon, futureHorizon);
  let purchase = false;
  let active = 0;
  if (future) {
    for (let i = j + 1; i < length && times[i] <= time + DAY_S; i++) {
      if (types[i] === PURCHASE) purchase = true;
      const slot = Math.min(ACTIVE_SLOTS - 1, Math.max(0, Math.ceil((times[i] - time) / HOUR_S) - 1));
      active |= 1 << slot;
    }
  }
  return { sequence: -1, anchor: j, time, next, future, purchase, active };
}

/** Whether the user was active in hour-slot `k` after the anchor. */
export function isActive(example: BehaviorExample, k: number): boolean {
  return (example.active & (1 << k)) !== 0;
}
