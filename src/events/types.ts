// The event model: everything pushflow consumes is one of these four kinds.
// Times are epoch milliseconds (event time); ids are unique per producer so replays can be deduped.

export const BEHAVIOR_TYPES = [
  'view',
  'add_to_cart',
  'remove_from_cart',
  'favorite',
  'purchase',
  'search',
  'order_status',
] as const;
export type BehaviorType = (typeof BEHAVIOR_TYPES)[number];

export const ORDER_STATUSES = ['paid', 'shipped', 'out_for_delivery', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What users did with a notification; `unsubscribed`: they opted out of marketing from it. */
export const FEEDBACK_TYPES = ['delivered', 'opened', 'clicked', 'unsubscribed'] as const;
export type FeedbackType = (typeof FEEDBACK_TYPES)[number];

export const CHANNELS = ['push', 'email', 'sms', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

interface EventBase {
  /** Unique id given by the producer; the dedupe key. */
  id: string;
  /** Event time, epoch milliseconds. */
  time: number;
}

/** Something a user did on the platform. */
export interface BehaviorEvent extends EventBase {
  kind: 'behavior';
  type: BehaviorType;
  userId: string;
  itemId?: string;
  categoryId?: string;
  /** Units, for carts and purchases. */
  quantity?: number;
  /** Unit price paid or seen, in the catalog's currency. */
  price?: number;
  /** Search text, for `search`. */
  query?: string;
  /** For `order_status` (and optionally `purchase`). */
  orderId?: string;
  status?: OrderStatus;
}

/** A change to one catalog item; absent fields are unchanged. */
export interface CatalogEvent extends EventBase {
  kind: 'catalog';
  itemId: string;
  title?: string;
  categoryId?: string;
  price?: number;
  currency?: string;
  stock?: number;
}

export interface ContactChannels {
  email?: string;
  phone?: string;
  pushToken?: string;
  webhookUrl?: string;
}

/** Consent per channel and per category of message; absent means unchanged. */
export interface Consent {
  push?: boolean;
  email?: boolean;
  sms?: boolean;
  webhook?: boolean;
  marketing?: boolean;
  transactional?: boolean;
}

/** A change to a user's settings; absent fields are unchanged. */
export interface UserEvent extends EventBase {
  kind: 'user';
  userId: string;
  /** BCP 47 tag, e.g. `zh-CN`, `en-US`. */
  locale?: string;
  /** IANA zone, e.g. `Asia/Shanghai`. */
  timeZone?: string;
  channels?: ContactChannels;
  consent?: Consent;
}

/** What happened to a notification we sent. */
export interface FeedbackEvent extends EventBase {
  kind: 'feedback';
  type: FeedbackType;
  userId: string;
  notificationId: string;
  channel?: Channel;
}

export type PushflowEvent = BehaviorEvent | CatalogEvent | UserEvent | FeedbackEvent;
export type EventKind = PushflowEvent['kind'];

/** The key an event is partitioned and keyed by: the user, or the item for catalog events. */
export function eventKey(event: PushflowEvent): string {
  return event.kind === 'catalog' ? event.itemId : event.userId;
}

/** The label used in metrics for an event: its behaviour/feedback type, or its kind. */
export function eventTypeLabel(event: PushflowEvent): string {
  return event.kind === 'behavior' || event.kind === 'feedback' ? event.type : event.kind;
}
