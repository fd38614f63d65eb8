// What a pipeline definition is: a named function from the stream of valid, deduplicated
// events (and the watermark) to notification candidates. The same definition runs in production
// (Kafka or file source, LMDB on disk) and under the test driver (arrays in, virtual time).

import type { Observable } from 'rxjs';
import type { PushflowEvent } from '../events/types.js';
import type { PushflowConfig } from '../config/schema.js';
import type { StateStore } from '../../state/stateStore.js';
import type { TimerStore } from '../../state/timerStore.js';
import type { CatalogStore } from '../../state/catalogStore.js';
import type { UserStore } from '../../state/userStore.js';
import type { Clock } from './clock.js';
import type { PushflowMetrics } from '../observability/metrics.js';
import type { TriggerPorts } from '../../pipelines/ports.js';

/** A reason to notify a user, before policy and rendering decide whether, when and how. */
export interface NotificationCandidate {
  /** Trigger type, e.g. `abandoned_cart`; selects the template. */
  type: string;
  priority: 'transactional' | 'marketing';
  userId: string;
  /** The same dedupe key never produces two notifications, across restarts and replays. */
  dedupeKey: string;
  /** Event time the candidate arose at. */
  time: number;
  /** Values for the template and the receiver. */
  payload: Record<string, unknown>;
  /** Preferred channel, when the trigger has one. */
  channel?: 'push' | 'email' | 'sms' | 'webhook';
}

export interface PipelineContext {
  readonly config: PushflowConfig;
  /** Event time: emits each time the watermark advances, before the event that advanced it. */
  readonly watermark$: Observable<number>;
  /**
   * Emits once at the end of each batch (and of each idle tick), inside its transaction, before
   * the commit: where state kept in memory during the batch is written back to LMDB.
   */
  readonly batchEnd$: Observable<void>;
  /** Processing time (virtual under the test driver). */
  readonly clock: Clock;
  readonly state: StateStore;
  readonly catalog: CatalogStore;
  readonly users: UserStore;
  /** The pipeline's own named, durable timer store. */
  timers<P>(name: string): TimerStore<P>;
  /** Prometheus metrics, when the process exports them (absent under the test driver). */
  readonly metrics?: PushflowMetrics;
  /**
   * What triggers ask of the models (recommendations, segments, profiles, behaviour), where
   * the process has them; read on each call, so they may be filled in after the graphs are
   * built. Triggers fall back to built-in answers for what is missing (`pipelines/ports.ts`).
   */
  readonly ports?: Partial<TriggerPorts>;
}

export interface PipelineDefinition {
  /** Unique name; names the pipeline in metrics and errors. */
  readonly name: string;
  /** Whether the configuration switches it on (default: always). */
  enabled?(config: PushflowConfig): boolean;
  /**
   * Builds the graph once per process (and again after the graph failed on an event).
   * Everything it does runs synchronously inside the batch's transaction.
   */
  build(events$: Observable<PushflowEvent>, context: PipelineContext): Observable<NotificationCandidate>;
}

export function definePipeline(definition: PipelineDefinition): PipelineDefinition {
  return definition;
}
