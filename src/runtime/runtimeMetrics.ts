// What the runtime reports after each committed batch. An interface, so that the runtime does
// not depend on how metrics are exported; `promRuntimeMetrics` maps it onto Prometheus.

import type { BatchSummary } from './runTotals.js';

export interface RuntimeMetrics {
  recordBatch(source: string, summary: BatchSummary, seconds: number, now: number): void;
  setWatermark(source: string, watermark: number, now: number): void;
  setOutboxDepth(depth: number): void;
  pipelineError(pipeline: string): void;
}
