// What `run` and `replay` share: metrics, the process with its sinks, signal handling.

import type { PushflowConfig } from '../config/schema.js';
import { createMetrics } from '../observability/metrics.js';
import { PushflowProcess, type RunReport } from '../app/pushflowProcess.js';
import type { Source } from '../sources/source.js';
import type { PushflowMetrics } from '../observability/metrics.js';
import { ALL_PIPELINES } from '../../pipelines/index.js';
import { logLine } from './commonOptions.js';

/** Runs the source built by `makeSource` (which gets the metrics, e.g. for consumer lag) to its end or a signal. */
export async function runToCompletion(
  config: PushflowConfig,
  makeSource: (metrics: PushflowMetrics) => Source,
  options: { idleTicks: boolean; onProgress?: (process: PushflowProcess) => void },
): Promise<RunReport> {
  const metrics = createMetrics();
  const source = makeSource(metrics);
  const pushflow = new PushflowProcess({
    config,
    pipelines: ALL_PIPELINES,
    metrics,
    idleTicks: options.idleTicks,
    log: logLine,
  });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logLine(`${signal} again: exiting now; the batch in hand was not committed and will be processed again`);
      process.exit(130);
    }
    logLine(`${signal}: finishing the batch in hand, committing and stopping`);
    void pushflow.stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const progress = options.onProgress ? setInterval(() => options.onProgress!(pushflow), 1_000) : undefined;
  try {
    const port = await pushflow.serveMetrics();
    if (port !== undefined) logLine(`metrics on http://${config.metrics.host}:${port}/metrics`);
    logLine(`pushflow: ${source.id} -> ${config.sinks.notifications}, state in ${config.dataDir}`);
    return await pushflow.run(source);
  } finally {
    if (progress) clearInterval(progress);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await pushflow.close();
  }
}

/** The flat JSON object `--json` prints as the last line of stdout. */
export function reportSummary(report: RunReport): Record<string, unknown> {
  const { totals, ...run } = report;
  return { ...totals, ...run };
}
