// A user's profile: what the profile pipeline keeps per user, one LMDB record each, and the rules
// that update it from one event. Everything here is plain arithmetic on the record (no I/O), so
// the formulas documented in docs/PROFILES.md can be tested on hand-made events. The counts per
// hour and per day live in the profile pipeline's windows, not here.

import type { BehaviorEvent } from '../events/types.js';
import { BEHAVIOR_INDEX, behaviorCounts, type BehaviorCounts } from './behaviorCounts.js';
import { addAffinity, AFFINITY_WEIGHTS, type AffinityEntry } from './categoryAffinity.js';
import { HOURS_PER_WEEK, slotOfLocalTime, type LocalTime } from './localTime.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Purchases are summed over the last 30 days. */
export const PURCHASE_WINDOW_MS = 30 * DAY_MS;
/** Bound on the purchases remembered (a reseller could buy thousands a month). */
const MAX_PURCHASES_KEPT = 200;
/** Bound on the carted items followed for cart-to-purchase conversion. */
const MAX_CARTED_KEPT = 32;
/** Entries of `dayParts`: four quarters of the day, then the weekend. */
export const DAY_PARTS = 5;
const WEEKEND = 4;
/** Saturday 00:00 in the Monday-first hour-of-week slots. */
const WEEKEND_FROM_SLOT = 5 * 24;
/** `recentDays` keeps 31 days (bits 0-30). */
const RECENT_DAYS_MASK = 0x7fffffff;

export interface UserProfile {
  userId: string;
  firstSeen: number;
  lastSeen: number;
  /** From the user's settings when known; the configured default zone applies otherwise. */
  timeZone: string | undefined;
  /** Lifetime counts per behaviour type (indexed like BEHAVIOR_TYPES). */
  counts: BehaviorCounts;
  /** Days with activity in the user's zone, counted when an event opens a later day. */
  activeDays: number;
  /** Local day numbers (days since 1970-01-01 in the user's zone) of the first and latest active days. */
  firstActiveDay: number;
  lastActiveDay: number;
  /** Bit i set: active i days before `lastActiveDay` (the last 31 days). */
  recentDays: number;
  /** Visits over the profile's life: an event more than the visit gap after the latest one starts a visit. */
  visits: number;
  /** Visits started per local day of the last 30: [day number, visits, day number, visits, ...], oldest first. */
  visitDays: number[];
  /** Purchases of the last 30 days as [time, amount]; amount null when no price was known. */
  purchases: [time: number, amount: number | null][];
  lastPurchaseAt: number | undefined;
  /** Top categories by exponentially time-decayed score. */
  affinity: AffinityEntry[];
  /**
   * Events per hour of the week in the user's zone, sparse: [slot, count, slot, count, ...] for
   * the slots with activity (slot 0 = Monday 00:00, 167 = Sunday 23:00). Most users are active in
   * a few hours of the week; `hourOfWeekCounts` gives the dense 168 counts.
   */
  hourOfWeek: number[];
  /** Events in the user's zone at night (00-06), morning (06-12), afternoon (12-18), evening (18-24), and on weekends. */
  dayParts: number[];
  /** Items added to the cart and neither bought nor removed since (most recent last). */
  carted: string[];
  /** Purchases of an item that was in `carted`. */
  cartsConverted: number;
  /** The user's current segment, set by the segments pipeline. */
  segment: number | undefined;
}

export interface ProfileRules {
  localTime: LocalTime;
  visitGapMs: number;
  affinityHalfLifeMs: number;
  topCategories: number;
}

/**
 * A profile before any event. Every field is present from the start, in this order (decoding
 * builds them the same way): profiles of one shape keep the code that reads them fast.
 */
export function newProfile(userId: string, time: number, timeZone?: string): UserProfile {
  return {
    userId,
    timeZone,
    firstSeen: time,
    lastSeen: time,
    counts: behaviorCounts.init(),
    activeDays: 0,
    firstActiveDay: Infinity,
    lastActiveDay: -Infinity,
    recentDays: 0,
    visits: 0,
    visitDays: [],
    purchases: [],
    affinity: [],
    hourOfWeek: [],
    dayParts: new Array<number>(DAY_PARTS).fill(0),
    lastPurchaseAt: undefined,
    carted: [],
    cartsConverted: 0,
    segment: undefined,
  };
}

/**
 * Applies one behaviour event. `amount` is what a purchase cost (unit price × quantity, from
 * the event or the catalog), undefined when unknown.
 */
export function applyBehavior(profile: UserProfile, event: BehaviorEvent, amount: number | undefined, rules: ProfileRules): void {
  const time = event.time;
  // The first event, and any event a visit gap after the latest one, starts a visit.
  const startsVisit = profile.visits === 0 || time - profile.lastSeen > rules.visitGapMs;
  profile.counts[BEHAVIOR_INDEX[event.type]]++;
  if (time > profile.lastSeen) profile.lastSeen = time;
  if (time < profile.firstSeen) profile.firstSeen = time;

  const offset = rules.localTime.offsetMs(time, profile.timeZone);
  const localDay = Math.floor((time + offset) / DAY_MS);
  if (localDay > profile.lastActiveDay) {
    profile.activeDays++;
    const shift = localDay - profile.lastActiveDay;
    profile.recentDays = shift >= 31 ? 1 : ((profile.recentDays << shift) | 1) & RECENT_DAYS_MASK;
    profile.lastActiveDay = localDay;
  } else if (profile.lastActiveDay - localDay < 31) {
    profile.recentDays |= 1 << (profile.lastActiveDay - localDay);
  }
  if (localDay < profile.firstActiveDay) profile.firstActiveDay = localDay;
  if (startsVisit) countVisit(profile, localDay);
  const slot = slotOfLocalTime(time + offset);
  countSlot(profile.hourOfWeek, slot);
  profile.dayParts[Math.floor((slot % 24) / 6)]++;
  if (slot >= WEEKEND_FROM_SLOT) profile.dayParts[WEEKEND]++;

  const weight = AFFINITY_WEIGHTS[event.type];
  if (weight !== undefined && event.categoryId !== undefined) {
    addAffinity(profile.affinity, event.categoryId, weight, time, rules.affinityHalfLifeMs, rules.topCategories);
  }

  switch (event.type) {
    case 'add_to_cart':
      if (event.itemId !== undefined) follow(profile.carted, event.itemId);
      break;
    case 'remove_from_cart':
      if (event.itemId !== undefined) unfollow(profile.carted, event.itemId);
      break;
    case 'purchase':
      if (event.itemId !== undefined && unfollow(profile.carted, event.itemId)) profile.cartsConverted++;
      recordPurchase(profile, time, amount);
      break;
  }
}

function countVisit(profile: UserProfile, day: number): void {
  profile.visits++;
  const days = profile.visitDays;
  if (days.length > 0 && days[days.length - 2] === day) days[days.length - 1]++;
  else days.push(day, 1);
  let drop = 0;
  while (drop < days.length && days[drop] <= day - 30) drop += 2;
  if (drop > 0) days.splice(0, drop);
}

function countSlot(slots: number[], slot: number): void {
  for (let i = 0; i < slots.length; i += 2) {
    if (slots[i] === slot) return void slots[i + 1]++;
  }
  slots.push(slot, 1);
}

/** The dense hour-of-week histogram: 168 counts, Monday 00:00 first, in the user's zone. */
export function hourOfWeekCounts(profile: UserProfile): Float64Array {
  const counts = new Float64Array(HOURS_PER_WEEK);
  for (let i = 0; i < profile.hourOfWeek.length; i += 2) counts[profile.hourOfWeek[i]] = profile.hourOfWeek[i + 1];
  return counts;
}

function follow(items: string[], itemId: string): void {
  unfollow(items, itemId);
  items.push(itemId);
  if (items.length > MAX_CARTED_KEPT) items.shift();
}

function unfollow(items: string[], itemId: string): boolean {
  const at = items.indexOf(itemId);
  if (at < 0) return false;
  items.splice(at, 1);
  return true;
}

function recordPurchase(profile: UserProfile, time: number, amount: number | undefined): void {
  if (profile.lastPurchaseAt === undefined || time > profile.lastPurchaseAt) profile.lastPurchaseAt = time;
  const purchases = profile.purchases;
  let at = purchases.length;
  while (at > 0 && purchases[at - 1][0] > time) at--;
  purchases.splice(at, 0, [time, amount ?? null]);
  const keepAfter = profile.lastPurchaseAt - PURCHASE_WINDOW_MS;
  let drop = 0;
  while (drop < purchases.length && (purchases[drop][0] <= keepAfter || purchases.length - drop > MAX_PURCHASES_KEPT)) drop++;
  if (drop > 0) purchases.splice(0, drop);
}

/** Days with activity among the 30 local days ending with `asOfDay` (by default the latest active day). */
export function activeDaysWithin30(profile: UserProfile, asOfDay = profile.lastActiveDay): number {
  const behind = asOfDay - profile.lastActiveDay;
  if (behind >= 30) return 0;
  let mask = profile.recentDays & ((1 << (30 - behind)) - 1);
  let days = 0;
  for (; mask !== 0; mask &= mask - 1) days++;
  return days;
}
