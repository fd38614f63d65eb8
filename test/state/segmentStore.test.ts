// The segment model's records on a real LMDB: what the store writes reads back as the model's
// state, and a record written before the compact layout (plain arrays) still reads.

import { describe, expect, it } from 'vitest';
import { SegmentModel, type SegmentModelState } from '../../src/segments/segmentModel.js';
import { FEATURE_NAMES } from '../../src/segments/profileVector.js';
import { SegmentStore } from '../../state/segmentStore.js';
import { useTempStateStore } from '../support/tempStateStore.js';

const settings = { k: 3, miniBatchSize: 10, halfLifeUpdates: 100, reservoirSize: 50, seedAfterUsers: 20, deadSegmentShare: 0.1, seed: 1 };

function plainState(): SegmentModelState {
  return {
    ...SegmentModel.create(settings, FEATURE_NAMES).toState(),
    reservoir: { seen: 3, userIds: ['u1', 'u "2"', 'u\n3'] },
    pending: ['u1'],
    hourPatterns: [0, 1, 2].map((j) => Array.from({ length: 168 }, (_, slot) => j + slot / 7)),
    random: 12345,
  };
}

describe('SegmentStore', () => {
  const temp = useTempStateStore('segments');

  it('reads back what it wrote: sample ids of any text and the hour patterns to the last bit', async () => {
    const state = plainState();
    temp.store.database('segments').putSync('model', state);
    const model = SegmentStore.open(temp.store).live(settings, FEATURE_NAMES);
    temp.store.transaction(() => SegmentStore.open(temp.store).save());
    const reopened = SegmentStore.open(await temp.reopen()).stored()!;
    expect(reopened).toEqual(model.toState());
    expect(reopened.reservoir.userIds).toEqual(['u1', 'u "2"', 'u\n3']);
    expect(reopened.hourPatterns).toEqual(state.hourPatterns);
  });

  it('reads a model record written as plain arrays before', () => {
    const state = plainState();
    temp.store.database('segments').putSync('model', state);
    expect(SegmentStore.open(temp.store).stored()).toEqual(state);
  });
});
