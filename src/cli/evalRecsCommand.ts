// `pushflow eval recs --data FILE --format taobao|movielens`: the prequential evaluation of the
// recommenders (src/recommend/prequentialEvaluator.ts) on a data set, printed as a table, or as
// JSON with --json.

import { readInteractionFile, type InteractionFormat } from '../recommend/interactionFile.js';
import { evaluatePrequential, type EvaluationReport } from '../recommend/prequentialEvaluator.js';
import { MODEL_NAMES, type ModelName } from '../recommend/recommender.js';
import { configFromFlags, logLine, parseCommand } from './commonOptions.js';
import { UsageError } from './usage.js';

const FORMATS: InteractionFormat[] = ['taobao', 'movielens'];
const DEFAULT_MODELS: ModelName[] = ['eals', 'popularity', 'covisit', 'category', 'hybrid', 'random'];

export async function evalRecsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    data: { type: 'string' },
    format: { type: 'string' },
    k: { type: 'string', default: '10' },
    models: { type: 'string' },
    seen: { type: 'string' },
    'train-fraction': { type: 'string', default: '0.9' },
    'test-end': { type: 'string', default: '1' },
    sweeps: { type: 'string', default: '20' },
    'sweep-every': { type: 'string', default: '0' },
  });
  if (positionals.length > 0) throw new UsageError(`eval recs takes no positional arguments, got "${positionals.join(' ')}"`);
  if (values.data === undefined) throw new UsageError('eval recs needs --data FILE');
  const format = values.format as InteractionFormat | undefined;
  if (format === undefined || !FORMATS.includes(format)) {
    throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got ${format === undefined ? 'nothing' : `"${format}"`}`);
  }
  const models = (values.models?.split(',') ?? DEFAULT_MODELS) as ModelName[];
  for (const model of models) {
    if (!MODEL_NAMES.includes(model)) throw new UsageError(`--models: unknown model "${model}"; expected some of ${MODEL_NAMES.join(', ')}`);
  }
  const seen = values.seen ?? 'exclude';
  if (seen !== 'exclude' && seen !== 'allow') throw new UsageError(`--seen: expected exclude or allow, got "${seen}"`);
  const number = (flag: string, min: number, max: number): number => {
    const text = (values as Record<string, unknown>)[flag] as string;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) throw new UsageError(`--${flag}: expected a number from ${min} to ${max}, got "${text}"`);
    return value;
  };
  const k = number('k', 1, 1000);
  const config = configFromFlags(values);

  const file = await readInteractionFile(values.data, format);
  logLine(`eval recs: ${file.interactions.length} interactions from ${values.data} (${file.rejected} rows rejected)`);
  const report = evaluatePrequential(file.interactions, {
    settings: config.recommend,
    k,
    models,
    excludeSeen: seen === 'exclude',
    trainFraction: number('train-fraction', 0.01, 0.99),
    testEndFraction: number('test-end', 0.02, 1),
    trainSweeps: number('sweeps', 0, 1000),
    sweepEvery: number('sweep-every', 0, 1e9),
    onProgress: process.stderr.isTTY ? (done, total) => process.stderr.write(`\r${done}/${total} test interactions…`) : undefined,
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  if (values.json) process.stdout.write(`${JSON.stringify({ data: values.data, format, ...report })}\n`);
  else process.stdout.write(renderEvaluation(report));
  return 0;
}

const pad = (text: string, width: number) => text.padStart(width);
const fixed = (value: number, digits = 4) => value.toFixed(digits);

/** The evaluation as a Markdown table, with the protocol in a few lines above it. */
export function renderEvaluation(report: EvaluationReport): string {
  const k = report.k;
  const lines = [
    `${report.interactions} interactions: ${report.trainInteractions} train, ${report.testInteractions} test, ${report.scored} scored` +
      (report.excludeSeen ? ` (${report.skippedRevisits} re-visits learned, not scored; items the user interacted with excluded)` : ' (nothing excluded)'),
    `${report.users} users, ${report.items} items; eALS prefix training ${report.trainMs} ms; online updates ${report.updates.perSec.toLocaleString('en-US')} interactions/s (all models)`,
    '',
    `| model | HR@${k} | NDCG@${k} | Recall@20 | HR@${k} with history | NDCG@${k} with history | recommend p50 ms | p99 ms |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const result of report.models) {
    lines.push(
      `| ${result.model} | ${fixed(result.all.hr)} | ${fixed(result.all.ndcg)} | ${fixed(result.all.recall20)} | ` +
        `${fixed(result.withHistory.hr)} | ${fixed(result.withHistory.ndcg)} | ${pad(fixed(result.latencyMs.p50, 3), 6)} | ${pad(fixed(result.latencyMs.p99, 3), 6)} |`,
    );
  }
  const withHistory = report.models[0]?.withHistory.count ?? 0;
  lines.push('', `(with history: ${withHistory} of the ${report.scored} scored interactions, whose user had interacted before)`, '');
  return lines.join('\n');
}
