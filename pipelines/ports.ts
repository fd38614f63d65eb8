// What the triggers ask of the models that other parts of the system build (recommendations,
// segments and profiles, the behaviour model, send-time), as small functions, with built-in
// fallbacks so that every trigger works, and is tested, whether or not those models are there.
// The process hands the real ones to the pipelines as `context.ports`; tests use `withPorts`.

import type { PipelineContext, PipelineDefinition } from '../src/runtime/pipeline.js';
import type { CatalogStore } from '../state/catalogStore.js';
import type { ItemInterest } from '../state/itemInterest.js';

export interface RecommendedItem {
  itemId: string;
  /** Why it was picked, for the message and the receiver (e.g. `popular`, `similar:<itemId>`). */
  reason?: string;
}

export interface TriggerPorts {
  /** Up to `k` items for the user, best first. Fallback: the items most users showed interest in lately. */
  recommendItems(userId: string, k: number): RecommendedItem[];
  /** The user's segment. Fallback: none (a campaign that targets segments reaches nobody). */
  userSegment(userId: string): string | undefined;
  /** Local hour (0-23) the user most likely reads a message at. Fallback: the trigger's `defaultSendHour`. */
  bestSendHour(userId: string): number | undefined;
  /** The category the user is predicted to look at next. Fallback: none. */
  nextInterest(userId: string): string | undefined;
  /** Profile attributes that campaign filters match. Fallback: none (attribute filters match nobody). */
  userProfile(userId: string): Readonly<Record<string, unknown>> | undefined;
  /**
   * The behaviour model's probability of a purchase within 24 h of the user's latest event (also
   * read by the policy's propensity gate). `pending`: the user's scores are being computed, ask
   * again later. Fallback: unknown.
   */
  purchasePropensity(userId: string): PropensityReading;
}

export type PropensityReading = { probability: number; asOf: number } | 'pending' | undefined;

const NO_PORTS: TriggerPorts = {
  recommendItems: () => [],
  userSegment: () => undefined,
  bestSendHour: () => undefined,
  nextInterest: () => undefined,
  userProfile: () => undefined,
  purchasePropensity: () => undefined,
};

/**
 * The ports a trigger calls: the context's where given, else `fallbacks`, else "nothing known".
 * Looked up on every call, so the process may connect a model after the graphs were built. A
 * connected recommender with nothing to offer (an empty model) gives way to the trigger's fallback.
 */
export function triggerPorts(context: PipelineContext, fallbacks: Partial<TriggerPorts> = {}): TriggerPorts {
  const pick = <K extends keyof TriggerPorts>(name: K): TriggerPorts[K] => (context.ports?.[name] ?? fallbacks[name] ?? NO_PORTS[name]) as TriggerPorts[K];
  return {
    recommendItems: (userId, k) => {
      const items = pick('recommendItems')(userId, k);
      return items.length > 0 || fallbacks.recommendItems === undefined ? items : fallbacks.recommendItems(userId, k);
    },
    userSegment: (userId) => pick('userSegment')(userId),
    bestSendHour: (userId) => pick('bestSendHour')(userId),
    nextInterest: (userId) => pick('nextInterest')(userId),
    userProfile: (userId) => pick('userProfile')(userId),
    purchasePropensity: (userId) => pick('purchasePropensity')(userId),
  };
}

/** The definition with `ports` laid over its context's: how tests (or a process) plug models in. */
export function withPorts(definition: PipelineDefinition, ports: Partial<TriggerPorts>): PipelineDefinition {
  return { ...definition, build: (events$, context) => definition.build(events$, { ...context, ports: { ...context.ports, ...ports } }) };
}

const HOUR_MS = 3_600_000;

/**
 * The `recommendItems` fallback: the items most users favourited, carted or viewed repeatedly
 * within `withinMs` before `now()`, in stock as far as the catalog knows, the same for everyone.
 * Computed at most once per event-time hour (it scans the interest index).
 */
export function popularItemsFallback(
  interest: ItemInterest,
  catalog: CatalogStore,
  now: () => number,
  withinMs: number,
): TriggerPorts['recommendItems'] {
  let hour = NaN;
  let depth = 0;
  let items: RecommendedItem[] = [];
  return (_userId, k) => {
    const current = Math.floor(now() / HOUR_MS);
    if (current !== hour || k > depth) {
      hour = current;
      depth = k;
      items = interest
        .popular(now(), k * 2, withinMs)
        .filter(({ itemId }) => catalog.get(itemId)?.stock !== 0)
        .map(({ itemId }) => ({ itemId, reason: 'popular' }));
    }
    return items.slice(0, k);
  };
}
