// A pipeline that only remembers its context, so that a pipeline test can read the stores of the
// runtime the test driver built (and rebuilt, after a restart).

import { EMPTY } from 'rxjs';
import { definePipeline, type PipelineContext } from '../../src/runtime/pipeline.js';

export function contextProbe() {
  let context: PipelineContext | undefined;
  return {
    pipeline: definePipeline({
      name: 'probe',
      build(_events$, built) {
        context = built;
        return EMPTY;
      },
    }),
    get context(): PipelineContext {
      if (context === undefined) throw new Error('the probe pipeline was not built');
      return context;
    },
  };
}
