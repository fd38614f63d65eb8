// The profile features segments are made of, each with how it is computed, how a centroid's
// coordinate reads back in the feature's own unit, and how a segment that stands out on it is
// described to people. Counts enter as log(1 + x), so that a few very active users do not pull
// the centroids; shares enter as they are. A vector describes the user as of their last event
// (the time-dependent features — 30-day purchases, days since a purchase — are taken then), so a
// segment changes when the user acts, not when the clock ticks.

import { BEHAVIOR_INDEX, totalCount } from '../profile/behaviorCounts.js';
import { scoreAt } from '../profile/categoryAffinity.js';
import { purchasesWithin30Days } from '../profile/profileFeatures.js';
import { activeDaysWithin30, DAY_MS, type UserProfile } from '../profile/userProfile.js';

export interface SegmentFeature {
  name: string;
  /** The unit of `original`, for people. */
  unit: string;
  /** How the coordinate reads back in the unit. */
  original(coordinate: number): number;
  /** Words for a segment well above the average on this feature, and (when it says something) well below. */
  high: string;
  low?: string;
}

const log1p = Math.log1p;
const expm1 = (x: number) => Math.expm1(x);
const asIs = (x: number) => x;
/** Recency is capped: a month without a purchase is as good as never. */
const RECENCY_CAP_DAYS = 30;

export const SEGMENT_FEATURES: readonly SegmentFeature[] = [
  { name: 'eventsPerActiveDay', unit: 'events/day', original: expm1, high: 'very active', low: 'light browsers' },
  { name: 'activeDays30', unit: 'days of the last 30', original: asIs, high: 'come back often', low: 'occasional visitors' },
  { name: 'cartShare', unit: 'share of events', original: asIs, high: 'cart-heavy' },
  { name: 'favoriteShare', unit: 'share of events', original: asIs, high: 'favourite collectors' },
  { name: 'purchaseShare', unit: 'share of events', original: asIs, high: 'buy after few views' },
  { name: 'cartConversion', unit: 'carts bought', original: asIs, high: 'complete their carts' },
  { name: 'purchases30d', unit: 'purchases', original: expm1, high: 'frequent buyers', low: 'rarely buy' },
  { name: 'spend30d', unit: 'currency', original: expm1, high: 'big spenders' },
  { name: 'daysSincePurchase', unit: 'days (30 = none)', original: expm1, high: 'no recent purchase', low: 'bought recently' },
  { name: 'nightShare', unit: 'share 00-06', original: asIs, high: 'nights' },
  { name: 'morningShare', unit: 'share 06-12', original: asIs, high: 'mornings' },
  { name: 'afternoonShare', unit: 'share 12-18', original: asIs, high: 'afternoons' },
  { name: 'eveningShare', unit: 'share 18-24', original: asIs, high: 'evenings' },
  { name: 'weekendShare', unit: 'share Sat-Sun', original: asIs, high: 'weekends', low: 'weekdays' },
  { name: 'categoryFocus', unit: 'top category share', original: asIs, high: 'loyal to a category', low: 'browse many categories' },
];

export const FEATURE_NAMES = SEGMENT_FEATURES.map((feature) => feature.name);

/** The profile as a point in segment space (see SEGMENT_FEATURES for the order). */
export function profileVector(profile: UserProfile, affinityHalfLifeMs: number): number[] {
  const counts = profile.counts;
  const events = Math.max(1, totalCount(counts));
  const activeDays = Math.max(1, profile.activeDays);
  const carts = counts[BEHAVIOR_INDEX.add_to_cart];
  const asOf = profile.lastSeen;
  const lastPurchase = profile.lastPurchaseAt;
  const sinceLastPurchase = lastPurchase === undefined ? RECENCY_CAP_DAYS : Math.min(RECENCY_CAP_DAYS, Math.max(0, asOf - lastPurchase) / DAY_MS);
  const purchases = purchasesWithin30Days(profile, asOf);

  const parts = profile.dayParts;
  const all = parts[0] + parts[1] + parts[2] + parts[3];
  const share = (n: number) => (all === 0 ? 0 : n / all);

  let top = 0;
  let total = 0;
  for (const entry of profile.affinity) {
    const score = scoreAt(entry, asOf, affinityHalfLifeMs);
    total += score;
    if (score > top) top = score;
  }

  // A plain array: small typed arrays cost a separate allocation each, and this runs per event.
  return [
    log1p(events / activeDays),
    activeDaysWithin30(profile),
    carts / events,
    counts[BEHAVIOR_INDEX.favorite] / events,
    counts[BEHAVIOR_INDEX.purchase] / events,
    carts === 0 ? 0 : Math.min(1, profile.cartsConverted / carts),
    log1p(purchases.count),
    log1p(purchases.spend),
    log1p(sinceLastPurchase),
    share(parts[0]),
    share(parts[1]),
    share(parts[2]),
    share(parts[3]),
    share(parts[4]),
    total === 0 ? 0 : top / total,
  ];
}
