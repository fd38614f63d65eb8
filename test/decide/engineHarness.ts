// A DecisionEngine over a temporary LMDB, for policy tests: users set by user events, candidates
// decided one by one, held messages released by moving event time.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type PushflowConfig } from '../../src/config/schema.js';
import { DecisionEngine, type DecisionResult } from '../../src/decide/decisionEngine.js';
import type { SendTimeSignals } from '../../src/decide/sendTimeSignals.js';
import type { UserEvent } from '../../src/events/types.js';
import type { NotificationCandidate } from '../../src/runtime/pipeline.js';
import { CatalogStore } from '../../state/catalogStore.js';
import { openIssuedNotificationIds, type SeenIds } from '../../state/eventDedupe.js';
import { StateStore } from '../../state/stateStore.js';
import { UserStore } from '../../state/userStore.js';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

let counter = 0;

export class EngineHarness {
  readonly config: PushflowConfig;
  readonly store: StateStore;
  readonly users: UserStore;
  readonly catalog: CatalogStore;
  readonly issued: SeenIds;
  readonly engine: DecisionEngine;

  constructor(config: Record<string, unknown> = {}, signals?: SendTimeSignals, readonly dir = mkdtempSync(join(tmpdir(), 'pushflow-decide-'))) {
    this.config = configSchema.parse({ ...config, dataDir: dir });
    this.store = new StateStore({ path: dir, flushEachCommit: false });
    this.users = new UserStore(this.store);
    this.catalog = new CatalogStore(this.store);
    this.issued = openIssuedNotificationIds(this.store, this.config.events);
    this.engine = new DecisionEngine({ config: this.config, store: this.store, users: this.users, catalog: this.catalog, issued: this.issued, signals });
  }

  user(userId: string, settings: Partial<Omit<UserEvent, 'kind' | 'id' | 'userId' | 'time'>>, time = 0): void {
    const event = { kind: 'user' as const, id: `u${counter++}`, userId, time, ...settings };
    // As in the runtime: the users pipeline applies the event, then the engine observes it.
    this.store.transaction(() => this.users.apply(event));
    this.engine.observe(event);
  }

  decide(candidate: Partial<NotificationCandidate> & { time: number }): DecisionResult {
    const full: NotificationCandidate = {
      type: 'abandoned_cart',
      priority: 'marketing',
      userId: 'u1',
      dedupeKey: `k${counter++}`,
      payload: { itemId: 'i1' },
      ...candidate,
    };
    return this.store.transaction(() => this.engine.decide(full, 0));
  }

  release(watermark: number): DecisionResult[] {
    return this.store.transaction(() => this.engine.releaseDue(watermark));
  }

  async close(): Promise<void> {
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Shorthand for a user reachable on every channel, consenting to everything. */
export const REACHABLE = {
  channels: { pushToken: 'tok', email: 'a@example.com', phone: '+8613800000000', webhookUrl: 'https://hook.example.com' },
  consent: { push: true, email: true, sms: true, webhook: true, marketing: true, transactional: true },
};

export const outcomeOf = (result: DecisionResult) =>
  result.outcome === 'queued' ? `queued:${result.notification.channel}` : result.outcome === 'deferred' ? `deferred:${result.reason}` : `suppressed:${result.reason}`;
