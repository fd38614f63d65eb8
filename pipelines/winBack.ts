// Win-back: each UTC midnight (event time), users whose last activity was inactiveDays+1 days
// ago (so at least inactiveDays full days of silence) are planned a message at their best local
// hour (ports.bestSendHour, else defaultSendHour), with recommendations. A user who comes back
// before that hour is not sent one. One per user and lapse.

import { ignoreElements, merge, tap } from 'rxjs';
import { definePipeline, type NotificationCandidate } from '../src/runtime/pipeline.js';
import { nextLocalHour, sendHour } from '../src/schedule/localSendTime.js';
import { ActivityLog, DAY_MS, dayOf } from '../state/activityLog.js';
import { ItemInterest } from '../state/itemInterest.js';
import { dueTimers } from '../operators/dueTimers.js';
import { fanOut } from '../operators/fanOut.js';
import { everyPeriod } from '../operators/everyPeriod.js';
import { popularItemsFallback, triggerPorts } from './ports.js';
import { activityRetentionDays, interestTtlMs } from './shopperActivity.js';

interface LapsedUser {
  userId: string;
  lastActiveDay: number;
}

/** Missed midnights (downtime, gaps in the data) are caught up for this many days, late but once. */
const CATCH_UP_DAYS = 7;

export const winBack = definePipeline({
  name: 'win_back',
  enabled: (config) => config.triggers.winBack.enabled,
  build(_events$, context) {
    const { config, state, users, catalog, timers, watermark$, metrics } = context;
    const { inactiveDays, defaultSendHour, items, channel } = config.triggers.winBack;
    const activity = ActivityLog.of(state, activityRetentionDays(config));
    let sendingAt = -Infinity;
    // Recommendations of what is popular over the interest window: a lapsed user missed it all.
    const popular = popularItemsFallback(ItemInterest.of(state, interestTtlMs(config)), catalog, () => sendingAt, interestTtlMs(config));
    const ports = triggerPorts(context, { recommendItems: popular });
    const planned = timers<LapsedUser>('win-back');
    const cameBack = ({ userId, lastActiveDay }: LapsedUser, now: number) => {
      for (let day = lastActiveDay + 1; day <= dayOf(now); day++) if (activity.wasActiveOn(userId, day)) return true;
      return false;
    };

    let watermark = -Infinity;
    const sent$ = watermark$.pipe(
      tap((time) => (watermark = time)),
      dueTimers(planned),
      fanOut(({ payload: lapsed, due }): NotificationCandidate[] => {
        // Up to now, not only to the due time: a message planned before downtime may fire late.
        if (cameBack(lapsed, Math.max(due, watermark))) {
          metrics?.triggersCancelled.inc({ type: 'win_back', reason: 'returned' });
          return [];
        }
        sendingAt = due;
        const picks = ports.recommendItems(lapsed.userId, items);
        return [
          {
            type: 'win_back',
            priority: 'marketing',
            userId: lapsed.userId,
            dedupeKey: `win_back:${lapsed.userId}:${lapsed.lastActiveDay}`,
            time: due,
            channel,
            payload: {
              inactiveDays: dayOf(due) - lapsed.lastActiveDay - 1,
              lastActiveAt: lapsed.lastActiveDay * DAY_MS,
              count: picks.length,
              items: picks.map(({ itemId, reason }) => ({ itemId, title: catalog.get(itemId)?.title, reason })),
            },
          },
        ];
      }),
    );

    const planning$ = watermark$.pipe(
      everyPeriod(timers<null>('win-back:days'), { periodMs: DAY_MS, maxCatchUp: CATCH_UP_DAYS }),
      tap((midnight) => {
        const lastActiveDay = dayOf(midnight) - inactiveDays - 1;
        const since = activity.usersActiveBetween(lastActiveDay + 1, dayOf(midnight) - 1);
        for (const userId of activity.usersActiveOn(lastActiveDay)) {
          if (since.has(userId)) continue;
          const lapsed: LapsedUser = { userId, lastActiveDay };
          const timeZone = users.get(userId)?.timeZone ?? config.defaults.timeZone;
          planned.set(userId, nextLocalHour(midnight - 1, timeZone, sendHour(ports.bestSendHour(userId), defaultSendHour)), lapsed);
        }
      }),
      ignoreElements(),
    );

    return merge(sent$, planning$);
  },
});
