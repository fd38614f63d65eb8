// Personalized recommendation digest: each UTC midnight (event time), every user active within
// the last activeWithinDays days (a week, for weekly digests) is planned one digest today, at
// their best local hour (ports.bestSendHour, else defaultSendHour; weekly: on `weekday` only).
// At that hour it carries the recommender's items (else what is popular now) and the category
// the behaviour model predicts; one per user and local day (or ISO week).

import { ignoreElements, merge, tap } from 'rxjs';
import { definePipeline, type NotificationCandidate } from '../src/runtime/pipeline.js';
import { localDay, localWeek, localWeekday, nextLocalHour, sendHour } from '../src/schedule/localSendTime.js';
import { ActivityLog, DAY_MS, dayOf } from '../state/activityLog.js';
import { ItemInterest } from '../state/itemInterest.js';
import { dueTimers } from '../operators/dueTimers.js';
import { fanOut } from '../operators/fanOut.js';
import { everyPeriod } from '../operators/everyPeriod.js';
import { popularItemsFallback, triggerPorts } from './ports.js';
import { activityRetentionDays, interestTtlMs } from './shopperActivity.js';

interface PlannedDigest {
  userId: string;
  timeZone: string;
}

export const recommendationDigest = definePipeline({
  name: 'recommendation_digest',
  enabled: (config) => config.triggers.recommendationDigest.enabled,
  build(_events$, context) {
    const { config, state, users, catalog, timers, watermark$ } = context;
    const { frequency, weekday, defaultSendHour, activeWithinDays, items, channel } = config.triggers.recommendationDigest;
    const activity = ActivityLog.of(state, activityRetentionDays(config));
    const lookbackDays = frequency === 'weekly' ? Math.max(7, activeWithinDays) : activeWithinDays;
    let sendingAt = -Infinity;
    // Fallback picks: what most users liked over the period the digest covers (and the day it goes out).
    const popular = popularItemsFallback(ItemInterest.of(state, interestTtlMs(config)), catalog, () => sendingAt, (lookbackDays + 1) * DAY_MS);
    const ports = triggerPorts(context, { recommendItems: popular });
    const planned = timers<PlannedDigest>('recommendation-digest');

    // Sends first: a digest due before midnight goes out before the next day is planned.
    const sent$ = watermark$.pipe(
      dueTimers(planned),
      fanOut(({ payload: { userId, timeZone }, due }): NotificationCandidate[] => {
        sendingAt = due;
        const picks = ports.recommendItems(userId, items);
        if (picks.length === 0) return [];
        const period = frequency === 'daily' ? localDay(due, timeZone) : localWeek(due, timeZone);
        return [
          {
            type: 'recommendation_digest',
            priority: 'marketing',
            userId,
            dedupeKey: `recommendation_digest:${userId}:${period}`,
            time: due,
            channel,
            payload: {
              frequency,
              period,
              count: picks.length,
              items: picks.map(({ itemId, reason }) => ({ itemId, title: catalog.get(itemId)?.title, reason })),
              categoryId: ports.nextInterest(userId),
            },
          },
        ];
      }),
    );

    const planning$ = watermark$.pipe(
      everyPeriod(timers<null>('recommendation-digest:days'), { periodMs: DAY_MS }),
      tap((midnight) => {
        const today = dayOf(midnight);
        for (const userId of activity.usersActiveBetween(today - lookbackDays, today - 1)) {
          const timeZone = users.get(userId)?.timeZone ?? config.defaults.timeZone;
          const at = nextLocalHour(midnight - 1, timeZone, sendHour(ports.bestSendHour(userId), defaultSendHour));
          if (frequency === 'weekly' && localWeekday(at, timeZone) !== weekday) continue;
          planned.set(userId, at, { userId, timeZone });
        }
      }),
      ignoreElements(),
    );

    return merge(sent$, planning$);
  },
});
