// Behaviour sequences: every user action (view, cart, favourite, purchase, search; not the shop's
// order-status updates) is appended to its user's ring buffer of recent events in LMDB, which the
// behaviour model trains on and scores from (src/behavior). One read and one small write per
// event; a category the event lacks is taken from the catalog. Produces no candidates itself.

import { ignoreElements, tap } from 'rxjs';
import { definePipeline } from '../src/runtime/pipeline.js';
import { ofBehavior } from '../operators/ofBehavior.js';
import { SEQUENCE_TYPES } from '../src/behavior/eventSequence.js';
import { BehaviorSequenceStore } from '../state/behaviorSequenceStore.js';

export const behaviorSequences = definePipeline({
  name: 'behavior_sequences',
  enabled: (config) => config.behavior.enabled,
  build(events$, { config, state, catalog }) {
    const sequences = new BehaviorSequenceStore(state, config.behavior.bufferLength);
    return events$.pipe(
      ofBehavior(...SEQUENCE_TYPES),
      tap((event) => {
        const categoryId = event.categoryId ?? (event.itemId === undefined ? undefined : catalog.get(event.itemId)?.categoryId);
        sequences.append(event, categoryId);
      }),
      ignoreElements(),
    );
  },
});
