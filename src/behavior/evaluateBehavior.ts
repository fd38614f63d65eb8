// The offline evaluation of `pushflow eval behavior`: a time split of a behaviour file (train on
// the days before, test on the last `testDays` local days), the network trained on the training
// days exactly as a background round trains it, and compared on the test days with the
// baselines: next-category Recall@5 and MRR@5 against most-popular, first-order Markov, the
// user's own top categories and a last + own + Markov blend (all updated online as test events
// are revealed); purchase-in-24h AUC against logistic regression on RFM features; active-hour
// log-loss against the user's own hour histogram. Plus training throughput and scoring speed.

import type { PushflowConfig } from '../config/schema.js';
import { recordDecoder } from '../events/decode.js';
import type { BehaviorEvent } from '../events/types.js';
import { lineBatches } from '../sources/lineBatches.js';
import type { FileFormat } from '../sources/fileSource.js';
import type { RecordFormat } from '../sources/source.js';
import { categoryCode, sequenceOf, sequenceTypeIndex, UNKNOWN_CATEGORY, type EventSequence, type SequenceEvent } from './eventSequence.js';
import { auc, logLoss, mrrAtK, recallAtK } from './evaluationMetrics.js';
import { scoreSequences } from './scoreSequences.js';
import { loadTensorflow } from './tfBackend.js';
import { modelWeights } from './behaviorNetwork.js';
import { predictExamples } from './trainBehaviorModel.js';
import { trainCandidate } from './trainingRound.js';
import { ACTIVE_SLOTS, DAY_S, examplesOf, isActive, labelAt, type BehaviorExample } from './trainingExamples.js';
import { NEXT_CATEGORY_BASELINES, NextCategoryBaselines, type NextCategoryBaseline } from './baselines/nextCategoryBaselines.js';
import { LogisticRegression, rfmFeatures } from './baselines/rfmLogisticRegression.js';
import { HourHistogramBaseline } from './baselines/hourHistogram.js';
import { zoneOffsetMs } from '../decide/zonedTime.js';

const RECORD_FORMATS: Record<FileFormat, RecordFormat> = { taobao: 'taobao', jsonl: 'json', movielens: 'movielens' };

export interface EvaluateOptions {
  file: string;
  format: FileFormat;
  config: PushflowConfig;
  /** Local days at the end of the data that form the test set. */
  testDays: number;
  log?: (message: string) => void;
}

export interface BehaviorEvaluation {
  data: {
    file: string;
    events: number;
    users: number;
    categories: number;
    trainEvents: number;
    testEvents: number;
    /** First test instant and end of the data (ISO), in `defaults.timeZone` days. */
    testFrom: string;
    testTo: string;
    dropped: number;
  };
  model: {
    backend: string;
    hiddenUnits: number;
    sequenceLength: number;
    bufferLength: number;
    vocabularySize: number;
    inputCategories: number;
    parameters: number;
    trainingExamples: number;
    epochs: number;
    steps: number;
    trainingSeconds: number;
    sequencesPerSecond: number;
    /** Mean mixture weights over the users' latest events: GRU softmax, last, recent, frequent, Markov. */
    meanGate: number[];
    /** Share of the network's corrections to the purchase prior and the 24 hour priors it keeps (calibrated on held-out days). */
    correctionScales: { purchase: number; active: number[] };
  };
  nextCategory: {
    cases: number;
    /** Share of the test cases whose category the network's vocabulary names. */
    vocabularyCoverage: number;
    rows: { name: string; recallAt5: number; mrrAt5: number }[];
  };
  purchase: { anchors: number; positives: number; rows: { name: string; auc: number; logLoss: number }[] };
  activeHours: { anchors: number; smoothingDays: number; rows: { name: string; logLoss: number; logLossAfterFirstHour: number }[] };
  scoring: { users: number; batchSize: number; usersPerSecond: number; singleUserMedianMs: number };
  elapsedSeconds: number;
}

interface LoadedEvents {
  events: BehaviorEvent[];
  invalid: number;
}

async function loadEvents(file: string, format: FileFormat, config: PushflowConfig): Promise<LoadedEvents> {
  const decode = recordDecoder(RECORD_FORMATS[format], {
    maxPayloadBytes: config.events.maxPayloadBytes,
    maxFutureSkewMs: Infinity,
    minTime: Date.UTC(1990, 0, 1),
  });
  const events: BehaviorEvent[] = [];
  const seen = new Set<string>();
  let invalid = 0;
  for await (const lines of lineBatches(file, 10_000)) {
    for (const { line, text } of lines) {
      if (text.length === 0 || (line === 0 && format === 'movielens' && text.startsWith('userId,'))) continue;
      const decoded = decode({ raw: text, offset: String(line) }, Date.now());
      if (!decoded.ok) {
        invalid++;
        continue;
      }
      const event = decoded.event;
      if (event.kind !== 'behavior' || sequenceTypeIndex(event.type) < 0 || seen.has(event.id)) continue;
      seen.add(event.id);
      events.push(event);
    }
  }
  events.sort((a, b) => a.time - b.time);
  return { events, invalid };
}

/** UTC offset of a zone at an instant, in seconds (the evaluator's day boundaries). */
export function zoneOffsetSeconds(zone: string, timeMs: number): number {
  return Math.round(zoneOffsetMs(zone, timeMs) / 1000);
}

/**
 * The test window: the last `testDays` local days that hold real traffic (a day with under a
 * tenth of the median day's events is stray dirty data, as the Taobao file's few out-of-range rows).
 */
export function testWindow(times: readonly number[], zone: string, testDays: number): { from: number; to: number } {
  const offset = zoneOffsetSeconds(zone, times[Math.floor(times.length / 2)] * 1000);
  const days = new Map<number, number>();
  for (const time of times) {
    const day = Math.floor((time + offset) / DAY_S);
    days.set(day, (days.get(day) ?? 0) + 1);
  }
  const counts = [...days.values()].sort((a, b) => a - b);
  const median = counts[Math.floor(counts.length / 2)];
  const real = [...days].filter(([, count]) => count >= median / 10).map(([day]) => day);
  const last = Math.max(...real);
  return { from: (last - testDays + 1) * DAY_S - offset, to: (last + 1) * DAY_S - offset };
}

export async function evaluateBehavior(options: EvaluateOptions): Promise<BehaviorEvaluation> {
  const started = performance.now();
  const { config, log } = options;
  const settings = config.behavior;
  const { events, invalid } = await loadEvents(options.file, options.format, config);
  if (events.length === 0) throw new Error(`eval behavior: no behaviour events in ${options.file}`);
  const times = events.map((event) => Math.floor(event.time / 1000));
  const { from: cutoff, to: end } = testWindow(times, config.defaults.timeZone, options.testDays);
  log?.(`eval behavior: ${events.length} events; test from ${new Date(cutoff * 1000).toISOString()} to ${new Date(end * 1000).toISOString()}`);

  // Every user's whole history (the model reads only its last `bufferLength`, as in production).
  const byUser = new Map<string, SequenceEvent[]>();
  const categories = new Set<number>();
  let dropped = invalid;
  let trainEvents = 0;
  let testEvents = 0;
  for (const event of events) {
    const time = Math.floor(event.time / 1000);
    if (time >= end) {
      dropped++;
      continue;
    }
    if (time >= cutoff) testEvents++;
    else trainEvents++;
    const category = categoryCode(event.categoryId);
    categories.add(category);
    let list = byUser.get(event.userId);
    if (list === undefined) byUser.set(event.userId, (list = []));
    list.push({ time, type: sequenceTypeIndex(event.type), category });
  }
  const userIds = [...byUser.keys()];
  const sequences: EventSequence[] = userIds.map((userId) => sequenceOf(byUser.get(userId)!, Infinity)!);

  // Training: exactly a background round over the data before the cutoff (its own holdout,
  // the most recent slice of those days, calibrates the corrections).
  const allTraining = examplesOf(sequences, { to: cutoff, horizon: cutoff });
  const shape = {
    sequenceLength: Math.min(settings.sequenceLength, settings.bufferLength),
    historyWindow: settings.bufferLength,
    hiddenUnits: settings.hiddenUnits,
    vocabularySize: settings.vocabularySize,
    inputCategories: settings.inputCategories,
  };
  const runtime = await loadTensorflow(settings.backend, log);
  const { tf } = runtime;
  log?.(`eval behavior: training on up to ${settings.training.maxExamples} of ${allTraining.length} sequences (${settings.training.epochs} epochs, ${runtime.backend})`);
  let lastReport = performance.now();
  const candidate = await trainCandidate(tf, sequences, cutoff, shape, { ...settings.training, maxSeconds: Infinity }, {
    afterStep: () => {
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        log?.(`eval behavior: training… ${Math.round((performance.now() - started) / 1000)} s`);
      }
    },
  });
  const { model, meta, stats } = candidate;
  log?.(`eval behavior: trained ${stats.sequences} sequences in ${stats.seconds.toFixed(1)} s (${Math.round(stats.sequencesPerSecond)}/s); ` +
    `corrections kept: purchase ${meta.json.purchaseCorrectionScale}, hours ${meta.json.activeCorrectionScale.join(' ')}`);

  // Test cases: next-category cases are test events with an earlier event by the same user;
  // purchase and activity anchors are test events whose following 24 hours are in the data.
  const test: BehaviorExample[] = [];
  const caseKey = new Map<string, number>();
  sequences.forEach((sequence, s) => {
    for (let j = 0; j < sequence.length; j++) {
      const time = sequence.times[j];
      const nextIsTest = j + 1 < sequence.length && sequence.times[j + 1] >= cutoff && sequence.categories[j + 1] !== UNKNOWN_CATEGORY;
      const futureIsTest = time >= cutoff && time + DAY_S < end;
      if (!nextIsTest && !futureIsTest) continue;
      const example = labelAt(sequence, j, end);
      example.sequence = s;
      if (!nextIsTest) example.next = -1;
      if (!futureIsTest) example.future = false;
      if (nextIsTest) caseKey.set(`${s}:${j + 1}`, test.length);
      test.push(example);
    }
  });
  const weights = modelWeights(model);
  const predictions = await predictExamples(tf, weights, meta, sequences, test, settings.scoring.batchSize);

  // Next category: the model, its GRU alone, and the baselines walked online in time order.
  const nextCases = test.map((example, i) => ({ example, i })).filter(({ example }) => example.next >= 0);
  const truths = nextCases.map(({ example }) => example.next);
  const modelRankings = nextCases.map(({ i }) => predictions.ranked[i]);
  const baselines = new NextCategoryBaselines();
  const baselineRankings: Record<NextCategoryBaseline, number[][]> = { popularity: [], markov: [], ownHistory: [], lastOwnMarkov: [] };
  const caseRankings = new Map<number, Record<NextCategoryBaseline, number[]>>();
  const position = new Map<string, number>();
  const userIndex = new Map(userIds.map((userId, s) => [userId, s]));
  for (const event of events) {
    const time = Math.floor(event.time / 1000);
    if (time >= end) continue;
    const s = userIndex.get(event.userId)!;
    const p = position.get(event.userId) ?? 0;
    position.set(event.userId, p + 1);
    const category = categoryCode(event.categoryId);
    const index = caseKey.get(`${s}:${p}`);
    if (index !== undefined) caseRankings.set(index, baselines.rank(event.userId, 5));
    if (category !== UNKNOWN_CATEGORY) baselines.observe(event.userId, category);
  }
  for (const { i } of nextCases) {
    const ranked = caseRankings.get(i)!;
    for (const name of NEXT_CATEGORY_BASELINES) baselineRankings[name].push(ranked[name]);
  }
  const inVocabulary = truths.filter((code) => meta.vocabularyIndex.has(code)).length;
  const nextRows = [
    { name: 'behaviour model (GRU + own history + Markov mixture)', rankings: modelRankings },
    { name: "the GRU's softmax alone (vocabulary only)", rankings: nextCases.map(({ i }) => predictions.gruRanked[i]) },
    { name: 'first-order Markov chain (online)', rankings: baselineRankings.markov },
    { name: 'most popular (online)', rankings: baselineRankings.popularity },
    { name: "user's own most frequent (online)", rankings: baselineRankings.ownHistory },
    { name: 'last + own top + Markov blend (online)', rankings: baselineRankings.lastOwnMarkov },
  ].map(({ name, rankings }) => ({ name, recallAt5: recallAtK(rankings, truths, 5), mrrAt5: mrrAtK(rankings, truths, 5) }));

  // Purchase within 24 hours: RFM logistic regression fitted on the training anchors.
  const futureTraining = allTraining.filter((example) => example.future);
  const rfm = new LogisticRegression().fit(
    futureTraining.map((example) => rfmFeatures(sequences[example.sequence], example.anchor)),
    futureTraining.map((example) => example.purchase),
  );
  const futureCases = test.map((example, i) => ({ example, i })).filter(({ example }) => example.future);
  const purchaseLabels = futureCases.map(({ example }) => example.purchase);
  const modelPurchase = futureCases.map(({ i }) => predictions.purchase[i]);
  const rfmPurchase = futureCases.map(({ example }) => rfm.predict(rfmFeatures(sequences[example.sequence], example.anchor)));

  // Active hours: the user's own hour histogram, smoothing tuned on the training anchors.
  const histogram = HourHistogramBaseline.tuned(sequences, futureTraining, meta.hourRates);
  const activeLoss = (probability: (case_: { example: BehaviorExample; i: number }, k: number) => number, fromSlot: number) => {
    const probabilities: number[] = [];
    const labels: boolean[] = [];
    for (const case_ of futureCases) {
      for (let k = fromSlot; k < ACTIVE_SLOTS; k++) {
        probabilities.push(probability(case_, k));
        labels.push(isActive(case_.example, k));
      }
    }
    return logLoss(probabilities, labels);
  };
  const histogramPriors = new Map(futureCases.map(({ example, i }) => [i, histogram.predict(sequences[example.sequence], example.anchor)]));
  const modelActive = ({ i }: { i: number }, k: number) => predictions.active[i * ACTIVE_SLOTS + k];
  const histogramActive = ({ i }: { i: number }, k: number) => histogramPriors.get(i)![k];

  // Scoring speed: every user as of their latest event, batched; then one user at a time.
  const scoringModel = { tf, weights, meta };
  const scoringStarted = performance.now();
  scoreSequences(scoringModel, sequences, settings.scoring.batchSize);
  const batchedSeconds = (performance.now() - scoringStarted) / 1000;
  const single: number[] = [];
  for (const sequence of sequences.slice(0, 100)) {
    const at = performance.now();
    scoreSequences(scoringModel, [sequence], 1);
    single.push(performance.now() - at);
  }
  single.sort((a, b) => a - b);

  const gateSums = new Array<number>(5).fill(0);
  const scored = scoreSequences(scoringModel, sequences, settings.scoring.batchSize);
  for (const score of scored) score.gate.forEach((g, k) => (gateSums[k] += g / scored.length));

  const parameters = model.countParams();
  model.dispose();
  return {
    data: {
      file: options.file,
      events: events.length,
      users: userIds.length,
      categories: categories.size,
      trainEvents,
      testEvents,
      testFrom: new Date(cutoff * 1000).toISOString(),
      testTo: new Date(end * 1000).toISOString(),
      dropped,
    },
    model: {
      backend: runtime.backend,
      hiddenUnits: shape.hiddenUnits,
      sequenceLength: shape.sequenceLength,
      bufferLength: settings.bufferLength,
      vocabularySize: meta.json.vocabulary.length,
      inputCategories: meta.json.inputVocabulary.length,
      parameters,
      trainingExamples: candidate.trained,
      epochs: settings.training.epochs,
      steps: stats.steps,
      trainingSeconds: stats.seconds,
      sequencesPerSecond: stats.sequencesPerSecond,
      meanGate: gateSums,
      correctionScales: { purchase: meta.json.purchaseCorrectionScale, active: meta.json.activeCorrectionScale },
    },
    nextCategory: { cases: truths.length, vocabularyCoverage: inVocabulary / Math.max(1, truths.length), rows: nextRows },
    purchase: {
      anchors: futureCases.length,
      positives: purchaseLabels.filter(Boolean).length,
      rows: [
        { name: 'behaviour model (purchase head)', auc: auc(modelPurchase, purchaseLabels), logLoss: logLoss(modelPurchase, purchaseLabels) },
        { name: 'logistic regression on RFM features', auc: auc(rfmPurchase, purchaseLabels), logLoss: logLoss(rfmPurchase, purchaseLabels) },
      ],
    },
    activeHours: {
      anchors: futureCases.length,
      smoothingDays: histogram.smoothingDays,
      rows: [
        { name: 'behaviour model (active-hours head)', logLoss: activeLoss(modelActive, 0), logLossAfterFirstHour: activeLoss(modelActive, 1) },
        { name: "user's own hour histogram", logLoss: activeLoss(histogramActive, 0), logLossAfterFirstHour: activeLoss(histogramActive, 1) },
      ],
    },
    scoring: {
      users: sequences.length,
      batchSize: settings.scoring.batchSize,
      usersPerSecond: sequences.length / batchedSeconds,
      singleUserMedianMs: single[Math.floor(single.length / 2)],
    },
    elapsedSeconds: (performance.now() - started) / 1000,
  };
}
