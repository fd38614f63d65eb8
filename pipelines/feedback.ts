// Feedback: what users did with the messages flows back into what pushflow knows. Delivered,
// opened, clicked and unsubscribed events update the experiment counts and the bandit's
// posteriors; opens and clicks restore a user's caps and teach their send time (the hours they
// open at), marketing left unopened for `learning.fatigue.ignoreAfterHours` lowers them; a click
// on a message about an item is a positive interaction for the recommender; a purchase within
// `learning.attributionHours` of the user's last touch is attributed to that notification.
// Produces no candidates. The learning state is shared with the policy (src/learn).

import { ignoreElements, merge, tap } from 'rxjs';
import { definePipeline } from '../src/runtime/pipeline.js';
import { ofKind } from '../operators/ofKind.js';
import { ofBehavior } from '../operators/ofBehavior.js';
import { FeedbackLearning } from '../src/learn/feedbackLearning.js';
import { learningMetrics } from '../src/learn/learningMetrics.js';
import { liveRecommenderOf } from './recommendations.js';

export const feedback = definePipeline({
  name: 'feedback',
  enabled: (config) => config.learning.enabled,
  build(events$, { config, state, users, watermark$, metrics }) {
    const learning = FeedbackLearning.of(state, config);
    if (metrics !== undefined) learning.metrics = learningMetrics(metrics.registry);
    const clickType = config.learning.recommenderClickType;

    const feedback$ = events$.pipe(
      ofKind('feedback'),
      tap((event) => {
        const zone = users.get(event.userId)?.timeZone ?? config.defaults.timeZone;
        const { clickedItem } = learning.onFeedback(event, zone);
        if (clickedItem !== undefined) liveRecommenderOf(state)?.learn({ userId: event.userId, itemId: clickedItem, type: clickType, time: event.time });
      }),
    );
    const purchases$ = events$.pipe(
      ofBehavior('purchase'),
      tap((event) => learning.onPurchase(event)),
    );
    const unopened$ = watermark$.pipe(tap((watermark) => learning.onWatermark(watermark)));
    return merge(feedback$, purchases$, unopened$).pipe(ignoreElements());
  },
});
