// `pushflow eval behavior --data FILE --format taobao [--test-days N] [--json]`: trains the
// behaviour model on the days before the last N and compares it with the baselines on those days.

import { evaluateBehavior, type BehaviorEvaluation } from '../behavior/evaluateBehavior.js';
import type { FileFormat } from '../sources/fileSource.js';
import { configFromFlags, logLine, parseCommand } from './commonOptions.js';
import { UsageError } from './usage.js';

const FORMATS: FileFormat[] = ['taobao', 'jsonl', 'movielens'];

export async function evalBehaviorCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    data: { type: 'string' },
    format: { type: 'string' },
    'test-days': { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`eval behavior takes no arguments, got "${positionals.join(' ')}"`);
  if (values.data === undefined) throw new UsageError('eval behavior: --data FILE is required');
  const format = values.format as FileFormat | undefined;
  if (format === undefined || !FORMATS.includes(format)) {
    throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got ${format === undefined ? 'nothing' : `"${format}"`}`);
  }
  const testDays = Number(values['test-days'] ?? 2);
  if (!Number.isInteger(testDays) || testDays < 1) throw new UsageError(`--test-days: expected a whole number of days >= 1, got "${values['test-days']}"`);
  const config = configFromFlags(values);
  const report = await evaluateBehavior({ file: values.data, format, config, testDays, log: logLine });
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : renderEvaluation(report));
  return 0;
}

const fixed = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const whole = (value: number) => Math.round(value).toLocaleString('en-US');

/** The evaluation as the Markdown tables docs/BEHAVIOR.md carries. */
export function renderEvaluation(report: BehaviorEvaluation): string {
  const { data, model, nextCategory, purchase, activeHours, scoring } = report;
  const lines = [
    `data: ${data.file}: ${whole(data.events)} events, ${whole(data.users)} users, ${whole(data.categories)} categories; ` +
      `train ${whole(data.trainEvents)} events before ${data.testFrom}, test ${whole(data.testEvents)} events to ${data.testTo}` +
      (data.dropped > 0 ? ` (${data.dropped} invalid or out-of-range rows left out)` : ''),
    `model: GRU(${model.hiddenUnits}) over ${model.sequenceLength} events (buffer ${model.bufferLength}), vocabulary ${model.vocabularySize} + other, ` +
      `${model.inputCategories} input categories, ${whole(model.parameters)} parameters; backend ${model.backend}`,
    `training: ${whole(model.trainingExamples)} sequences x ${model.epochs} epochs, ${model.steps} steps in ${fixed(model.trainingSeconds, 1)} s ` +
      `(${whole(model.sequencesPerSecond)} sequences/s)`,
    `mean mixture weights: GRU ${fixed(model.meanGate[0], 2)}, last ${fixed(model.meanGate[1], 2)}, recent ${fixed(model.meanGate[2], 2)}, ` +
      `frequent ${fixed(model.meanGate[3], 2)}, Markov ${fixed(model.meanGate[4], 2)}`,
    `corrections kept (calibrated on the last training days): purchase ${model.correctionScales.purchase}, ` +
      `hours ${model.correctionScales.active.join(' ')}`,
    '',
    `Next category (${whole(nextCategory.cases)} test events; ${(nextCategory.vocabularyCoverage * 100).toFixed(0)}% in the vocabulary)`,
    '',
    '| predictor | Recall@5 | MRR@5 |',
    '|---|---|---|',
    ...nextCategory.rows.map((row) => `| ${row.name} | ${fixed(row.recallAt5)} | ${fixed(row.mrrAt5)} |`),
    '',
    `Purchase within 24 h (${whole(purchase.anchors)} anchors, ${whole(purchase.positives)} positive)`,
    '',
    '| predictor | AUC | log-loss |',
    '|---|---|---|',
    ...purchase.rows.map((row) => `| ${row.name} | ${fixed(row.auc)} | ${fixed(row.logLoss, 4)} |`),
    '',
    `Activity in each of the next 24 hours (${whole(activeHours.anchors)} anchors x 24; histogram smoothing ${activeHours.smoothingDays} days)`,
    '',
    '| predictor | log-loss | log-loss, hours 2-24 |',
    '|---|---|---|',
    ...activeHours.rows.map((row) => `| ${row.name} | ${fixed(row.logLoss, 4)} | ${fixed(row.logLossAfterFirstHour, 4)} |`),
    '',
    `Scoring: ${whole(scoring.users)} users in batches of ${scoring.batchSize}: ${whole(scoring.usersPerSecond)} users/s; ` +
      `one user alone: ${fixed(scoring.singleUserMedianMs, 1)} ms (median)`,
    `elapsed: ${fixed(report.elapsedSeconds, 1)} s`,
    '',
  ];
  return lines.join('\n');
}
