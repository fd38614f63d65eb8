// The notification policies `pushflow simulate` compares, as configuration over the defaults
// and the trigger ports they plug in. All three run the same triggers over the same world:
// - personalized: everything pushflow has, connected as the process connects it: recommended
//   items per user, best send time from profiles, caps lowered by fatigue, the value-aware daily
//   budget, channel engagement, the variant bandit;
// - blast: one size fits all: the same popular items for everyone, sent at once (no send time,
//   no quiet hours), no caps nor budget, the daily digest to every user who was ever active;
// - random: random items and random hours, with the default caps, no budget, no learning.

import type { StateStore } from '../../state/stateStore.js';
import type { PushflowConfig } from '../config/schema.js';
import type { TriggerPorts } from '../../pipelines/ports.js';
import type { SendTimeSignals } from '../decide/sendTimeSignals.js';
import { connectModels } from '../app/modelConnections.js';
import { Random } from '../sources/simulator/random.js';

export const SIMULATION_POLICIES = ['personalized', 'blast', 'random'] as const;
export type SimulationPolicy = (typeof SIMULATION_POLICIES)[number];

/** Configuration every simulated run uses: deterministic (no background sweep) and quiet. */
const COMMON: Record<string, unknown> = {
  metrics: { enabled: false },
  recommend: { sweepIntervalSeconds: 0 },
  behavior: { enabled: false },
};

/** The policy's configuration overrides (deep-merged over the defaults and the user's file). */
export function policyOverrides(policy: SimulationPolicy): Record<string, unknown> {
  switch (policy) {
    case 'personalized':
      return COMMON;
    case 'blast':
      return deepMerge(COMMON, {
        policy: { caps: { enabled: false }, budget: { enabled: false }, sendTime: { enabled: false }, quietHours: { enabled: false } },
        triggers: { recommendationDigest: { activeWithinDays: 60 } },
        learning: { fatigue: { enabled: false }, bandit: { enabled: false } },
      });
    case 'random':
      return deepMerge(COMMON, {
        policy: { sendTime: { enabled: false }, budget: { enabled: false } },
        learning: { fatigue: { enabled: false }, bandit: { enabled: false } },
      });
  }
}

/** What each policy connects: the real process's model connections, none (blast), or random answers. */
export function policyConnections(
  policy: SimulationPolicy,
  state: StateStore,
  config: PushflowConfig,
  world: { seed: number; itemIds: (index: number) => string; items: number },
): { ports: Partial<TriggerPorts>; signals: SendTimeSignals } {
  switch (policy) {
    case 'personalized':
      // As `PushflowProcess` connects them: recommender picks, profiles, segments, send-time signals.
      return connectModels(state, config);
    case 'blast':
      // The triggers' own fallback: what most users liked lately, the same for everyone.
      return { ports: {}, signals: {} };
    case 'random':
      return { ports: randomPorts(world), signals: {} };
  }
}

function randomPorts(world: { seed: number; itemIds: (index: number) => string; items: number }): Partial<TriggerPorts> {
  const random = new Random(world.seed, 21);
  return {
    recommendItems: (_userId, k) => Array.from({ length: k }, () => ({ itemId: world.itemIds(random.int(world.items)), reason: 'random' })),
    bestSendHour: () => random.int(24),
  };
}

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const before = merged[key];
    merged[key] =
      isPlainObject(before) && isPlainObject(value) ? deepMerge(before, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
