// User profiles: every behaviour event updates its user's profile (counts, visits, last seen,
// category affinity, hour-of-week activity, purchases and spend, cart conversion), and event-time
// windows keyed by user keep the counts per hour and per day, closed ones retained for a day
// (hours) or 30 days (days). Produces no candidates; decisions, segments and inspection read the
// profiles and the windows.

import { ignoreElements, merge, share, tap } from 'rxjs';
import type { BehaviorEvent } from '../src/events/types.js';
import { definePipeline } from '../src/runtime/pipeline.js';
import type { PushflowMetrics } from '../src/observability/metrics.js';
import { behaviorCounts, behaviorCountsCodec, type BehaviorCounts } from '../src/profile/behaviorCounts.js';
import { LocalTime } from '../src/profile/localTime.js';
import { applyBehavior, DAY_MS, HOUR_MS, newProfile, type ProfileRules } from '../src/profile/userProfile.js';
import { ProfileStore } from '../state/profileStore.js';
import { WindowStore } from '../state/windowStore.js';
import { ofKind } from '../operators/ofKind.js';
import { tumblingWindow } from '../operators/tumblingWindow.js';
import type { WindowMetrics } from '../operators/eventTimeWindow.js';

/** The window stores of the profile pipeline (what `pushflow inspect` shows as window aggregates). */
export const PROFILE_WINDOWS = { hourly: 'profile-hourly', daily: 'profile-daily' } as const;
/** How long closed windows stay queryable, after their end. */
export const PROFILE_WINDOW_RETENTION = { hourly: DAY_MS, daily: 30 * DAY_MS } as const;

const byUser = (event: BehaviorEvent) => event.userId;

export const userProfile = definePipeline({
  name: 'user_profile',
  enabled: (config) => config.profile.enabled,
  build(events$, { config, state, catalog, users, watermark$, batchEnd$, metrics }) {
    const settings = config.profile;
    const profiles = ProfileStore.open(state, settings);
    const localTime = new LocalTime(config.defaults.timeZone);
    const rules: ProfileRules = {
      localTime,
      visitGapMs: settings.visitGapMinutes * 60_000,
      affinityHalfLifeMs: settings.affinityHalfLifeDays * DAY_MS,
      topCategories: settings.topCategories,
    };
    const windowed = {
      key: byUser,
      aggregate: behaviorCounts,
      watermark$,
      batchEnd$,
      graceMs: settings.windowGraceMinutes * 60_000,
      metrics: metrics && promWindowMetrics(metrics),
    };
    const store = (name: string) => WindowStore.open<BehaviorCounts>(state, name, behaviorCountsCodec);

    const behavior$ = events$.pipe(ofKind('behavior'), share());
    return merge(
      events$.pipe(
        ofKind('user'),
        tap((event) => {
          const profile = event.timeZone === undefined ? undefined : profiles.get(event.userId);
          if (profile === undefined || profile.timeZone === event.timeZone) return;
          profile.timeZone = event.timeZone;
          profiles.changed(profile);
        }),
      ),
      behavior$.pipe(
        tap((event) => {
          const profile = profiles.get(event.userId) ?? newProfile(event.userId, event.time, users.get(event.userId)?.timeZone);
          applyBehavior(profile, event, event.type === 'purchase' ? purchaseAmount(event, catalog) : undefined, rules);
          profiles.changed(profile);
        }),
      ),
      behavior$.pipe(
        tumblingWindow({ ...windowed, store: store(PROFILE_WINDOWS.hourly), sizeMs: HOUR_MS, retentionMs: PROFILE_WINDOW_RETENTION.hourly }),
      ),
      behavior$.pipe(
        tumblingWindow({
          ...windowed,
          store: store(PROFILE_WINDOWS.daily),
          sizeMs: DAY_MS,
          // Days start at midnight in the configured default zone (the data carries no zones); its
          // offset is taken once: a zone with daylight saving shifts its days by an hour half the year.
          offsetMs: -localTime.offsetMs(Date.now()),
          retentionMs: PROFILE_WINDOW_RETENTION.daily,
        }),
      ),
      batchEnd$.pipe(tap(() => profiles.flush())),
    ).pipe(ignoreElements());
  },
});

/** Unit price from the event, else from the catalog, times the quantity; undefined when unknown. */
function purchaseAmount(event: BehaviorEvent, catalog: { get(itemId: string): { price?: number } | undefined }): number | undefined {
  const price = event.price ?? (event.itemId === undefined ? undefined : catalog.get(event.itemId)?.price);
  return price === undefined ? undefined : price * (event.quantity ?? 1);
}

function promWindowMetrics(metrics: PushflowMetrics): WindowMetrics {
  return {
    lateEvent: (window) => metrics.windowLateEvents.inc({ window }),
    stateSize: (window, entries) => metrics.windowStateEntries.set({ window }, entries),
  };
}
