import { describe, expect, it } from 'vitest';
import { onlyFeaturesEnv } from '../../src/config/featureSwitches.js';
import { loadConfig } from '../../src/config/loadConfig.js';

describe('onlyFeaturesEnv', () => {
  it('switches off every enabled feature of the defaults but the ones kept, and leaves metrics alone', () => {
    const config = loadConfig({ env: onlyFeaturesEnv(['triggers.abandonedCart']) });
    expect(config.triggers.abandonedCart.enabled).toBe(true);
    const triggersOn = Object.entries(config.triggers).filter(([, trigger]) => (trigger as { enabled?: boolean }).enabled === true);
    expect(triggersOn.map(([name]) => name)).toEqual(['abandonedCart']);
    for (const section of [config.profile, config.segments, config.recommend, config.behavior, config.policy]) expect(section.enabled).toBe(false);
    expect(config.metrics.enabled).toBe(loadConfig({ env: {} }).metrics.enabled);
  });

  it('keeps a whole section when asked', () => {
    const config = loadConfig({ env: onlyFeaturesEnv(['recommend', 'triggers.recommendationDigest']) });
    expect(config.recommend.enabled).toBe(true);
    expect(config.triggers.recommendationDigest.enabled).toBe(true);
    expect(config.profile.enabled).toBe(false);
  });
});
