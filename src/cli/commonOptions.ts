// Flags every command shares, and how they become configuration overrides.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config/loadConfig.js';
import { SINK_KINDS, type PushflowConfig } from '../config/schema.js';
import { UsageError } from './usage.js';

export const COMMON_OPTIONS = {
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  sink: { type: 'string' },
  json: { type: 'boolean', default: false },
} satisfies ParseArgsConfig['options'];

export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

const SINKS: readonly string[] = SINK_KINDS;

/** Loads the configuration with the shared flags applied on top. */
export function configFromFlags(values: Record<string, unknown>, overrides: Record<string, unknown> = {}): PushflowConfig {
  const flagOverrides: Record<string, unknown> = { ...overrides };
  if (typeof values['data-dir'] === 'string') flagOverrides.dataDir = values['data-dir'];
  if (typeof values.sink === 'string') {
    if (!SINKS.includes(values.sink)) throw new UsageError(`--sink: expected one of ${SINKS.join(', ')}, got "${values.sink}"`);
    flagOverrides.sinks = { ...(flagOverrides.sinks as object), notifications: values.sink };
  }
  return loadConfig({ file: typeof values.config === 'string' ? values.config : undefined, overrides: flagOverrides });
}

/** Writes a line to stderr; the log of the process (stdout carries notifications and results). */
export function logLine(message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}
