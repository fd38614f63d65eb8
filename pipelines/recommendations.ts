// Recommendations: every behaviour event that carries feedback (views, favourites, carts,
// purchases, with their configured confidence) updates the recommenders online: that user's
// and that item's eALS factors, popularity, co-visitation and category affinity; the changed
// factor rows are written to LMDB once at the end of the batch, inside its transaction. A background sweep refreshes all factors periodically
// without holding up the stream. Produces no candidates itself; triggers and
// `pushflow inspect` read the recommendations.

import { finalize, ignoreElements, merge, tap } from 'rxjs';
import { definePipeline } from '../src/runtime/pipeline.js';
import { ofBehavior } from '../operators/ofBehavior.js';
import { LiveRecommender } from '../src/recommend/liveRecommender.js';
import { BackgroundSweep } from '../src/recommend/backgroundSweep.js';
import { feedbackTypes } from '../src/recommend/feedbackWeights.js';
import type { StateStore } from '../state/stateStore.js';

/** One recommender per LMDB environment, so that a rebuilt graph continues the same model. */
const opened = new WeakMap<StateStore, LiveRecommender>();

export const recommendations = definePipeline({
  name: 'recommendations',
  enabled: (config) => config.recommend.enabled,
  build(events$, { config, state, metrics, batchEnd$ }) {
    const settings = config.recommend;
    let live = opened.get(state);
    if (live === undefined) opened.set(state, (live = LiveRecommender.open(state, settings)));
    const recommender = live;
    const { eals } = recommender.recommender;
    const sweep =
      settings.sweepIntervalSeconds > 0
        ? new BackgroundSweep(eals, {
            chunkRows: settings.sweepChunkRows,
            onSwept: (seconds) => metrics?.recsSweepSeconds.observe(seconds),
          }).start(settings.sweepIntervalSeconds * 1000)
        : undefined;

    const learned$ = events$.pipe(
      ofBehavior(...feedbackTypes(settings.confidence)),
      tap((event) => {
        const started = performance.now();
        if (!recommender.learnEvent(event)) return;
        if (metrics === undefined) return;
        metrics.recsUpdateSeconds.observe((performance.now() - started) / 1000);
        metrics.recsModelRows.set({ side: 'user' }, eals.userCount);
        metrics.recsModelRows.set({ side: 'item' }, eals.itemCount);
      }),
      ignoreElements(),
    );
    // Factor rows changed by the batch's updates (and by sweep chunks since) are written once, at its end.
    const written$ = batchEnd$.pipe(
      tap(() => recommender.writeChangedRows()),
      ignoreElements(),
    );
    return merge(learned$, written$).pipe(finalize(() => void sweep?.stop()));
  },
});

/** The live recommender of a data directory's process, if the pipeline opened one. */
export function liveRecommenderOf(state: StateStore): LiveRecommender | undefined {
  return opened.get(state);
}
