// The simulated users' ground truth about notifications: whether and when they open, click,
// buy what the message showed, or opt out. The response depends on what pushflow cannot see
// directly: how well the items match the user's favourite departments, whether the message
// lands in the user's active hours, how many marketing messages they got in the last day
// (fatigue, and over-messaging, which makes them opt out), and how appealing the copy variant is.
// Responses become events in the world's agenda (feedback, a visit to the item, a purchase, a
// consent change), in event time, drawing from their own random stream: with the same seed the
// organic shopping of every user stays the same whatever the notification policy did.

import type { ScheduledTask } from './agenda.js';
import { sellStock } from './catalogChurn.js';
import { Random } from './random.js';
import type { SimulatedUser } from './users.js';
import type { World } from './world.js';
import type { Channel } from '../../events/types.js';

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const STREAM_RESPONSES = 5;
const STREAM_RESPONSIVENESS = 6;

/** Open probability of a marketing message by channel, for a perfectly timed, relevant, unfatigued message. */
const BASE_OPEN: Record<Channel, number> = { push: 0.3, email: 0.22, sms: 0.35, webhook: 0.25 };
/** Transactional messages (order updates) are opened for what they say, not for their items. */
const TRANSACTIONAL_OPEN = 0.6;
/**
 * How much each template variant's copy is liked (multiplies the click rate). Variant `c` is the
 * best; `pushflow simulate` and the bandit benchmark measure whether pushflow finds it.
 */
export const VARIANT_APPEAL: Readonly<Record<string, number>> = Object.freeze({ a: 1, b: 0.8, c: 1.3, d: 0.65 });
/** Types whose items come from the user's own actions (carted, viewed, liked): relevant by construction. */
const INTENT_TYPES = new Set(['abandoned_cart', 'browse_abandonment', 'browse_abandonment_digest', 'price_drop', 'price_drop_digest', 'back_in_stock', 'back_in_stock_digest']);
/** Fatigue: each marketing message in the previous 24 hours divides the open rate by (1 + this). */
const FATIGUE_PER_MESSAGE = 0.35;
/** Opt-out per marketing message: a base, plus this per message beyond two in 24 hours, plus for irrelevant ones. */
const OPT_OUT_BASE = 0.0015;
const OPT_OUT_PER_EXCESS = 0.006;
const OPT_OUT_IRRELEVANT = 0.003;

/** P(open) of a marketing message: channel base, by activity at delivery, relevance, and messages in the last day. */
export function openProbability(channel: Channel, relevance: number, activity: number, messagesLastDay: number): number {
  return Math.min(0.95, (BASE_OPEN[channel] * (0.25 + 0.75 * activity) * (0.6 + 0.8 * relevance)) / (1 + FATIGUE_PER_MESSAGE * messagesLastDay));
}

/** P(click | open) of a marketing message: relevance of its items times the appeal of its copy variant. */
export function clickProbability(relevance: number, variant: string | undefined): number {
  return Math.min(0.95, (0.08 + 0.55 * relevance) * (VARIANT_APPEAL[variant ?? 'a'] ?? 1));
}

/** What the user got, as the sink delivered it. */
export interface DeliveredNotification {
  id: string;
  userId: string;
  type: string;
  priority: 'transactional' | 'marketing';
  channel: Channel;
  variant?: string;
  /** Event time it went out. */
  sentAt: number;
  itemIds: string[];
}

/** The user's response, as decided by the model (times are event times). */
export interface NotificationResponse {
  relevance: number;
  openedAt?: number;
  clickedAt?: number;
  /** The item bought through the click, and when. */
  purchase?: { item: number; at: number };
  optedOutAt?: number;
}

/** Ground-truth totals of what users did with notifications. */
export interface ResponseTotals {
  delivered: number;
  marketing: number;
  opened: number;
  clicked: number;
  marketingOpened: number;
  marketingClicked: number;
  purchases: number;
  revenue: number;
  optOuts: number;
  /** Marketing messages per user (by user index). */
  marketingPerUser: Int32Array;
  /** Per notification type: sent, opened, clicked, and the sum of relevance (ground truth). */
  byType: Map<string, { sent: number; opened: number; clicked: number; relevance: number }>;
}

export class NotificationResponses {
  readonly totals: ResponseTotals;
  private readonly random: Random;
  private readonly byId = new Map<string, SimulatedUser>();
  /** Per user, the send times of their marketing messages in the last day (fatigue). */
  private readonly recent = new Map<string, number[]>();
  private readonly optedOut = new Set<string>();
  private readonly indexOf = new Map<string, number>();
  /** Per user (by index), how responsive they are to messages: multiplies P(open); mean 1. */
  private readonly responsiveness: Float64Array;

  /**
   * @param responsivenessSigma spread of the users' lasting responsiveness (lognormal sigma, scaled
   *   to mean 1): some people open most messages, others almost none. 0: everyone alike.
   */
  constructor(
    private readonly world: World,
    seed: number,
    responsivenessSigma = 0,
  ) {
    this.random = new Random(seed, STREAM_RESPONSES);
    const traits = new Random(seed, STREAM_RESPONSIVENESS);
    const mean = Math.exp((responsivenessSigma * responsivenessSigma) / 2);
    this.responsiveness = Float64Array.from(world.users, () => (responsivenessSigma > 0 ? traits.logNormal(1, responsivenessSigma) / mean : 1));
    world.users.forEach((user, index) => {
      this.byId.set(user.id, user);
      this.indexOf.set(user.id, index);
    });
    this.totals = { delivered: 0, marketing: 0, opened: 0, clicked: 0, marketingOpened: 0, marketingClicked: 0, purchases: 0, revenue: 0, optOuts: 0, marketingPerUser: new Int32Array(world.users.length), byType: new Map() };
  }

  /** How well the items match the user's favourite departments, in [0, 1]. */
  relevance(user: SimulatedUser, type: string, itemIds: readonly string[]): number {
    let best = 0;
    for (const itemId of itemIds) {
      const item = itemIndex(itemId);
      if (item < 0 || item >= this.world.catalog.size) continue;
      best = Math.max(best, categoryShare(user, this.world.catalog.categoryOf[item]));
    }
    return INTENT_TYPES.has(type) ? Math.max(best, 0.6) : best;
  }

  /** How active the user is at `time`, relative to their busiest hour, in (0, 1]. */
  activity(user: SimulatedUser, time: number): number {
    const { cycle } = user;
    return cycle.hourWeights[cycle.clock.hourAt(time)] / cycle.maxHourWeight;
  }

  /**
   * Decides the user's response to a delivered notification and schedules its events in the
   * world (delivered, opened, clicked, the visit and purchase, unsubscribed and the consent change).
   */
  deliver(notification: DeliveredNotification, notBefore: number): NotificationResponse | undefined {
    const user = this.byId.get(notification.userId);
    if (user === undefined) return undefined;
    const random = this.random;
    const at = Math.max(notification.sentAt, notBefore);
    const totals = this.totals;
    totals.delivered++;
    const marketing = notification.priority === 'marketing';
    const relevance = this.relevance(user, notification.type, notification.itemIds);
    const activity = this.activity(user, at);
    let fatigueCount = 0;
    if (marketing) {
      const times = (this.recent.get(user.id) ?? []).filter((time) => time > at - DAY_MS);
      fatigueCount = times.length;
      times.push(at);
      this.recent.set(user.id, times);
      totals.marketing++;
      totals.marketingPerUser[this.indexOf.get(user.id)!]++;
    }
    const response: NotificationResponse = { relevance };
    let typeTotals = totals.byType.get(notification.type);
    if (typeTotals === undefined) totals.byType.set(notification.type, (typeTotals = { sent: 0, opened: 0, clicked: 0, relevance: 0 }));
    typeTotals.sent++;
    typeTotals.relevance += relevance;
    const deliveredAt = at + SECOND_MS + random.int(5 * SECOND_MS);
    this.feedback(notification, 'delivered', deliveredAt);

    const responsiveness = this.responsiveness[this.indexOf.get(user.id)!];
    const pOpen = marketing ? openProbability(notification.channel, relevance, activity, fatigueCount) * responsiveness : TRANSACTIONAL_OPEN * (0.5 + 0.5 * activity);
    if (random.chance(Math.min(0.95, pOpen))) {
      // Read soon when active, later when not (but within the day).
      const delay = Math.min(20 * HOUR_MS, random.logNormal((15 * MINUTE_MS) / activity, 1));
      response.openedAt = deliveredAt + Math.round(delay);
      this.feedback(notification, 'opened', response.openedAt);
      totals.opened++;
      typeTotals.opened++;
      if (marketing) totals.marketingOpened++;
      const pClick = marketing ? clickProbability(relevance, notification.variant) : 0.25;
      if (random.chance(Math.min(0.95, pClick))) {
        response.clickedAt = response.openedAt + Math.round(random.logNormal(20 * SECOND_MS, 0.5));
        this.feedback(notification, 'clicked', response.clickedAt);
        totals.clicked++;
        typeTotals.clicked++;
        if (marketing) totals.marketingClicked++;
        const item = this.pickShownItem(user, notification.itemIds);
        if (item >= 0) {
          const buys = marketing && random.chance(0.15 + 0.45 * relevance);
          const visitAt = response.clickedAt + 5 * SECOND_MS;
          const buyAt = visitAt + Math.round(random.logNormal(2 * MINUTE_MS, 0.5));
          this.world.schedule(visitAt, new NotificationVisit(this.world, user, item, buys ? buyAt : undefined, this.totals));
          if (buys) response.purchase = { item, at: buyAt };
        }
      }
    }
    if (marketing && response.clickedAt === undefined && !this.optedOut.has(user.id) && user.consent.marketing !== false) {
      const excess = Math.max(0, fatigueCount + 1 - 2);
      const pOptOut = OPT_OUT_BASE + OPT_OUT_PER_EXCESS * excess + OPT_OUT_IRRELEVANT * (1 - relevance);
      if (random.chance(Math.min(0.3, pOptOut))) {
        response.optedOutAt = (response.openedAt ?? deliveredAt + Math.round(random.logNormal(HOUR_MS, 1))) + 10 * SECOND_MS;
        this.optedOut.add(user.id);
        totals.optOuts++;
        this.world.schedule(response.optedOutAt, new OptOut(this.world, user, notification));
      }
    }
    return response;
  }

  /** The item the click lands on: the one matching the user's tastes best among those shown. */
  private pickShownItem(user: SimulatedUser, itemIds: readonly string[]): number {
    let best = -1;
    let bestShare = -1;
    for (const itemId of itemIds) {
      const item = itemIndex(itemId);
      if (item < 0 || item >= this.world.catalog.size) continue;
      const share = categoryShare(user, this.world.catalog.categoryOf[item]);
      if (share > bestShare) {
        best = item;
        bestShare = share;
      }
    }
    return best;
  }

  private feedback(notification: DeliveredNotification, type: 'delivered' | 'opened' | 'clicked', time: number): void {
    const world = this.world;
    world.schedule(time, {
      run(now: number) {
        world.emit({ id: world.nextEventId(), time: now, kind: 'feedback', type, userId: notification.userId, notificationId: notification.id, channel: notification.channel });
      },
    });
  }
}

/** A visit from a click: a view of the item, and the purchase when the user buys. */
class NotificationVisit implements ScheduledTask {
  private viewed = false;

  constructor(
    private readonly world: World,
    private readonly user: SimulatedUser,
    private readonly item: number,
    private readonly buyAt: number | undefined,
    private readonly totals: ResponseTotals,
  ) {}

  run(now: number): void {
    const { world, user, item } = this;
    const catalog = world.catalog;
    const common = { kind: 'behavior' as const, userId: user.id, itemId: catalog.itemId(item), categoryId: catalog.categoryId(item) };
    if (!this.viewed) {
      this.viewed = true;
      world.emit({ id: world.nextEventId(), time: now, type: 'view', price: catalog.price[item], ...common });
      if (this.buyAt !== undefined) world.schedule(Math.max(now, this.buyAt), this);
      return;
    }
    if (catalog.stock[item] <= 0) return;
    world.emit({ id: world.nextEventId(), time: now, type: 'add_to_cart', quantity: 1, price: catalog.price[item], ...common });
    world.emit({ id: world.nextEventId(), time: now + SECOND_MS, type: 'purchase', quantity: 1, price: catalog.price[item], orderId: world.nextOrderId(), ...common });
    const line = user.cart.findIndex((cartLine) => cartLine.item === item);
    if (line >= 0) user.cart.splice(line, 1);
    sellStock(world, item, 1, now + SECOND_MS);
    this.totals.purchases++;
    this.totals.revenue += catalog.price[item];
  }
}

/** The user opts out of marketing: an `unsubscribed` feedback event and the consent change. */
class OptOut implements ScheduledTask {
  constructor(
    private readonly world: World,
    private readonly user: SimulatedUser,
    private readonly notification: DeliveredNotification,
  ) {}

  run(now: number): void {
    const { world, user, notification } = this;
    user.consent = { ...user.consent, marketing: false };
    world.emit({ id: world.nextEventId(), time: now, kind: 'feedback', type: 'unsubscribed', userId: user.id, notificationId: notification.id, channel: notification.channel });
    world.emit({ id: world.nextEventId(), time: now, kind: 'user', userId: user.id, consent: { marketing: false } });
  }
}

/** The share of the user's favourite-department weight that falls on `category` (0 when not a favourite). */
function categoryShare(user: SimulatedUser, category: number): number {
  const { affinityCategories, affinityWeights } = user;
  const total = affinityWeights[affinityWeights.length - 1];
  for (let i = 0; i < affinityCategories.length; i++) {
    if (affinityCategories[i] === category) return (affinityWeights[i] - (i > 0 ? affinityWeights[i - 1] : 0)) / total;
  }
  return 0;
}

function itemIndex(itemId: string): number {
  return itemId.startsWith('item-') ? Number(itemId.slice(5)) : -1;
}
