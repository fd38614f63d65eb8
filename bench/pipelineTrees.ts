// The pipeline trees the throughput benchmarks measure on the same data in the same run, from the
// runtime of issue #2 alone to everything the defaults enable, as environment overrides.

import { onlyFeaturesEnv } from '../src/config/featureSwitches.js';

export interface PipelineTree {
  name: string;
  env: Record<string, string>;
}

export function pipelineTrees(): PipelineTree[] {
  return [
    // Issue #2's pipeline: ingest, dedupe, watermark, the abandoned-cart trigger, rendering, outbox.
    { name: 'runtime + abandoned cart', env: onlyFeaturesEnv(['triggers.abandonedCart']) },
    // Everything but the two models that learn per event.
    { name: 'default without recommender and behaviour model', env: { PUSHFLOW_RECOMMEND__ENABLED: 'false', PUSHFLOW_BEHAVIOR__ENABLED: 'false' } },
    { name: 'default (every feature)', env: {} },
  ];
}
