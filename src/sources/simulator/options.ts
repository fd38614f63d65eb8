// The simulator's knobs and their defaults, resolved and checked once. The user-facing schema
// (with descriptions) lives in src/config/schema.ts; this is the programmatic API's view of it,
// so tests and benches can build a simulation without going through config loading.

export interface SimulationOptions {
  /** Seed of every random choice: same seed + options => byte-identical records. Default 42. */
  seed?: number;
  /** Number of simulated users. Default 1,000. */
  users?: number;
  /** Number of catalog items. Default 5,000. */
  items?: number;
  /** Event time of the initial catalog/user snapshot, epoch ms. Default 2026-11-02T00:00:00Z. */
  startTime?: number;
  /** Stop once simulated event time reaches startTime + days. Default: never. */
  days?: number;
  /** Stop after this many records (every record counts: events, duplicates, malformed). Default: never. */
  maxEvents?: number;
  /** Each event time is moved back by up to this much, so events arrive late by at most this. Default 0. */
  outOfOrderMs?: number;
  /** Fraction of records that re-send a recent event with the same id. Default 0. */
  duplicateRate?: number;
  /** Fraction of records that are malformed (bad JSON, missing userId, negative price). Default 0. */
  invalidRate?: number;
}

export type ResolvedSimulationOptions = Required<Omit<SimulationOptions, 'days' | 'maxEvents'>> & {
  /** Exclusive end of simulated event time, epoch ms (Infinity when `days` is not given). */
  endTime: number;
  /** Infinity when `maxEvents` is not given. */
  maxEvents: number;
};

export const DEFAULT_START_TIME = Date.UTC(2026, 10, 2);
const DAY_MS = 86_400_000;

export function resolveSimulationOptions(options: SimulationOptions = {}): ResolvedSimulationOptions {
  const seed = options.seed ?? 42;
  const users = options.users ?? 1_000;
  const items = options.items ?? 5_000;
  const startTime = options.startTime ?? DEFAULT_START_TIME;
  const outOfOrderMs = options.outOfOrderMs ?? 0;
  const duplicateRate = options.duplicateRate ?? 0;
  const invalidRate = options.invalidRate ?? 0;
  requireInteger('seed', seed, 0, 0xffffffff);
  requireInteger('users', users, 1, 10_000_000);
  requireInteger('items', items, 1, 10_000_000);
  requireInteger('startTime', startTime, 0, Number.MAX_SAFE_INTEGER);
  requireInteger('outOfOrderMs', outOfOrderMs, 0, Number.MAX_SAFE_INTEGER);
  requireRate('duplicateRate', duplicateRate);
  requireRate('invalidRate', invalidRate);
  if (duplicateRate + invalidRate >= 1) {
    throw new RangeError(`simulator: duplicateRate + invalidRate must stay below 1, got ${duplicateRate + invalidRate}`);
  }
  if (options.days !== undefined && !(options.days > 0)) {
    throw new RangeError(`simulator: days must be positive, got ${options.days}`);
  }
  if (options.maxEvents !== undefined) requireInteger('maxEvents', options.maxEvents, 0, Number.MAX_SAFE_INTEGER);
  return {
    seed,
    users,
    items,
    startTime,
    outOfOrderMs,
    duplicateRate,
    invalidRate,
    endTime: options.days === undefined ? Infinity : startTime + options.days * DAY_MS,
    maxEvents: options.maxEvents ?? Infinity,
  };
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`simulator: ${name} must be an integer in ${min}..${max}, got ${value}`);
  }
}

function requireRate(name: string, value: number): void {
  if (!(value >= 0 && value < 1)) throw new RangeError(`simulator: ${name} must be in [0, 1), got ${value}`);
}
