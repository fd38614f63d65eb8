// The inbox of delivery receipts: the delivery loop appends what became of each notification
// (sent, failed, dead-lettered) as it happens, outside any batch; the runtime takes them inside
// its next batch transaction to update engagement, fallbacks and the decision log. Keys are
// [wall-clock ms, sequence], so receipts are read in the order they were written.

import type { Database } from 'lmdb';
import type { Channel } from '../src/events/types.js';
import type { StateStore } from './stateStore.js';

export interface DeliveryReceipt {
  notificationId: string;
  userId: string;
  type: string;
  channel: Channel;
  outcome: 'sent' | 'failed' | 'dead_lettered';
  /** Attempts made, this one included. */
  attempts: number;
  /** Wall-clock time of the outcome. */
  at: number;
  /** A short error class (`http_500`, `timeout`, `permanent_400`...), never a message with data in it. */
  error?: string;
  /** For permanent failures: enough to re-decide the candidate on another channel. */
  retry?: {
    dedupeKey: string;
    priority: 'transactional' | 'marketing';
    payload: Record<string, unknown>;
    excludedChannels: Channel[];
    time: number;
  };
}

type ReceiptKey = [number, number];

export class DeliveryReceipts {
  private readonly db: Database<DeliveryReceipt, ReceiptKey>;
  private sequence = 0;

  constructor(store: StateStore) {
    this.db = store.database<ReceiptKey, DeliveryReceipt>('inbox:delivery-receipts');
  }

  /** Appends receipts in one asynchronous write; resolves once they are committed. */
  async append(receipts: DeliveryReceipt[]): Promise<void> {
    if (receipts.length === 0) return;
    const now = Date.now();
    await this.db.transaction(() => {
      for (const receipt of receipts) this.db.putSync([now, this.sequence++], receipt);
    });
  }

  /** Removes and returns up to `limit` receipts, oldest first. Call inside the batch transaction. */
  take(limit: number): DeliveryReceipt[] {
    const taken: DeliveryReceipt[] = [];
    const keys: ReceiptKey[] = [];
    for (const { key, value } of this.db.getRange({ limit })) {
      keys.push(key);
      taken.push(value);
    }
    for (const key of keys) this.db.removeSync(key);
    return taken;
  }

  count(): number {
    return this.db.getCount();
  }
}
