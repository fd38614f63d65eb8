// The recommendations benchmark: the prequential evaluation of every model on MovieLens
// latest-small and the 815-user Taobao file (re-visits excluded and allowed), beside the batch
// ALS of PyPI's `implicit` (bench/peers/implicit_als.py) on the same interactions; then the
// eALS online update throughput and the retrieval latency at 50,000 items.
// Usage: node dist/bench/recsBench.js [quality|peers|speed] ...   (the peer needs .cache/venv, see
// runPeer); `peers` runs only the peer, for when `pushflow eval recs` gave our table.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { configSchema } from '../src/config/schema.js';
import { readInteractionFile, type InteractionFormat } from '../src/recommend/interactionFile.js';
import { evaluatePrequential, labelTestInteractions, type EvaluationReport } from '../src/recommend/prequentialEvaluator.js';
import { confidenceOf, type RecommendSettings } from '../src/recommend/feedbackWeights.js';
import { Recommender, type Interaction } from '../src/recommend/recommender.js';
import { EalsModel } from '../src/recommend/ealsModel.js';
import { CandidateFilter } from '../src/recommend/candidateFilter.js';
import { TopKHeap } from '../src/recommend/topKHeap.js';
import { topKByDotProduct } from '../src/recommend/dotProductRetrieval.js';
import { LatencyRecorder } from '../src/recommend/rankingMetrics.js';
import { SeededRandom } from '../src/recommend/seededRandom.js';

const PYTHON = resolve('.cache/venv/bin/python');
const PEER = resolve('bench/peers/implicit_als.py');
const DATA_SETS: { name: string; path: string; format: InteractionFormat; excludeSeen: boolean; config?: string }[] = [
  {
    name: 'MovieLens latest-small, rated items excluded',
    path: '../shared/data/movielens-latest-small/ratings.csv',
    format: 'movielens',
    excludeSeen: true,
    config: 'bench/recs/movielens.yaml',
  },
  { name: 'Taobao 815 users, re-visits excluded', path: '../shared/data/taobao/UserBehavior-815users-9days.csv', format: 'taobao', excludeSeen: true },
  { name: 'Taobao 815 users, re-visits allowed', path: '../shared/data/taobao/UserBehavior-815users-9days.csv', format: 'taobao', excludeSeen: false },
];
/** implicit's parameters, chosen on the validation split (train 80%, test 80-90%) like ours. */
const PEER_PARAMS = ['--factors', '32', '--iterations', '15', '--regularization', '0.01', '--alpha', '1'];
const PEER_VARIANTS: { label: string; args: string[] }[] = [
  { label: 'frozen', args: [] },
  { label: 'retrain/1000', args: ['--retrain-every', '1000'] },
  { label: 'retrain/1000 + fold-in', args: ['--retrain-every', '1000', '--fold-in'] },
];

const wanted = new Set(process.argv.slice(2));
const want = (name: string) => wanted.size === 0 || wanted.has(name);

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
if (want('quality') || want('peers')) {
  for (const dataSet of DATA_SETS) {
    if (!existsSync(dataSet.path)) {
      console.log(`${dataSet.name}: skipped, ${dataSet.path} not found`);
      continue;
    }
    const settings = recommendSettings(dataSet.config);
    const { interactions } = await readInteractionFile(dataSet.path, dataSet.format);
    const peers = runPeer(interactions, dataSet.excludeSeen, settings);
    if (!want('quality')) {
      console.log(`\n### ${dataSet.name}: implicit ALS\n`);
      console.log(renderTable(undefined, peers));
      console.log(JSON.stringify({ dataSet: dataSet.name, peers }));
      continue;
    }
    const report = evaluatePrequential(interactions, {
      settings,
      k: 10,
      models: ['eals', 'popularity', 'covisit', 'category', 'hybrid', 'random'],
      excludeSeen: dataSet.excludeSeen,
    });
    console.log(`\n### ${dataSet.name}\n`);
    console.log(renderTable(report, peers));
    console.log(JSON.stringify({ dataSet: dataSet.name, report, peers }));
  }
}
if (want('speed')) {
  for (const dataSet of DATA_SETS.slice(0, 2)) {
    if (!existsSync(dataSet.path)) continue;
    const settings = recommendSettings(dataSet.config);
    const { interactions } = await readInteractionFile(dataSet.path, dataSet.format);
    console.log(`eALS online updates, ${dataSet.format}:`, JSON.stringify(updateThroughput(interactions, settings)));
  }
  console.log('retrieval at 50,000 items x 32 factors:', JSON.stringify(retrievalLatency(50_000, 32, recommendSettings())));
}

/**
 * The schema's recommend defaults (which config/default.yaml repeats) with the data set's file
 * on top: the benchmark depends on nothing but the recommendation settings.
 */
function recommendSettings(file?: string): RecommendSettings {
  const overrides = file === undefined ? {} : ((YAML.parse(readFileSync(file, 'utf8')) as { recommend?: object }).recommend ?? {});
  return configSchema.parse({ recommend: overrides }).recommend;
}

/** Exports the interactions with dense ids and the evaluator's labels, and runs each peer variant. */
function runPeer(interactions: Interaction[], excludeSeen: boolean, settings: RecommendSettings): Record<string, any>[] {
  if (!existsSync(PYTHON)) {
    console.log(`peer skipped: no ${PYTHON} (python3 -m venv .cache/venv && .cache/venv/bin/pip install implicit)`);
    return [];
  }
  const { trainEnd, labels } = labelTestInteractions(interactions, settings, excludeSeen);
  const users = new Map<string, number>();
  const items = new Map<string, number>();
  const dense = (map: Map<string, number>, id: string) => map.get(id) ?? (map.set(id, map.size), map.size - 1);
  const lines: string[] = [];
  for (let index = 0; index < interactions.length; index++) {
    const { userId, itemId, type } = interactions[index];
    const weight = confidenceOf(type, settings.confidence);
    const label = index < trainEnd ? (weight > 0 ? 'train' : 'ignored') : labels[index - trainEnd];
    if (label === 'ignored') continue;
    lines.push(`${dense(users, userId)},${dense(items, itemId)},${weight},${label}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'pushflow-recs-'));
  const file = join(dir, 'interactions.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    return PEER_VARIANTS.map(({ label, args }) => {
      const run = spawnSync(
        PYTHON,
        [PEER, file, '--k', '10', '--max-confidence', String(settings.confidence.max), ...PEER_PARAMS, ...args, ...(excludeSeen ? ['--exclude-seen'] : [])],
        { encoding: 'utf8', maxBuffer: 1 << 24 },
      );
      if (run.status !== 0) throw new Error(`implicit peer (${label}) failed: ${run.stderr.slice(-2000)}`);
      return { label, ...JSON.parse(run.stdout.trim().split('\n').at(-1)!) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function renderTable(report: EvaluationReport | undefined, peers: Record<string, any>[]): string {
  const f = (value: number) => value.toFixed(4);
  const rows = (report?.models ?? []).map(
    (m) => `| ${m.model} | ${f(m.all.hr)} | ${f(m.all.ndcg)} | ${f(m.all.recall20)} | ${f(m.withHistory.hr)} | ${f(m.withHistory.ndcg)} | ${m.latencyMs.p50.toFixed(3)} | ${m.latencyMs.p99.toFixed(3)} |`,
  );
  for (const peer of peers) {
    rows.push(
      `| implicit ALS, ${peer.label} | ${f(peer.all.hr)} | ${f(peer.all.ndcg)} | ${f(peer.all.recall20)} | ${f(peer.withHistory.hr)} | ${f(peer.withHistory.ndcg)} | ${peer.latencyMs.p50.toFixed(3)} | ${peer.latencyMs.p99.toFixed(3)} |`,
    );
  }
  return [
    report === undefined
      ? ''
      : `${report.interactions} interactions: ${report.trainInteractions} train, ${report.testInteractions} test, ${report.scored} scored, ${report.skippedRevisits} re-visits not scored; online updates (all models) ${report.updates.perSec}/s\n`,
    '| model | HR@10 | NDCG@10 | Recall@20 | HR@10 with history | NDCG@10 with history | p50 ms | p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

/** eALS alone: the online update of the test interactions, after training on the prefix. */
function updateThroughput(interactions: Interaction[], settings: RecommendSettings): { interactions: number; perSec: number; meanUserHistory: number } {
  const recommender = new Recommender(settings);
  const split = Math.floor(interactions.length * 0.9);
  for (let index = 0; index < split; index++) recommender.learn(interactions[index], false);
  recommender.eals.recomputeCaches();
  for (let sweep = 0; sweep < 5; sweep++) recommender.eals.sweep();
  const rows: [number, number, number][] = [];
  for (let index = split; index < interactions.length; index++) {
    const { userId, itemId, type } = interactions[index];
    rows.push([recommender.users.intern(userId), recommender.items.intern(itemId), confidenceOf(type, settings.confidence)]);
  }
  const { eals } = recommender;
  let historySum = 0;
  const started = performance.now();
  for (const [user, item, weight] of rows) {
    eals.learn(user, item, weight);
    historySum += eals.interactions.userLength(user);
  }
  const ms = performance.now() - started;
  return { interactions: rows.length, perSec: Math.round((rows.length / ms) * 1000), meanUserHistory: Math.round(historySum / rows.length) };
}

/** Top-10 by dot product over `items` random item rows, with the exclusion filter, 2,000 requests. */
function retrievalLatency(items: number, factors: number, settings: RecommendSettings): { items: number; factors: number; p50Ms: number; p99Ms: number } {
  const model = new EalsModel({ ...settings, factors, maxConfidence: 10, initStd: 0.1 });
  model.ensureUsers(1000);
  model.ensureItems(items);
  const random = new SeededRandom(1);
  for (let n = 0; n < 20_000; n++) model.observe(Math.floor(random.next() * 1000), Math.floor(random.next() * items), 1, random.next() < 0.1);
  const filter = new CandidateFilter();
  const heap = new TopKHeap(10);
  const categories = new Int32Array(items).fill(-1);
  const latency = new LatencyRecorder();
  for (let request = 0; request < 2_200; request++) {
    const user = request % 1000;
    const started = performance.now();
    filter.prepare(model.interactions, user, { excludeSeen: false, excludePurchased: true }, items, categories, { isUnavailable: (item) => item % 97 === 0 });
    topKByDotProduct(model.userFactors, user * factors, model.itemFactors, items, factors, filter, heap);
    filter.release();
    if (request >= 200) latency.add(performance.now() - started);
  }
  return { items, factors, p50Ms: round(latency.percentile(50)), p99Ms: round(latency.percentile(99)) };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
