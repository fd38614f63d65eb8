// Small, seeded interaction sets for the recommender tests.

import { configSchema } from '../../src/config/schema.js';
import type { RecommendSettings } from '../../src/recommend/feedbackWeights.js';
import { EalsModel, type EalsOptions } from '../../src/recommend/ealsModel.js';
import { SeededRandom } from '../../src/recommend/seededRandom.js';

export function settingsWith(overrides: Record<string, unknown> = {}): RecommendSettings {
  return configSchema.parse({ recommend: overrides }).recommend;
}

export const EALS_OPTIONS: EalsOptions = {
  factors: 4,
  regularization: 0.05,
  missingWeight: 4,
  popularityExponent: 0.5,
  initStd: 0.1,
  seed: 7,
  onlineIterations: 1,
  maxConfidence: 10,
};

/** A model with `users` x `items` and about `density` of the pairs observed, weights 1..3. */
export function randomModel(users: number, items: number, density: number, seed = 1, options: Partial<EalsOptions> = {}): EalsModel {
  const model = new EalsModel({ ...EALS_OPTIONS, ...options });
  const random = new SeededRandom(seed);
  model.ensureUsers(users);
  model.ensureItems(items);
  for (let user = 0; user < users; user++) {
    for (let item = 0; item < items; item++) {
      if (random.next() < density) model.observe(user, item, 1 + Math.floor(random.next() * 3));
    }
  }
  model.recomputeCaches();
  return model;
}
