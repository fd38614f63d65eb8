// The features read off a profile as of a moment: what depends on "now" (the 30-day sums,
// recency, decayed category scores) is computed at read time from what the record keeps, so a
// profile never has to be rewritten just because time passed.

import { countsByType, totalCount } from './behaviorCounts.js';
import { topCategories } from './categoryAffinity.js';
import type { WindowState } from '../../state/windowStore.js';
import { BEHAVIOR_INDEX as INDEX, type BehaviorCounts } from './behaviorCounts.js';
import { DAY_MS, hourOfWeekCounts, PURCHASE_WINDOW_MS, type UserProfile } from './userProfile.js';

export interface PurchaseTotals {
  /** Purchases with time in (asOf - 30 d, asOf]. */
  count: number;
  /** Sum of the known amounts of those purchases. */
  spend: number;
  /** Those of them whose price was unknown (counted, not summed). */
  unpriced: number;
}

export function purchasesWithin30Days(profile: UserProfile, asOf: number): PurchaseTotals {
  const totals: PurchaseTotals = { count: 0, spend: 0, unpriced: 0 };
  for (const [time, amount] of profile.purchases) {
    if (time <= asOf - PURCHASE_WINDOW_MS || time > asOf) continue;
    totals.count++;
    if (amount === null) totals.unpriced++;
    else totals.spend += amount;
  }
  return totals;
}

export interface Rfm {
  /** Days from the last purchase to `asOf`; null when the user never bought. */
  recencyDays: number | null;
  /** Purchases in the 30 days up to `asOf`. */
  frequency: number;
  /** Spend in the 30 days up to `asOf` (known prices only). */
  monetary: number;
}

export function rfm(profile: UserProfile, asOf: number): Rfm {
  const { count, spend } = purchasesWithin30Days(profile, asOf);
  const recencyDays = profile.lastPurchaseAt === undefined ? null : Math.max(0, asOf - profile.lastPurchaseAt) / DAY_MS;
  return { recencyDays, frequency: count, monetary: spend };
}

export interface CartConversion {
  carts: number;
  converted: number;
  /** converted / carts; null without carts. */
  rate: number | null;
}

export function cartToPurchase(profile: UserProfile): CartConversion {
  const carts = profile.counts[INDEX.add_to_cart];
  return { carts, converted: profile.cartsConverted, rate: carts === 0 ? null : profile.cartsConverted / carts };
}

/** A user's windows from the profile pipeline's stores (open and retained closed ones), oldest first. */
export interface UserWindows {
  hours: readonly WindowState<BehaviorCounts>[];
  days: readonly WindowState<BehaviorCounts>[];
}

type NamedCounts = ReturnType<typeof countsByType>;

export interface ProfileSummary {
  userId: string;
  asOf: string;
  timeZone: string;
  firstSeen: string;
  lastSeen: string;
  events: number;
  countsByType: NamedCounts;
  activeDays: number;
  /** Counts per behaviour type in each hour of the last day with activity (`open`: still counting). */
  countsByHour: { hour: string; counts: NamedCounts; open?: true }[];
  /** Counts per behaviour type per day (from midnight in the default zone) of the last 30 with activity. */
  countsByDay: { day: string; counts: NamedCounts; open?: true }[];
  /** Visits started per local day of the user's last 30. */
  visitsByDay: { day: string; visits: number }[];
  /** Visits over the profile's life, in its last 30 days, and per active day among those. */
  visits: { total: number; last30Days: number; perActiveDay: number | null };
  purchases30d: PurchaseTotals;
  rfm: Rfm;
  topCategories: { categoryId: string; score: number }[];
  /** The busiest hours of the week in the user's zone, e.g. "Tue 20:00". */
  busiestHours: { hour: string; events: number }[];
  hourOfWeek: number[];
  cartToPurchase: CartConversion;
  segment?: number;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const iso = (time: number) => new Date(time).toISOString();
const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;
const openFlag = (window: WindowState<unknown>) => (window.closed ? {} : { open: true as const });

/** Everything the profile and its windows say, as of `asOf`, in units people read (for `pushflow inspect`). */
export function summarizeProfile(
  profile: UserProfile,
  windows: UserWindows,
  asOf: number,
  options: { defaultTimeZone: string; affinityHalfLifeMs: number },
): ProfileSummary {
  const week = [...hourOfWeekCounts(profile)];
  const busiest = week
    .map((events, slot) => ({ hour: `${WEEKDAYS[Math.floor(slot / 24)]} ${String(slot % 24).padStart(2, '0')}:00`, events }))
    .filter((slot) => slot.events > 0)
    .sort((a, b) => b.events - a.events)
    .slice(0, 5);
  const { recencyDays, ...rest } = rfm(profile, asOf);
  const visitsByDay: { day: string; visits: number }[] = [];
  for (let i = 0; i < profile.visitDays.length; i += 2) {
    visitsByDay.push({ day: new Date(profile.visitDays[i] * DAY_MS).toISOString().slice(0, 10), visits: profile.visitDays[i + 1] });
  }
  const recentVisits = visitsByDay.reduce((sum, day) => sum + day.visits, 0);
  const summary: ProfileSummary = {
    userId: profile.userId,
    asOf: iso(asOf),
    timeZone: profile.timeZone ?? options.defaultTimeZone,
    firstSeen: iso(profile.firstSeen),
    lastSeen: iso(profile.lastSeen),
    events: totalCount(profile.counts),
    countsByType: countsByType(profile.counts),
    activeDays: profile.activeDays,
    countsByHour: windows.hours.map((hour) => ({ hour: iso(hour.start), counts: countsByType(hour.value), ...openFlag(hour) })),
    countsByDay: windows.days.map((day) => ({ day: iso(day.start), counts: countsByType(day.value), ...openFlag(day) })),
    visitsByDay,
    visits: { total: profile.visits, last30Days: recentVisits, perActiveDay: visitsByDay.length === 0 ? null : round(recentVisits / visitsByDay.length) },
    purchases30d: purchasesWithin30Days(profile, asOf),
    rfm: { recencyDays: recencyDays === null ? null : round(recencyDays), ...rest },
    topCategories: topCategories(profile.affinity, asOf, options.affinityHalfLifeMs).map((c) => ({ categoryId: c.categoryId, score: round(c.score) })),
    busiestHours: busiest,
    hourOfWeek: week,
    cartToPurchase: cartToPurchase(profile),
  };
  if (profile.segment !== undefined) summary.segment = profile.segment;
  return summary;
}
