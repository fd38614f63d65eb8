// `node dist/bench/decideBench.js`: how many candidates per second the policy chain and the
// rendering decide, as the runtime runs them (inside LMDB write transactions of 1,000, with the
// state reads and writes of caps, holds, the decision log and the issued-id set). The users are
// spread over five zones and both locales, reachable on several channels; candidates are
// two-thirds marketing (abandoned carts), one third transactional, over two simulated days, so
// every rule does its work: quiet-hour and send-time holds, caps, fallbacks by consent. Their
// times follow a daily shopping curve (few at night), in event-time order.
// Reported as medians of rounds; the target is 20,000 candidates/s.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type PushflowConfig } from '../src/config/schema.js';
import { DecisionEngine, type DecisionResult } from '../src/decide/decisionEngine.js';
import { decideCandidate } from './policyFreeDecision.js';
import { Outbox } from '../state/outbox.js';
import type { Notification } from '../src/sinks/sink.js';
import { HOURS_PER_WEEK } from '../state/platformActivity.js';
import type { NotificationCandidate } from '../src/runtime/pipeline.js';
import { CatalogStore } from '../state/catalogStore.js';
import { openIssuedNotificationIds } from '../state/eventDedupe.js';
import { StateStore } from '../state/stateStore.js';
import { UserStore } from '../state/userStore.js';

const ZONES = ['Asia/Shanghai', 'America/New_York', 'America/Los_Angeles', 'Europe/London', 'Asia/Kolkata'];
const BATCH = 1_000;
/** The workload's size: candidates over two days, and the users they are for. */
export const BENCH_CANDIDATES = 60_000;
export const BENCH_USERS = 20_000;

export interface DecideBenchResult {
  candidates: number;
  rounds: number;
  candidatesPerSec: number;
  /** Candidates per second of this process's CPU time (less sensitive to a shared machine than wall time). */
  candidatesPerCpuSec: number;
  renderOnlyPerSec: number;
  /** The seam before #7 (consent, first channel, in-code template) with its issued-id check and outbox write, same candidates, same run. */
  baselinePerSec: number;
  /** A bare loop over the same candidates: one LMDB put each (JSON-encoded), same transactions: the machine's speed right now. */
  bareLoopPerSec: number;
  outcomes: Record<string, number>;
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/**
 * Candidates arise from shopping, which follows the day: share of a day's activity per hour in
 * Shanghai time (a typical e-commerce curve: quiet at night, peaks at lunch and 20:00-22:00).
 */
const HOURLY_SHARE = [3, 2, 1, 1, 1, 1, 2, 3, 4, 5, 5, 6, 7, 6, 5, 5, 5, 5, 6, 7, 8, 8, 6, 4];
const HOURLY_CUMULATIVE = HOURLY_SHARE.map((_, h) => HOURLY_SHARE.slice(0, h + 1).reduce((a, b) => a + b, 0) / HOURLY_SHARE.reduce((a, b) => a + b, 0));

/** Event time of the candidate at `progress` (0..1) through two days, drawn on the daily curve. */
function candidateTime(t0: number, progress: number, next: () => number): number {
  const day = progress < 0.5 ? 0 : 1;
  const draw = next();
  const hour = HOURLY_CUMULATIVE.findIndex((c) => draw <= c);
  // t0 is midnight UTC = 08:00 in Shanghai; hours here are Shanghai hours.
  return t0 + day * 86_400_000 + ((hour - 8 + 24) % 24) * 3_600_000 + Math.floor(next() * 3_600_000);
}

/** One round's state and candidates, as the runtime would hold them before deciding. */
export interface DecideWorkload {
  dir: string;
  store: StateStore;
  config: PushflowConfig;
  users: UserStore;
  catalog: CatalogStore;
  issued: ReturnType<typeof openIssuedNotificationIds>;
  engine: DecisionEngine;
  /** In event-time order. */
  list: NotificationCandidate[];
}

/** A fresh LMDB folder with the round's users, items and activity, the engine, and the candidates. */
export function decideWorkload(candidates: number, round: number, withSignals: boolean, userCount = BENCH_USERS): DecideWorkload {
  const dir = mkdtempSync(join(tmpdir(), 'pushflow-decide-bench-'));
  const store = new StateStore({ path: dir, flushEachCommit: false });
  const config = configSchema.parse({ dataDir: dir });
  const users = new UserStore(store);
  const catalog = new CatalogStore(store);
  const issued = openIssuedNotificationIds(store, config.events);
  const next = random(7 + round);
  const t0 = Date.parse('2026-11-02T00:00:00Z');
  store.transaction(() => {
    for (let u = 0; u < userCount; u++) {
      users.apply({
        kind: 'user', id: `s${u}`, userId: `user-${u}`, time: t0 - 1,
        locale: next() < 0.7 ? 'zh-CN' : 'en-US',
        timeZone: ZONES[u % ZONES.length],
        channels: { pushToken: `tok-${u}`, ...(next() < 0.85 ? { email: `u${u}@example.com` } : {}), ...(next() < 0.7 ? { phone: `+8613800${u}` } : {}) },
        consent: { push: next() < 0.88, email: next() < 0.85, sms: next() < 0.7, marketing: next() < 0.8, transactional: true },
      });
    }
    for (let i = 0; i < 5_000; i++) catalog.apply({ kind: 'catalog', id: `c${i}`, itemId: `item-${i}`, time: t0 - 1, title: `Wireless Earbuds Pro ${i}`, price: 99 + (i % 500), currency: 'CNY' });
  });
  // Users' hour-of-week activity, as the profiles (#3) will supply it: a few busy hours each.
  const activity = new Map<string, Float64Array>();
  for (let u = 0; u < userCount; u += 3) {
    const counts = new Float64Array(HOURS_PER_WEEK);
    for (let k = 0; k < 20; k++) counts[Math.floor(next() * HOURS_PER_WEEK)] += 1;
    activity.set(`user-${u}`, counts);
  }
  const engine = new DecisionEngine({ config, store, users, catalog, issued, signals: withSignals ? { activityByHourOfWeek: (id) => activity.get(id) } : {} });
  const list: NotificationCandidate[] = [];
  for (let i = 0; i < candidates; i++) {
    const marketing = next() < 2 / 3;
    const userId = `user-${Math.floor(next() * userCount)}`;
    const time = candidateTime(t0, i / candidates, next);
    list.push({
      type: 'abandoned_cart', priority: marketing ? 'marketing' : 'transactional', userId,
      dedupeKey: `bench:${round}:${i}`, time, channel: 'push',
      payload: { itemId: `item-${Math.floor(next() * 5000)}`, cartedAt: time - 1_800_000 },
    });
  }
  list.sort((a, b) => a.time - b.time);
  return { dir, store, config, users, catalog, issued, engine, list };
}

/**
 * Decides the workload's candidates as the runtime does: a queued notification goes into
 * `outbox`, releases are decided at each batch's watermark, and the batch ends with the engine's
 * write-back. Returns the count of each outcome.
 */
export function decideLoop({ store, engine, list }: DecideWorkload, outbox: Outbox<Notification>): Record<string, number> {
  const counts: Record<string, number> = {};
  const record = (result: DecisionResult) => {
    if (result.outcome === 'queued') outbox.add(result.notification);
    return result;
  };
  for (let start = 0; start < list.length; start += BATCH) {
    store.transaction(() => {
      for (let i = start; i < Math.min(start + BATCH, list.length); i++) {
        const result = record(engine.decide(list[i], 0));
        const key = result.outcome === 'queued' ? 'queued' : `${result.outcome}:${result.reason}`;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      const watermark = list[Math.min(start + BATCH, list.length) - 1].time;
      engine.releaseDue(watermark).forEach(record);
      engine.endBatch(watermark);
    });
  }
  return counts;
}

export async function closeWorkload({ store, dir }: DecideWorkload): Promise<void> {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * `withBaselines: false` skips the seam, bare-loop and rendering-alone subjects (their rates are
 * then 0): for comparing two builds of the engine, alternated, in less time.
 */
export async function decideBench(candidates = BENCH_CANDIDATES, rounds = 3, withSignals = true, withBaselines = true): Promise<DecideBenchResult> {
  const rates: number[] = [];
  const cpuRates: number[] = [];
  const baselineRates: number[] = [];
  const bareRates: number[] = [];
  const renderRates: number[] = [];
  let outcomes: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    const workload = decideWorkload(candidates, round, withSignals);
    const { store, config, users, catalog, issued, engine, list } = workload;
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    outcomes = decideLoop(workload, new Outbox<Notification>(store, 'bench:engine-outbox'));
    rates.push(list.length / ((performance.now() - started) / 1000));
    const cpu = process.cpuUsage(cpuStarted);
    cpuRates.push(list.length / ((cpu.user + cpu.system) / 1e6));
    if (!withBaselines) {
      await closeWorkload(workload);
      continue;
    }
    // The baseline: the old decision seam over the same candidates (fresh ids), alternated in the same process.
    const outbox = new Outbox<Notification>(store, 'bench:outbox');
    const defaults = { locale: config.defaults.locale, channels: config.defaults.channels };
    const baselineStarted = performance.now();
    for (let start = 0; start < list.length; start += BATCH) {
      store.transaction(() => {
        for (let i = start; i < Math.min(start + BATCH, list.length); i++) {
          const candidate = { ...list[i], dedupeKey: `base:${list[i].dedupeKey}` };
          const decision = decideCandidate(candidate, { users, catalog }, defaults, 0);
          if ('notification' in decision && issued.addIfAbsent(decision.notification.id, candidate.time)) outbox.add(decision.notification);
        }
      });
    }
    baselineRates.push(list.length / ((performance.now() - baselineStarted) / 1000));
    const bare = store.database<string, string>('bench:bare', { encoding: 'string' });
    const bareStarted = performance.now();
    for (let start = 0; start < list.length; start += BATCH) {
      store.transaction(() => {
        for (let i = start; i < Math.min(start + BATCH, list.length); i++) bare.putSync(list[i].dedupeKey, JSON.stringify(list[i]));
      });
    }
    bareRates.push(list.length / ((performance.now() - bareStarted) / 1000));
    // Rendering alone, for scale.
    const renderStarted = performance.now();
    const channels = ['push', 'sms', 'email'] as const;
    for (let i = 0; i < 20_000; i++) {
      const candidate = list[i];
      engine.composer.render({ candidate, channel: channels[i % 3], locale: i % 3 === 0 ? 'en-US' : 'zh-CN', timeZone: 'Asia/Shanghai', item: catalog.get(String(candidate.payload.itemId)) });
    }
    renderRates.push(20_000 / ((performance.now() - renderStarted) / 1000));
    await closeWorkload(workload);
  }
  const median = (values: number[]) => (values.length === 0 ? 0 : values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)]);
  return { candidates, rounds, candidatesPerSec: Math.round(median(rates)), candidatesPerCpuSec: Math.round(median(cpuRates)), baselinePerSec: Math.round(median(baselineRates)), bareLoopPerSec: Math.round(median(bareRates)), renderOnlyPerSec: Math.round(median(renderRates)), outcomes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await decideBench(), null, 2));
}
