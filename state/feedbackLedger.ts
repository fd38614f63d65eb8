// The notifications sent, as feedback needs them: what each was (type, channel, variant, the
// experiment arms of its user, the item it showed), whether it was opened or clicked, each
// user's last touch (for last-touch attribution of purchases) and the variant each user last
// saw per type (the bandit's recency penalty). One LMDB database, keys by prefix:
//   ['n', notificationId]         -> SentNotification
//   ['d', due, notificationId]    -> 1   the "ignored?" check (fatigue), due ignoreAfterHours after sending
//   ['x', due, notificationId]    -> 1   when the record above is forgotten
//   ['t', userId]                 -> LastTouch
//   ['r', userId, type]           -> { variant, at }

import type { Database } from 'lmdb';
import type { Channel } from '../src/events/types.js';
import type { StateStore } from './stateStore.js';

export interface SentNotification {
  id: string;
  userId: string;
  type: string;
  channel: Channel;
  variant: string;
  priority: 'transactional' | 'marketing';
  /** Event time of the decision that queued it. */
  sentAt: number;
  /** `experiment name -> arm name` for the user's experiments at sending. */
  arms: Record<string, string>;
  /** Segment the bandit counted the impression under. */
  segment: string;
  /** Whether the bandit chose the variant (its impression was counted). */
  bandit: boolean;
  /** Items the message showed (its `itemId`, or the digest's items). */
  itemIds: string[];
  opened?: boolean;
  clicked?: boolean;
  delivered?: boolean;
}

export interface LastTouch {
  notificationId: string;
  type: string;
  variant: string;
  arms: Record<string, string>;
  touch: 'delivered' | 'opened' | 'clicked';
  at: number;
}

type LedgerKey = ['n', string] | ['d', number, string] | ['x', number, string] | ['t', string] | ['r', string, string];
type LedgerValue = SentNotification | LastTouch | { variant: string; at: number } | 1;

export class FeedbackLedger {
  private readonly db: Database<LedgerValue, LedgerKey>;
  /** Earliest ['d'] due, so the common "nothing due" costs no read. */
  private earliestCheck: number;
  private earliestExpiry: number;

  constructor(store: StateStore) {
    this.db = store.database<LedgerKey, LedgerValue>('learn:ledger');
    this.earliestCheck = this.firstDue('d');
    this.earliestExpiry = this.firstDue('x');
  }

  /** Records a queued notification; checked for engagement at `checkAt`, forgotten at `forgetAt`. Inside the batch transaction. */
  record(sent: SentNotification, checkAt: number, forgetAt: number): void {
    this.db.putSync(['n', sent.id], sent);
    if (sent.priority === 'marketing') {
      this.db.putSync(['d', checkAt, sent.id], 1);
      this.earliestCheck = Math.min(this.earliestCheck, checkAt);
    }
    this.db.putSync(['x', forgetAt, sent.id], 1);
    this.earliestExpiry = Math.min(this.earliestExpiry, forgetAt);
    this.db.putSync(['r', sent.userId, sent.type], { variant: sent.variant, at: sent.sentAt });
  }

  get(notificationId: string): SentNotification | undefined {
    return this.db.get(['n', notificationId]) as SentNotification | undefined;
  }

  update(sent: SentNotification): void {
    this.db.putSync(['n', sent.id], sent);
  }

  /** The variant the user last saw for `type`, and when. */
  lastVariant(userId: string, type: string): { variant: string; at: number } | undefined {
    return this.db.get(['r', userId, type]) as { variant: string; at: number } | undefined;
  }

  lastTouch(userId: string): LastTouch | undefined {
    return this.db.get(['t', userId]) as LastTouch | undefined;
  }

  setLastTouch(userId: string, touch: LastTouch): void {
    this.db.putSync(['t', userId], touch);
  }

  /**
   * Notifications whose engagement check is due at `time`, taken out (they stay readable until
   * forgotten); forgets the records whose time has come. Call as the watermark advances.
   */
  takeChecksDue(time: number): SentNotification[] {
    const due: SentNotification[] = [];
    if (time >= this.earliestCheck) {
      const keys: LedgerKey[] = [];
      for (const key of this.db.getKeys({ start: ['d', 0], end: ['d', time, '\uffff'] })) {
        keys.push(key);
        const sent = this.get(key[2] as string);
        if (sent !== undefined) due.push(sent);
      }
      for (const key of keys) this.db.removeSync(key);
      this.earliestCheck = this.firstDue('d');
    }
    // After the checks: a record is forgotten no earlier than its check is due.
    if (time >= this.earliestExpiry) this.forget(time);
    return due;
  }

  private forget(time: number): void {
    if (time < this.earliestExpiry) return;
    const keys: LedgerKey[] = [];
    for (const key of this.db.getKeys({ start: ['x', 0], end: ['x', time, '\uffff'] })) keys.push(key);
    for (const key of keys) {
      this.db.removeSync(key);
      this.db.removeSync(['n', key[2] as string]);
    }
    this.earliestExpiry = this.firstDue('x');
  }

  private firstDue(prefix: 'd' | 'x'): number {
    for (const key of this.db.getKeys({ start: [prefix, 0], end: [prefix, Number.MAX_SAFE_INTEGER], limit: 1 })) return key[1] as number;
    return Infinity;
  }
}
