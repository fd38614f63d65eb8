// Environment overrides that switch features off, read from the defaults at call time so that
// they keep their meaning as pushflow grows features. Benchmarks use them to measure the same
// data through smaller pipeline trees, tests to isolate one trigger.

import { envVarName } from './envVarName.js';
import { loadConfig } from './loadConfig.js';

/** Sections (by key path) that never count as features: serving metrics is not pipeline work. */
const NOT_FEATURES = new Set(['metrics']);

/**
 * `PUSHFLOW_..._ENABLED=false` for every enabled section of the default config (at any depth,
 * triggers included) except those in `keep` (key paths such as `triggers.abandonedCart`).
 */
export function onlyFeaturesEnv(keep: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  const visit = (path: string[], section: unknown) => {
    if (typeof section !== 'object' || section === null || Array.isArray(section)) return;
    const dotted = path.join('.');
    if (keep.includes(dotted) || NOT_FEATURES.has(dotted)) return;
    if (path.length > 0 && (section as { enabled?: unknown }).enabled === true) {
      env[envVarName([...path, 'enabled'])] = 'false';
      return;
    }
    for (const [key, value] of Object.entries(section)) visit([...path, key], value);
  };
  visit([], loadConfig({ env: {} }));
  return env;
}
