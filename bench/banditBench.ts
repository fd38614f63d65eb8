// Does the bandit find the best of 4 template variants within 10,000 impressions? The real
// pipeline under the test driver (policy, composer with a 4-variant template, the sent-notification
// ledger, pipelines/feedback.ts, posteriors in LMDB) decides marketing messages for the
// simulator's users; whether each is opened and clicked comes from the simulator's ground truth
// (relevance to the user, activity at the hour, the variant's appeal: `c` is best). Feedback
// goes back into the stream one batch later, as it would from a real app.
// Usage: node dist/bench/banditBench.js [--seeds 10] [--impressions 10000] [--users 2000]

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { filter, map } from 'rxjs';
import { PipelineTestDriver } from '../src/runtime/pipelineTestDriver.js';
import { definePipeline, type NotificationCandidate } from '../src/runtime/pipeline.js';
import type { BehaviorEvent } from '../src/events/types.js';
import { catalogAndUsers } from '../pipelines/catalogAndUsers.js';
import { feedback } from '../pipelines/feedback.js';
import { FeedbackLearning } from '../src/learn/feedbackLearning.js';
import { resolveSimulationOptions } from '../src/sources/simulator/options.js';
import { World } from '../src/sources/simulator/world.js';
import { Random } from '../src/sources/simulator/random.js';
import { pickBrowsingCategory } from '../src/sources/simulator/users.js';
import { NotificationResponses, VARIANT_APPEAL, clickProbability, openProbability } from '../src/sources/simulator/notificationResponses.js';
import { projectRoot } from '../src/config/projectRoot.js';
import type { StateStore } from '../state/stateStore.js';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '10' }, impressions: { type: 'string', default: '10000' }, users: { type: 'string', default: '2000' }, batch: { type: 'string', default: '100' } } });
const SEEDS = Number(values.seeds);
const IMPRESSIONS = Number(values.impressions);
const USERS = Number(values.users);
const BATCH = Number(values.batch);
const VARIANTS = ['a', 'b', 'c', 'd'];
const BEST = VARIANTS.reduce((best, v) => (VARIANT_APPEAL[v] > VARIANT_APPEAL[best] ? v : best));
const DAYS = 14;

/** A campaign trigger for the bench: a `search` with query `promo:<item>` asks for a reminder about the item. */
const promo = definePipeline({
  name: 'bench_promo',
  build: (events$) =>
    events$.pipe(
      filter((event): event is BehaviorEvent => event.kind === 'behavior' && event.type === 'search' && (event.query ?? '').startsWith('promo:')),
      map((event): NotificationCandidate => ({ type: 'abandoned_cart', priority: 'marketing', userId: event.userId, dedupeKey: `promo:${event.id}`, time: event.time, payload: { itemId: event.query!.slice(6) }, channel: 'push' })),
    ),
});

/** The shipped templates, with abandoned_cart's push copy in four variants a-d (in both locales). */
function fourVariantTemplates(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pushflow-bandit-templates-'));
  cpSync(join(projectRoot(), 'config', 'templates'), dir, { recursive: true });
  const file = join(dir, 'abandoned_cart.yaml');
  const text = readFileSync(file, 'utf8');
  const extra = (locale: 'en-US' | 'zh-CN') =>
    locale === 'en-US'
      ? `      - variant: c\n        title: "{item} is almost yours"\n        body: "Complete your order of {item} today."\n      - variant: d\n        title: "Reminder: {item}"\n        body: "An item is in your cart."\n`
      : `      - variant: c\n        title: "{item}马上就是您的了"\n        body: "今天就完成{item}的订单吧。"\n      - variant: d\n        title: "提醒：{item}"\n        body: "您的购物车里有商品。"\n`;
  // Insert after each locale's last push variant (the b entries end before the next locale key / sms).
  const patched = text
    .replace(/(    en-US:\n(?:      - [\s\S]*?)(?=    zh-CN:))/, (block) => block + extra('en-US'))
    .replace(/(    zh-CN:\n(?:      - [\s\S]*?)(?=  sms:))/, (block) => block + extra('zh-CN'));
  if (patched === text || (patched.match(/variant: c/g) ?? []).length !== 2) throw new Error('could not add variants c and d to abandoned_cart.yaml');
  writeFileSync(file, patched);
  return dir;
}

interface SeedResult {
  seed: number;
  found: boolean;
  bestByPosterior: string;
  posteriorMeans: Record<string, number>;
  impressions: Record<string, number>;
  shareOfBestInLast2000: number;
  clicks: number;
}

async function runSeed(seed: number, templatesDir: string): Promise<SeedResult> {
  const options = resolveSimulationOptions({ seed, users: USERS, items: 5000 });
  const world = new World(options);
  const responses = new NotificationResponses(world, seed);
  const random = new Random(seed, 31);
  const start = options.startTime;
  const driver = new PipelineTestDriver({
    startTime: start,
    pipelines: [catalogAndUsers, feedback, promo],
    config: {
      time: { maxOutOfOrdernessMs: 0 },
      templates: { dir: templatesDir },
      policy: { caps: { enabled: false }, rateLimit: { enabled: false }, quietHours: { enabled: false }, sendTime: { enabled: false } },
    },
  });
  const store = (driver as unknown as { store: StateStore }).store;
  const learning = FeedbackLearning.of(store, driver.config);
  let seq = 0;
  const id = () => `b${seed}-${seq++}`;
  driver.pipe(world.users.map((user) => ({ kind: 'user', id: id(), time: start, userId: user.id, locale: user.locale, timeZone: user.timeZone, channels: { pushToken: `t-${user.id}` }, consent: { push: true, marketing: true } })));
  const shown: string[] = [];
  let pendingFeedback: object[] = [];
  let clicks = 0;
  const step = (DAYS * 86_400_000) / IMPRESSIONS;
  for (let done = 0; done < IMPRESSIONS; ) {
    const asks: object[] = [];
    const asked = new Map<string, { relevance: number; activity: number }>();
    for (let k = 0; k < BATCH && done + k < IMPRESSIONS; k++) {
      const time = Math.round(start + (done + k + 1) * step);
      const user = world.users[random.int(world.users.length)];
      const item = world.catalog.pickItem(random, pickBrowsingCategory(random, user, world.catalog));
      const itemId = world.catalog.itemId(item);
      const askId = id();
      asked.set(`promo:${askId}`, { relevance: responses.relevance(user, 'abandoned_cart', [itemId]), activity: responses.activity(user, time) });
      asks.push({ kind: 'behavior', id: askId, type: 'search', userId: user.id, query: `promo:${itemId}`, time });
    }
    const last = (asks.at(-1) as { time: number }).time;
    driver.clock.set(Math.max(driver.clock.now(), last));
    // Last batch's feedback arrives with this batch's asks (it happened in between).
    const summary = driver.pipe([...pendingFeedback, ...asks]);
    pendingFeedback = [];
    for (const notification of summary.notifications) {
      const truth = asked.get(notification.dedupeKey!);
      if (truth === undefined) continue;
      shown.push(notification.variant ?? 'a');
      const at = notification.decidedAt;
      if (random.chance(openProbability('push', truth.relevance, truth.activity, 0))) {
        pendingFeedback.push({ kind: 'feedback', id: id(), type: 'opened', userId: notification.userId, notificationId: notification.id, channel: 'push', time: at + 1 });
        if (random.chance(clickProbability(truth.relevance, notification.variant))) {
          clicks++;
          pendingFeedback.push({ kind: 'feedback', id: id(), type: 'clicked', userId: notification.userId, notificationId: notification.id, channel: 'push', time: at + 2 });
        }
      }
    }
    done += asks.length;
    if (driver.deadLetters().length > 0) throw new Error(`dead letters: ${JSON.stringify(driver.deadLetters()[0])}`);
  }
  const totals = new Map<string, { impressions: number; successes: number }>();
  for (const { variant, outcomes } of learning.posteriors.all()) {
    const sum = totals.get(variant) ?? { impressions: 0, successes: 0 };
    totals.set(variant, { impressions: sum.impressions + outcomes.impressions, successes: sum.successes + outcomes.successes });
  }
  const means = Object.fromEntries(VARIANTS.map((v) => { const t = totals.get(v) ?? { impressions: 0, successes: 0 }; return [v, (t.successes + 1) / (t.impressions + 2)]; }));
  const bestByPosterior = VARIANTS.reduce((best, v) => (means[v] > means[best] ? v : best));
  const lastShown = shown.slice(-2000);
  const shareOfBest = lastShown.filter((v) => v === BEST).length / Math.max(1, lastShown.length);
  const lastCounts = new Map<string, number>();
  for (const v of lastShown) lastCounts.set(v, (lastCounts.get(v) ?? 0) + 1);
  const mostShownLately = [...lastCounts].sort((a, b) => b[1] - a[1])[0]?.[0];
  await driver.close();
  return {
    seed,
    found: bestByPosterior === BEST && mostShownLately === BEST,
    bestByPosterior,
    posteriorMeans: Object.fromEntries(Object.entries(means).map(([v, m]) => [v, Math.round(m * 10000) / 10000])),
    impressions: Object.fromEntries(VARIANTS.map((v) => [v, totals.get(v)?.impressions ?? 0])),
    shareOfBestInLast2000: Math.round(shareOfBest * 1000) / 1000,
    clicks,
  };
}

const templatesDir = fourVariantTemplates();
const started = performance.now();
const results: SeedResult[] = [];
try {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const result = await runSeed(seed, templatesDir);
    results.push(result);
    console.error(JSON.stringify(result));
  }
} finally {
  rmSync(templatesDir, { recursive: true, force: true });
}
console.log(`bandit: ${IMPRESSIONS} impressions per seed, ${USERS} users, variant appeal ${JSON.stringify(VARIANT_APPEAL)} (best: ${BEST}), ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log('| seed | impressions a / b / c / d | posterior mean a / b / c / d | share of c, last 2,000 | found |');
console.log('|---|---|---|---|---|');
for (const r of results) {
  console.log(`| ${r.seed} | ${VARIANTS.map((v) => r.impressions[v]).join(' / ')} | ${VARIANTS.map((v) => r.posteriorMeans[v].toFixed(4)).join(' / ')} | ${(r.shareOfBestInLast2000 * 100).toFixed(1)}% | ${r.found ? 'yes' : 'no'} |`);
}
console.log(`found the best variant in ${results.filter((r) => r.found).length} of ${results.length} seeds`);
