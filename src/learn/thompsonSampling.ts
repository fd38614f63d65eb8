// Thompson sampling over template variants: each eligible variant's success rate is drawn from
// its Beta(1 + successes, 1 + failures) posterior, a variant the user saw recently for the same
// type has its draw cut by the recency penalty (so users do not see the same copy again and
// again while the bandit still converges on the best one), and the best draw wins.

import type { Random } from '../sources/simulator/random.js';
import type { VariantOutcomes } from '../../state/banditPosteriors.js';

export interface VariantArm {
  variant: string;
  outcomes: VariantOutcomes;
  /** The user saw this variant for the type within the recency window. */
  recent: boolean;
}

/** A draw from Beta(a, b), a, b >= 1, as X / (X + Y) of two gammas. */
export function sampleBeta(random: Random, a: number, b: number): number {
  const x = random.gamma(a);
  const y = random.gamma(b);
  return x / (x + y);
}

/**
 * The variant to show, or undefined when there is none.
 * @example
 * thompsonChoice(random, [{ variant: 'a', outcomes: { impressions: 100, successes: 2 }, recent: false },
 *                         { variant: 'b', outcomes: { impressions: 100, successes: 9 }, recent: false }], 0.3);
 * // 'b' almost always
 */
export function thompsonChoice(random: Random, arms: readonly VariantArm[], recencyPenalty: number): string | undefined {
  let best: string | undefined;
  let bestDraw = -1;
  for (const { variant, outcomes, recent } of arms) {
    const failures = Math.max(0, outcomes.impressions - outcomes.successes);
    let draw = sampleBeta(random, 1 + outcomes.successes, 1 + failures);
    if (recent) draw *= 1 - recencyPenalty;
    if (draw > bestDraw) {
      bestDraw = draw;
      best = variant;
    }
  }
  return best;
}
