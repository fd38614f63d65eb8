// The profile pipeline's parts of `pushflow inspect user`: the profile with its features as of
// the data's watermark, and every window aggregate the user has (open and retained closed ones).

import type { InspectContext, InspectSection } from '../cli/inspectSections.js';
import { WindowStore, type WindowState } from '../../state/windowStore.js';
import { ProfileStore } from '../../state/profileStore.js';
import { PROFILE_WINDOWS } from '../../pipelines/userProfile.js';
import { behaviorCountsCodec, countsByType, type BehaviorCounts } from './behaviorCounts.js';
import { summarizeProfile, type UserWindows } from './profileFeatures.js';
import { DAY_MS } from './userProfile.js';

const PROFILE_WINDOW_NAMES = new Set<string>(Object.values(PROFILE_WINDOWS));

function profileWindow(context: InspectContext, name: string): WindowStore<BehaviorCounts> {
  return WindowStore.open<BehaviorCounts>(context.state, name, behaviorCountsCodec);
}

/** The user's windows in the profile pipeline's stores. */
export function userWindows(context: InspectContext, userId: string): UserWindows {
  return {
    hours: profileWindow(context, PROFILE_WINDOWS.hourly).windowsOf(userId),
    days: profileWindow(context, PROFILE_WINDOWS.daily).windowsOf(userId),
  };
}

export const profileSection: InspectSection = (context, userId) => {
  const profile = ProfileStore.open(context.state, context.config.profile).get(userId);
  if (profile === undefined) return undefined;
  const asOf = Number.isFinite(context.asOf) ? Math.max(context.asOf, profile.lastSeen) : profile.lastSeen;
  const data = summarizeProfile(profile, userWindows(context, userId), asOf, {
    defaultTimeZone: context.config.defaults.timeZone,
    affinityHalfLifeMs: context.config.profile.affinityHalfLifeDays * DAY_MS,
  });
  return { title: 'profile', data };
};

/** Every window store's aggregates for the user, as stored (counts by type name for the profile's). */
export const windowsSection: InspectSection = (context, userId) => {
  const data: Record<string, unknown[]> = {};
  for (const name of WindowStore.names(context.state)) {
    const store = PROFILE_WINDOW_NAMES.has(name) ? profileWindow(context, name) : WindowStore.open<unknown>(context.state, name);
    const windows = (store as WindowStore<unknown>).windowsOf(userId);
    if (windows.length === 0) continue;
    data[name] = windows.map((window) => describeWindow(window, PROFILE_WINDOW_NAMES.has(name)));
  }
  return Object.keys(data).length === 0 ? undefined : { title: 'windows', data };
};

function describeWindow(window: WindowState<unknown>, counts: boolean) {
  return {
    start: new Date(window.start).toISOString(),
    end: new Date(window.end).toISOString(),
    state: window.closed ? 'closed' : 'open',
    value: counts && Array.isArray(window.value) ? countsByType(window.value as BehaviorCounts) : window.value,
  };
}
