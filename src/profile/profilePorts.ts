// What other parts of pushflow ask of profiles and segments, answered from their stores: the
// policy's best-send-time inputs (src/decide/sendTimeSignals.ts) and the triggers' ports
// (pipelines/ports.ts). Wire them where the process is built, e.g.
// `signals: profileSendTimeSignals(store, config)` and `ports: profileTriggerPorts(store, config)`.

import type { PushflowConfig } from '../config/schema.js';
import type { SendTimeSignals } from '../decide/sendTimeSignals.js';
import type { TriggerPorts } from '../../pipelines/ports.js';
import { ProfileStore } from '../../state/profileStore.js';
import { SegmentStore } from '../../state/segmentStore.js';
import type { StateStore } from '../../state/stateStore.js';
import { FEATURE_NAMES } from '../segments/profileVector.js';
import { BEHAVIOR_INDEX, totalCount } from './behaviorCounts.js';
import { strongestCategory } from './categoryAffinity.js';
import { cartToPurchase, rfm } from './profileFeatures.js';
import { activeDaysWithin30, DAY_MS, hourOfWeekCounts } from './userProfile.js';

export function profileSendTimeSignals(state: StateStore, config: PushflowConfig): SendTimeSignals {
  const profiles = ProfileStore.open(state, config.profile);
  const segments = () => SegmentStore.open(state).live(config.segments, FEATURE_NAMES);
  return {
    activityByHourOfWeek(userId) {
      const profile = profiles.get(userId);
      return profile === undefined || profile.hourOfWeek.length === 0 ? undefined : hourOfWeekCounts(profile);
    },
    segmentActivityByHourOfWeek(userId) {
      const segment = profiles.get(userId)?.segment;
      return segment === undefined ? undefined : segments().hourPattern(segment);
    },
  };
}

/** The segment (its number, as text) and the attributes campaign filters match on. */
export function profileTriggerPorts(state: StateStore, config: PushflowConfig): Pick<TriggerPorts, 'userSegment' | 'userProfile'> {
  const profiles = ProfileStore.open(state, config.profile);
  const halfLifeMs = config.profile.affinityHalfLifeDays * DAY_MS;
  return {
    userSegment: (userId) => {
      const segment = profiles.get(userId)?.segment;
      return segment === undefined ? undefined : String(segment);
    },
    userProfile(userId) {
      const profile = profiles.get(userId);
      if (profile === undefined) return undefined;
      const { recencyDays, frequency, monetary } = rfm(profile, profile.lastSeen);
      return {
        events: totalCount(profile.counts),
        views: profile.counts[BEHAVIOR_INDEX.view],
        carts: profile.counts[BEHAVIOR_INDEX.add_to_cart],
        purchases: profile.counts[BEHAVIOR_INDEX.purchase],
        purchases30d: frequency,
        spend30d: monetary,
        daysSincePurchase: recencyDays,
        visits: profile.visits,
        activeDays30: activeDaysWithin30(profile),
        cartConversion: cartToPurchase(profile).rate,
        topCategory: strongestCategory(profile.affinity, profile.lastSeen, halfLifeMs),
        segment: profile.segment === undefined ? undefined : String(profile.segment),
        timeZone: profile.timeZone ?? config.defaults.timeZone,
        lastSeen: profile.lastSeen,
      };
    },
  };
}
