// Reads `PUSHFLOW_<SECTION>__<KEY>` environment variables into a config layer. Values are
// strings in the environment, so each is converted to the type the schema declares at its path
// (numbers, booleans, comma-separated lists); a value that does not convert is kept as the
// string, for validation to reject with the variable's name.

import type { ConfigProblem } from './configError.js';
import { camelFromUpperSnake, ENV_PATH_SEPARATOR, ENV_PREFIX, upperSnake } from './envVarName.js';
import { isPlainObject, type ConfigLayer } from './mergeLayers.js';
import { schemaNodeAt, type SchemaNode } from './schemaFields.js';

/** Names the config file rather than a key, so it is not read as an override. */
export const CONFIG_FILE_ENV_VAR = 'PUSHFLOW_CONFIG';

/**
 * Whether a `PUSHFLOW_*` variable is meant as a config override. Every key inside a section
 * needs `__`, so a name without one is an override only if it names a top-level key (such as
 * `PUSHFLOW_DATA_DIR`); others (`PUSHFLOW_CONFIG`, `PUSHFLOW_REQUIRE_KAFKA` used by the tests)
 * belong to other tools. Names with `__` are always overrides, so a misspelt section is
 * reported instead of silently ignored.
 */
export function isConfigEnvVar(name: string): boolean {
  if (!name.startsWith(ENV_PREFIX) || name === CONFIG_FILE_ENV_VAR) return false;
  const rest = name.slice(ENV_PREFIX.length);
  return rest.includes(ENV_PATH_SEPARATOR) || Object.keys(schemaNodeAt([])?.properties ?? {}).some((key) => upperSnake(key) === rest);
}

/** The overrides found in `env`, and the variables whose names map to no key path. */
export function envOverridesLayer(env: NodeJS.ProcessEnv): { layer: ConfigLayer; problems: ConfigProblem[] } {
  const values: Record<string, unknown> = {};
  const varByPath = new Map<string, string>();
  const problems: ConfigProblem[] = [];

  for (const [name, raw] of Object.entries(env)) {
    if (!isConfigEnvVar(name) || raw === undefined) continue;
    const segments = name.slice(ENV_PREFIX.length).split(ENV_PATH_SEPARATOR);
    if (segments.some((segment) => !/^[A-Z0-9]+(?:_[A-Z0-9]+)*$/.test(segment))) {
      problems.push({
        origin: `environment variable ${name}`,
        path: '',
        detail: `cannot map the name to a config key: expected ${ENV_PREFIX}<SECTION>${ENV_PATH_SEPARATOR}<KEY> in UPPER_SNAKE, e.g. ${ENV_PREFIX}METRICS${ENV_PATH_SEPARATOR}PORT`,
      });
      continue;
    }
    const path = keyPathOf(segments);
    for (let length = 1; length <= path.length; length++) {
      const prefix = path.slice(0, length).join('.');
      if (!varByPath.has(prefix)) varByPath.set(prefix, name);
    }
    setAt(values, path, coerce(raw, schemaNodeAt(path)));
  }

  const layer: ConfigLayer = {
    values,
    labelOf: (path) => `environment variable ${varByPath.get(path.join('.')) ?? '?'}`,
  };
  return { layer, problems };
}

/** Matches each UPPER_SNAKE segment to a schema key; unknown ones get a camelCase guess. */
function keyPathOf(segments: readonly string[]): string[] {
  const path: string[] = [];
  for (const segment of segments) {
    const known = Object.keys(schemaNodeAt(path)?.properties ?? {});
    path.push(known.find((key) => upperSnake(key) === segment) ?? camelFromUpperSnake(segment));
  }
  return path;
}

function coerce(raw: string, node: SchemaNode | undefined): unknown {
  switch (node?.type) {
    case 'number':
    case 'integer':
      return /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(raw) ? Number(raw) : raw;
    case 'boolean': {
      const word = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(word)) return true;
      if (['false', '0', 'no', 'off'].includes(word)) return false;
      return raw;
    }
    case 'array':
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .map((item) => coerce(item, node.items));
    default:
      return raw;
  }
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cursor = target;
  for (const segment of path.slice(0, -1)) {
    const next = cursor[segment];
    cursor = cursor[segment] = isPlainObject(next) ? next : {};
  }
  cursor[path[path.length - 1]] = value;
}
