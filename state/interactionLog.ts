// The recommenders' input, kept as an append-only log of interactions in the batch
// transaction: on start the log is replayed into the popularity, co-visitation, category and
// interaction-matrix state (which is then exactly what the committed events produced), while
// the eALS factors themselves come from the factor store, since they depend on the order of
// updates and sweeps that produced them. Keys are a monotonic sequence; values compact tuples.

import type { Database } from 'lmdb';
import type { BehaviorType } from '../src/events/types.js';
import type { Interaction } from '../src/recommend/recommender.js';
import type { StateStore } from './stateStore.js';

/** [userId, itemId, categoryId or null, behaviour type, event time, segmentId or null] */
type LoggedInteraction = [string, string, string | null, BehaviorType, number, string | null];

export class InteractionLog {
  private readonly db: Database<LoggedInteraction, number>;
  private nextSeq: number;

  constructor(store: StateStore) {
    this.db = store.database<number, LoggedInteraction>('recs:interactions');
    let last = -1;
    for (const key of this.db.getKeys({ reverse: true, limit: 1 })) last = key;
    this.nextSeq = last + 1;
  }

  /** Call inside the batch transaction. */
  append(interaction: Interaction): void {
    const { userId, itemId, categoryId, type, time, segmentId } = interaction;
    this.db.putSync(this.nextSeq++, [userId, itemId, categoryId ?? null, type, time, segmentId ?? null]);
  }

  /** Every logged interaction, in the order it was learned. */
  *replay(): Generator<Interaction> {
    for (const { value } of this.db.getRange()) {
      const [userId, itemId, categoryId, type, time, segmentId] = value;
      const interaction: Interaction = { userId, itemId, type, time };
      if (categoryId !== null) interaction.categoryId = categoryId;
      if (segmentId !== null) interaction.segmentId = segmentId;
      yield interaction;
    }
  }

  count(): number {
    return this.db.getCount();
  }
}
