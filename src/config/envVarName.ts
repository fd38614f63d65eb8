// How config key paths map to environment variable names: `PUSHFLOW_` then each path segment
// in UPPER_SNAKE, joined with `__` (a double underscore, because single ones separate words
// inside a camelCase key): `simulator.ratePerSec` <-> `PUSHFLOW_SIMULATOR__RATE_PER_SEC`.

export const ENV_PREFIX = 'PUSHFLOW_';
export const ENV_PATH_SEPARATOR = '__';

/** `ratePerSec` -> `RATE_PER_SEC`. */
export function upperSnake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}

/** `RATE_PER_SEC` -> `ratePerSec`: the guess for a segment that names no known key. */
export function camelFromUpperSnake(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** `['simulator', 'ratePerSec']` -> `PUSHFLOW_SIMULATOR__RATE_PER_SEC`. */
export function envVarName(path: readonly string[]): string {
  return ENV_PREFIX + path.map(upperSnake).join(ENV_PATH_SEPARATOR);
}
