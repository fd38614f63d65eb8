// Every pipeline of the process, in the order they see each event: state that others read
// (catalog, users) is updated first.

import type { PipelineDefinition } from '../src/runtime/pipeline.js';
import { catalogAndUsers } from './catalogAndUsers.js';
import { abandonedCart } from './abandonedCart.js';

export const ALL_PIPELINES: PipelineDefinition[] = [catalogAndUsers, abandonedCart];
