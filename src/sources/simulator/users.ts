// The simulated shoppers: where they live (locale and a matching IANA zone), how to reach them
// and what they agreed to, which departments they favour and when they shop. The mix is
// deliberately imperfect (missing channels, opt-outs) because delivery and consent logic must
// cope with exactly that.

import type { Catalog } from './catalog.js';
import { runningTotal } from './catalog.js';
import { createDailyCycle, type DailyCycle } from './dailyCycle.js';
import { zoneClock } from './localTime.js';
import type { Random } from './random.js';
import type { ContactChannels, Consent } from '../../events/types.js';

/** A line left in a cart; it stays after the session ends until bought, removed or pushed out. */
export interface CartLine {
  item: number;
  quantity: number;
}

export interface SimulatedUser {
  id: string;
  locale: 'zh-CN' | 'en-US';
  timeZone: string;
  channels: ContactChannels;
  consent: Consent;
  /** Favourite category indices and their weights as a running total (a Dirichlet draw). */
  affinityCategories: Int32Array;
  affinityWeights: Float64Array;
  cycle: DailyCycle;
  cart: CartLine[];
}

/** English-speaking users are spread over the zones where our en-US traffic comes from. */
const EN_US_ZONES = ['America/New_York', 'America/Los_Angeles', 'Europe/London'] as const;
const EN_US_ZONE_WEIGHTS = runningTotal([0.45, 0.35, 0.2]);

/** Share of category picks that ignore the user's favourites: people wander. */
const EXPLORE_RATE = 0.12;

export function createUser(random: Random, index: number, catalog: Catalog): SimulatedUser {
  const locale = random.chance(0.7) ? 'zh-CN' : 'en-US';
  const timeZone = locale === 'zh-CN' ? 'Asia/Shanghai' : EN_US_ZONES[random.pickCumulative(EN_US_ZONE_WEIGHTS)];
  const id = `user-${index}`;
  const { affinityCategories, affinityWeights } = drawAffinity(random, catalog);
  return {
    id,
    locale,
    timeZone,
    channels: drawChannels(random, index, timeZone),
    consent: {
      push: random.chance(0.88),
      email: random.chance(0.85),
      sms: random.chance(0.7),
      marketing: random.chance(0.8),
      // Order updates are part of the service the user bought, not marketing.
      transactional: true,
    },
    affinityCategories,
    affinityWeights,
    cycle: createDailyCycle(random, zoneClock(timeZone)),
    cart: [],
  };
}

/** A category to browse: mostly a favourite, sometimes anything. */
export function pickBrowsingCategory(random: Random, user: SimulatedUser, catalog: Catalog): number {
  if (random.chance(EXPLORE_RATE)) return catalog.pickCategory(random);
  return user.affinityCategories[random.pickCumulative(user.affinityWeights)];
}

function drawAffinity(random: Random, catalog: Catalog): { affinityCategories: Int32Array; affinityWeights: Float64Array } {
  const wanted = Math.min(catalog.stockedCategories.length, random.intBetween(2, 5));
  const chosen: number[] = [];
  // Distinct popular categories; the attempt cap only matters for tiny catalogs.
  for (let attempt = 0; chosen.length < wanted && attempt < 100; attempt++) {
    const category = catalog.pickCategory(random);
    if (!chosen.includes(category)) chosen.push(category);
  }
  // Shape < 1 makes the Dirichlet skewed: one or two categories dominate, as in real baskets.
  const weights = chosen.map(() => random.gamma(0.8) + 1e-9);
  return { affinityCategories: Int32Array.from(chosen), affinityWeights: runningTotal(weights) };
}

function drawChannels(random: Random, index: number, timeZone: string): ContactChannels {
  const channels: ContactChannels = {};
  // Reserved example domains and fictional number ranges: safe if a sink is ever wired for real.
  if (random.chance(0.85)) channels.email = `user${index}@example.${timeZone === 'Asia/Shanghai' ? 'cn' : 'com'}`;
  if (random.chance(0.7)) channels.phone = phoneNumber(random, timeZone);
  if (random.chance(0.75)) channels.pushToken = `fcm:${random.hex(32)}`;
  return channels;
}

function phoneNumber(random: Random, timeZone: string): string {
  const digits = (count: number) => String(random.int(10 ** count)).padStart(count, '0');
  switch (timeZone) {
    case 'Asia/Shanghai':
      return `+86138${digits(8)}`;
    case 'Europe/London':
      return `+447700900${digits(3)}`;
    default:
      return `+1${timeZone === 'America/New_York' ? '212' : '213'}555${digits(4)}`;
  }
}
