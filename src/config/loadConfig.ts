// Builds the effective configuration: config/default.yaml, then the user's YAML file, then
// PUSHFLOW_* environment variables, then programmatic overrides (e.g. CLI flags), each deep-
// merged over the previous; then validates the result against the schema once, so every
// problem from every layer is reported together, each naming the layer it came from.

import { isAbsolute, relative } from 'node:path';
import { existsSync } from 'node:fs';
import { ConfigError } from './configError.js';
import { describeIssue } from './describeIssue.js';
import { CONFIG_FILE_ENV_VAR, envOverridesLayer } from './envOverrides.js';
import { mergeLayers, type ConfigLayer } from './mergeLayers.js';
import { defaultConfigFile } from './projectRoot.js';
import { configSchema, type PushflowConfig } from './schema.js';
import { readYamlConfigFile } from './yamlFile.js';

export interface LoadConfigOptions {
  /** The user's YAML file, merged over the defaults; when absent, `$PUSHFLOW_CONFIG` if set. */
  file?: string;
  /** Where `PUSHFLOW_*` overrides are read; defaults to `process.env` (pass `{}` to ignore it). */
  env?: NodeJS.ProcessEnv;
  /** A partial config applied last, e.g. from command-line flags. */
  overrides?: object;
}

/**
 * Loads and validates the configuration.
 * @throws ConfigError listing every problem with its key path and origin.
 * @example
 * const config = loadConfig({ file: './my.yaml' });
 * config.metrics.port; // 9464 unless set in my.yaml or PUSHFLOW_METRICS__PORT
 */
export function loadConfig(options: LoadConfigOptions = {}): PushflowConfig {
  const env = options.env ?? process.env;
  const layers: ConfigLayer[] = [];

  // Every default is also in the schema, so a build shipped without config/ still loads.
  const defaultsFile = defaultConfigFile();
  if (existsSync(defaultsFile)) layers.push(fileLayer(defaultsFile, shortPath(defaultsFile)));

  const userFile = options.file ?? (env[CONFIG_FILE_ENV_VAR] || undefined);
  if (userFile !== undefined) layers.push(fileLayer(userFile, userFile));

  const fromEnv = envOverridesLayer(env);
  layers.push(fromEnv.layer);

  if (options.overrides) layers.push({ values: options.overrides as Record<string, unknown>, labelOf: () => 'overrides' });

  const merged = mergeLayers(layers);
  const result = configSchema.safeParse(merged.values);
  const problems = [...fromEnv.problems, ...(result.error?.issues.flatMap((issue) => describeIssue(issue, merged)) ?? [])];
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return result.data;
}

function fileLayer(file: string, label: string): ConfigLayer {
  const values = readYamlConfigFile(file, label);
  return { values, labelOf: () => label };
}

/** Relative to the working directory when inside it, as operators read paths that way. */
function shortPath(file: string): string {
  const fromCwd = relative(process.cwd(), file);
  return fromCwd.startsWith('..') || isAbsolute(fromCwd) ? file : fromCwd;
}
