// The recommendations benchmark: the prequential evaluation of every model on MovieLens
// latest-small and the 815-user Taobao file (re-visits excluded and allowed), beside the batch
// ALS of PyPI's `implicit` (bench/peers/implicit_als.py) on the same interactions; then the
// eALS online update throughput and the retrieval latency at 50,000 items.
// Usage: node dist/bench/recsBench.js [quality|peers|speed] [--only movielens|taobao]
//   [--seen exclude|allow] [--validation] [--peer-grid [--peer-alphas A,B --peer-regularizations R,S]]
//   [--rounds N] [--online-history N] [--against OLD/dist]
// (the peer needs .cache/venv, see runPeer); `peers` runs only the peer, for when
// `pushflow eval recs` gave our table.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
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
const DATA_SETS: { name: string; path: string; format: InteractionFormat; excludeSeen: boolean; config?: string; peerParams?: string[] }[] = [
  {
    name: 'MovieLens latest-small, rated items excluded',
    path: '../shared/data/movielens-latest-small/ratings.csv',
    format: 'movielens',
    excludeSeen: true,
    config: 'bench/recs/movielens.yaml',
  },
  // The peer's alpha and regularization for Taobao, from `--peer-grid --validation` (alpha 1 to 400).
  {
    name: 'Taobao 815 users, re-visits excluded',
    path: '../shared/data/taobao/UserBehavior-815users-9days.csv',
    format: 'taobao',
    excludeSeen: true,
    peerParams: ['--factors', '32', '--iterations', '15', '--regularization', '0.1', '--alpha', '400'],
  },
  {
    name: 'Taobao 815 users, re-visits allowed',
    path: '../shared/data/taobao/UserBehavior-815users-9days.csv',
    format: 'taobao',
    excludeSeen: false,
    peerParams: ['--factors', '32', '--iterations', '15', '--regularization', '0.1', '--alpha', '100'],
  },
];
/** implicit's parameters (MovieLens), chosen on the validation split (train 80%, test 80-90%) like ours. */
const PEER_PARAMS = ['--factors', '32', '--iterations', '15', '--regularization', '0.01', '--alpha', '1'];
/** The grid the peer's parameters are chosen from (`--peer-grid --validation [--peer-alphas 1,10 --peer-regularizations 0.1]`). */
const PEER_GRID = (flag('--peer-alphas') ?? '1,10,40').split(',').flatMap((alpha) =>
  (flag('--peer-regularizations') ?? '0.01,0.1,1').split(',').map((regularization) => ['--factors', '32', '--iterations', '15', '--regularization', regularization, '--alpha', alpha]),
);
const PEER_VARIANTS: { label: string; args: string[] }[] = [
  { label: 'frozen', args: [] },
  { label: 'retrain/1000', args: ['--retrain-every', '1000'] },
  { label: 'retrain/1000 + fold-in', args: ['--retrain-every', '1000', '--fold-in'] },
];

const wanted = new Set(process.argv.slice(2).filter((arg, index, args) => !arg.startsWith('--') && !args[index - 1]?.startsWith('--')));
const want = (name: string) => wanted.size === 0 || wanted.has(name);

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`);
// --only movielens|taobao: one data set; --seen exclude|allow: one treatment of re-visits; --validation: the split settings are chosen on (train
// 80%, test 80-90%); --peer-grid: the peer's alpha x regularization grid (retrain + fold-in).
const only = flag('--only');
const seen = flag('--seen');
const split = process.argv.includes('--validation') ? { trainFraction: 0.8, testEndFraction: 0.9 } : { trainFraction: 0.9, testEndFraction: 1 };
if (want('quality') || want('peers')) {
  const chosen = DATA_SETS.filter(
    ({ format, excludeSeen }) => (only === undefined || format === only) && (seen === undefined || excludeSeen === (seen === 'exclude')),
  );
  for (const dataSet of chosen) {
    if (!existsSync(dataSet.path)) {
      console.log(`${dataSet.name}: skipped, ${dataSet.path} not found`);
      continue;
    }
    const settings = recommendSettings(dataSet.config);
    const { interactions } = await readInteractionFile(dataSet.path, dataSet.format);
    const peers = process.argv.includes('--peer-grid')
      ? PEER_GRID.flatMap((params) => runPeer(interactions, dataSet.excludeSeen, settings, params, PEER_VARIANTS.slice(2)))
      : runPeer(interactions, dataSet.excludeSeen, settings, dataSet.peerParams ?? PEER_PARAMS);
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
      ...split,
    });
    console.log(`\n### ${dataSet.name}\n`);
    console.log(renderTable(report, peers));
    console.log(JSON.stringify({ dataSet: dataSet.name, report, peers }));
  }
}
if (want('speed')) {
  // Variants alternate in rounds within this one process, so that a shared machine's load
  // weighs on all of them alike; the ratio to the baseline is the figure to compare across runs.
  const rounds = Number(flag('--rounds') ?? 2);
  const cap = Number(flag('--online-history') ?? 128);
  const against = flag('--against');
  for (const dataSet of DATA_SETS.slice(0, 2)) {
    if (!existsSync(dataSet.path)) continue;
    const settings = recommendSettings(dataSet.config);
    const { interactions } = await readInteractionFile(dataSet.path, dataSet.format);
    const variants: { label: string; make: () => Promise<UpdateSubject> }[] = [
      { label: 'eALS, full rows (baseline)', make: async () => ealsSubject(new Recommender(settings, { onlineHistory: Infinity })) },
      { label: `eALS, online update reads ${cap} most recent`, make: async () => ealsSubject(new Recommender(settings, { onlineHistory: cap })) },
      { label: `every model (Recommender.learn), ${cap} most recent`, make: async () => recommenderSubject(new Recommender(settings, { onlineHistory: cap })) },
    ];
    if (against !== undefined) {
      // An older build of this repository (its dist directory), e.g. the commit before a change.
      const module = (await import(resolve(against, 'src/recommend/recommender.js'))) as { Recommender: new (s: RecommendSettings) => Recommender };
      variants.push({ label: `eALS of ${against}`, make: async () => ealsSubject(new module.Recommender(settings)) });
    }
    const results = variants.map(() => [] as ReturnType<typeof updateThroughput>[]);
    const loadBefore = loadAverage();
    for (let round = 0; round < rounds; round++) {
      for (let index = 0; index < variants.length; index++) results[index].push(updateThroughput(interactions, await variants[index].make()));
    }
    const baseline = median(results[0].map((r) => r.perCpuSec));
    console.log(
      `\neALS online updates, ${dataSet.format} test stream (${results[0][0].interactions} interactions, mean user history ${meanUserHistory(interactions)}), median of ${rounds} rounds; ${loadBefore}, after: ${loadAverage()}`,
    );
    variants.forEach((variant, index) => {
      const perCpuSec = median(results[index].map((r) => r.perCpuSec));
      const perSec = median(results[index].map((r) => r.perSec));
      console.log(
        `  ${variant.label}: ${perCpuSec}/CPU-s (${(perCpuSec / baseline).toFixed(2)} x baseline), ${perSec}/s wall; rounds ${results[index].map((r) => `${r.perCpuSec}/${r.perSec}`).join(', ')}`,
      );
    });
  }
  console.log(`\n${loadAverage()}`);
  console.log('retrieval at 50,000 items x 32 factors:', JSON.stringify(retrievalLatency(50_000, 32, recommendSettings())));
  console.log(loadAverage());
}

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

function loadAverage(): string {
  return `load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
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
function runPeer(
  interactions: Interaction[],
  excludeSeen: boolean,
  settings: RecommendSettings,
  params: string[],
  variants = PEER_VARIANTS,
): Record<string, any>[] {
  if (!existsSync(PYTHON)) {
    console.log(`peer skipped: no ${PYTHON} (python3 -m venv .cache/venv && .cache/venv/bin/pip install implicit)`);
    return [];
  }
  const { trainEnd, testEnd, labels } = labelTestInteractions(interactions, settings, excludeSeen, split.trainFraction, split.testEndFraction);
  const users = new Map<string, number>();
  const items = new Map<string, number>();
  const dense = (map: Map<string, number>, id: string) => map.get(id) ?? (map.set(id, map.size), map.size - 1);
  const lines: string[] = [];
  for (let index = 0; index < testEnd; index++) {
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
    return variants.map(({ label, args }) => {
      const run = spawnSync(
        PYTHON,
        [PEER, file, '--k', '10', '--max-confidence', String(settings.confidence.max), ...params, ...args, ...(excludeSeen ? ['--exclude-seen'] : [])],
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
      `| implicit ALS, ${peer.label} (alpha ${peer.params.alpha}, regularization ${peer.params.regularization}) | ${f(peer.all.hr)} | ${f(peer.all.ndcg)} | ${f(peer.all.recall20)} | ${f(peer.withHistory.hr)} | ${f(peer.withHistory.ndcg)} | ${peer.latencyMs.p50.toFixed(3)} | ${peer.latencyMs.p99.toFixed(3)} |`,
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

/** A trained recommender and the one call per test interaction whose rate is measured. */
interface UpdateSubject {
  recommender: Recommender;
  learn: (interaction: Interaction, user: number, item: number, weight: number) => void;
  /** Interns ids before the clock starts (eALS alone), or leaves it to `learn` (every model). */
  internsAhead: boolean;
}

function ealsSubject(recommender: Recommender): UpdateSubject {
  return { recommender, learn: (_interaction, user, item, weight) => recommender.eals.learn(user, item, weight), internsAhead: true };
}

function recommenderSubject(recommender: Recommender): UpdateSubject {
  return { recommender, learn: (interaction) => recommender.learn(interaction, true), internsAhead: false };
}

/**
 * The online update of the test interactions (the last 10%), after training on the prefix
 * (5 full sweeps). eALS alone gets dense indices ahead of the clock; every model (the
 * pipeline's call) interns its ids and updates popularity, co-visitation and category affinity too.
 * Rates per wall-clock second and per CPU-second of this process: on a shared machine the
 * second is the one that does not count the time other processes held the cores.
 */
function updateThroughput(interactions: Interaction[], subject: UpdateSubject): { interactions: number; perSec: number; perCpuSec: number } {
  const { recommender } = subject;
  const settings = recommender.settings;
  const split = Math.floor(interactions.length * 0.9);
  for (let index = 0; index < split; index++) recommender.learn(interactions[index], false);
  recommender.eals.recomputeCaches();
  for (let sweep = 0; sweep < 5; sweep++) recommender.eals.sweep();
  const test = interactions.slice(split).filter(({ type }) => confidenceOf(type, settings.confidence) > 0);
  const users = new Int32Array(test.length).fill(-1);
  const items = new Int32Array(test.length).fill(-1);
  const weights = new Float64Array(test.length);
  test.forEach(({ userId, itemId, type }, index) => {
    weights[index] = confidenceOf(type, settings.confidence);
    if (!subject.internsAhead) return;
    users[index] = recommender.users.intern(userId);
    items[index] = recommender.items.intern(itemId);
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let index = 0; index < test.length; index++) subject.learn(test[index], users[index], items[index], weights[index]);
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  return { interactions: test.length, perSec: Math.round((test.length / ms) * 1000), perCpuSec: Math.round((test.length / (user + system)) * 1e6) };
}

/** The mean number of distinct items of the user at each test interaction, after learning it. */
function meanUserHistory(interactions: Interaction[]): number {
  const seen = new Map<string, Set<string>>();
  const split = Math.floor(interactions.length * 0.9);
  let sum = 0;
  let count = 0;
  interactions.forEach(({ userId, itemId }, index) => {
    let items = seen.get(userId);
    if (items === undefined) seen.set(userId, (items = new Set()));
    items.add(itemId);
    if (index >= split) {
      sum += items.size;
      count++;
    }
  });
  return Math.round(sum / count);
}

/**
 * Top-10 by dot product over `items` random item rows, with the exclusion filter, 2,000 requests:
 * wall-clock latency, and the CPU time of each request (which a busy machine does not inflate).
 */
function retrievalLatency(items: number, factors: number, settings: RecommendSettings): Record<string, number> {
  const model = new EalsModel({ ...settings, factors, maxConfidence: 10, initStd: 0.1 });
  model.ensureUsers(1000);
  model.ensureItems(items);
  const random = new SeededRandom(1);
  for (let n = 0; n < 20_000; n++) model.observe(Math.floor(random.next() * 1000), Math.floor(random.next() * items), 1, random.next() < 0.1);
  const filter = new CandidateFilter();
  const heap = new TopKHeap(10);
  const categories = new Int32Array(items).fill(-1);
  const latency = new LatencyRecorder();
  const cpuLatency = new LatencyRecorder();
  const isUnavailable = (item: number) => item % 97 === 0;
  for (let request = 0; request < 2_200; request++) {
    const user = request % 1000;
    const cpu = process.cpuUsage();
    const started = performance.now();
    filter.prepare(model.interactions, user, { excludeSeen: false, excludePurchased: true }, items, categories, { isUnavailable });
    topKByDotProduct(model.userFactors, user * factors, model.itemFactors, items, factors, filter, heap);
    filter.release();
    const ms = performance.now() - started;
    const { user: userMicros, system } = process.cpuUsage(cpu);
    if (request < 200) continue;
    latency.add(ms);
    cpuLatency.add((userMicros + system) / 1000);
  }
  return {
    items,
    factors,
    p50Ms: round(latency.percentile(50)),
    p99Ms: round(latency.percentile(99)),
    cpuP50Ms: round(cpuLatency.percentile(50)),
    cpuP99Ms: round(cpuLatency.percentile(99)),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
