// A PushflowProcess wired as in production for delivery tests: the configured sinks (real local
// servers behind them), dead letters to a JSONL file, metrics in a registry of its own; and the
// reading of a labelled counter the tests assert on.

import { join } from 'node:path';
import { PushflowProcess } from '../../src/app/pushflowProcess.js';
import type { PushflowConfig } from '../../src/config/schema.js';
import { createMetrics, type PushflowMetrics } from '../../src/observability/metrics.js';
import type { PipelineDefinition } from '../../src/runtime/pipeline.js';
import { JsonlFileSink } from '../../src/sinks/jsonlSink.js';
import type { DeadLetter } from '../../src/sinks/sink.js';

export function deliveryProcess(config: PushflowConfig, pipelines: PipelineDefinition[], dir: string): { pushflow: PushflowProcess; metrics: PushflowMetrics } {
  const metrics = createMetrics(undefined, { collectDefaultMetrics: false });
  const pushflow = new PushflowProcess({
    config,
    pipelines,
    deadLetterSink: new JsonlFileSink<DeadLetter>(join(dir, 'dlq.jsonl')),
    metrics,
  });
  return { pushflow, metrics };
}

/** A counter's values by one label, e.g. suppressions by reason. */
export async function labelValues(
  metric: { get(): Promise<{ values: { labels: Record<string, string | number>; value: number }[] }> },
  label: string,
): Promise<Record<string, number>> {
  return Object.fromEntries((await metric.get()).values.map((v) => [String(v.labels[label]), v.value]));
}
