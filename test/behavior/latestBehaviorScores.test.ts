// Decisions read behaviour scores without computing them: the latest cached ones, with a request
// to score the user that `refresh` (after the batch) answers in one batched call.

import { afterEach, describe, expect, it } from 'vitest';
import { BehaviorScorer } from '../../src/behavior/behaviorScorer.js';
import { LatestBehaviorScores } from '../../src/behavior/latestBehaviorScores.js';
import { SequenceFixture, shopperEvents } from './behaviorFixture.js';

/** Sequences keep event times in whole seconds. */
const seconds = (time: number) => Math.floor(time / 1000) * 1000;

describe('latest behaviour scores', () => {
  let fixture: SequenceFixture;
  afterEach(async () => fixture?.close());

  const open = () => {
    fixture = new SequenceFixture();
    const scorer = new BehaviorScorer(fixture.sequences(), { batchSize: 8, cacheSize: 100, historyWindow: 24 });
    return { scorer, latest: new LatestBehaviorScores(scorer) };
  };

  it('answers nothing for a user never scored, and the scores once a refresh has run', () => {
    const { scorer, latest } = open();
    const events = shopperEvents(3, 2);
    fixture.append(events);
    expect(latest.read('u1')).toBeUndefined();
    expect(latest.read('u2')).toBeUndefined();
    expect(scorer.stats.misses).toBe(0);
    expect(latest.waiting).toBe(2);
    expect(latest.refresh()).toBe(2);
    expect(scorer.stats).toMatchObject({ misses: 2, batches: 1 });
    const lastOfU1 = events.filter((e) => e.userId === 'u1').at(-1)!;
    expect(latest.read('u1')).toMatchObject({ userId: 'u1', source: 'history', asOf: seconds(lastOfU1.time) });
  });

  it('keeps answering the older scores after a new event, until the next refresh brings them up to date', () => {
    const { latest } = open();
    const events = shopperEvents(1, 2);
    fixture.append(events.slice(0, -1));
    latest.read('u0');
    latest.refresh();
    const before = latest.read('u0')!;
    fixture.append(events.slice(-1));
    expect(latest.read('u0')).toBe(before);
    latest.refresh();
    expect(latest.read('u0')!.asOf).toBe(seconds(events.at(-1)!.time));
    expect(before.asOf).toBe(seconds(events.at(-2)!.time));
  });

  it('scores at most `limit` users per refresh, oldest request first, and forgets users without events', () => {
    const { latest } = open();
    fixture.append(shopperEvents(3, 1));
    for (const userId of ['u2', 'nobody', 'u0', 'u1']) latest.read(userId);
    expect(latest.refresh(2)).toBe(2);
    expect(latest.read('u2')).toBeDefined();
    expect(latest.read('nobody')).toBeUndefined();
    expect(latest.read('u0')).toBeUndefined();
  });
});
