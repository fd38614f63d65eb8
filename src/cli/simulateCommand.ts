// `pushflow simulate --users N --days D --policy personalized|blast|random`: the whole pipeline
// over a simulated platform whose users respond to what it sends, in virtual time; prints what
// was sent and what users did with it (src/simulate).

import { configFromFlags, logLine, parseCommand } from './commonOptions.js';
import { UsageError } from './usage.js';
import { SIMULATION_POLICIES, policyOverrides, type SimulationPolicy } from '../simulate/simulationPolicies.js';
import { simulatePlatform, temporaryDataDir } from '../simulate/simulatedPlatform.js';
import { formatSimulationReport } from '../simulate/simulationReport.js';

export async function simulateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    users: { type: 'string' },
    days: { type: 'string' },
    policy: { type: 'string' },
    seed: { type: 'string' },
    items: { type: 'string' },
    responsiveness: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`simulate takes no arguments, got "${positionals.join(' ')}"`);
  const users = integerFlag('users', values.users, 1, 1_000_000);
  const days = numberFlag('days', values.days);
  const seed = values.seed === undefined ? 42 : integerFlag('seed', values.seed, 0, 0xffffffff);
  const items = values.items === undefined ? undefined : integerFlag('items', values.items, 1, 10_000_000);
  const responsiveness = values.responsiveness === undefined ? 0 : nonNegativeFlag('responsiveness', values.responsiveness);
  const policy = values.policy as SimulationPolicy | undefined;
  if (policy === undefined || !SIMULATION_POLICIES.includes(policy)) {
    throw new UsageError(`--policy: expected one of ${SIMULATION_POLICIES.join(', ')}, got ${policy === undefined ? 'nothing' : `"${policy}"`}`);
  }
  const keepData = typeof values['data-dir'] === 'string';
  const dataDir = keepData ? (values['data-dir'] as string) : temporaryDataDir();
  const config = configFromFlags({ ...values, 'data-dir': dataDir }, policyOverrides(policy));
  const showProgress = process.stderr.isTTY === true;
  const report = await simulatePlatform({
    config,
    policy,
    users,
    days,
    seed,
    items,
    responsiveness,
    keepData,
    onProgress: showProgress ? (events, time) => process.stderr.write(`\r${events.toLocaleString('en-US')} events, ${new Date(time).toISOString().slice(0, 16)}…`) : undefined,
  });
  if (showProgress) process.stderr.write('\n');
  logLine(`simulated ${report.events} events in ${report.elapsedMs} ms`);
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : formatSimulationReport(report));
  return 0;
}

function integerFlag(name: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined) throw new UsageError(`--${name} is required`);
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new UsageError(`--${name}: expected an integer in ${min}..${max}, got "${value}"`);
  return parsed;
}

function numberFlag(name: string, value: string | undefined): number {
  if (value === undefined) throw new UsageError(`--${name} is required`);
  const parsed = Number(value);
  if (!(parsed > 0) || !Number.isFinite(parsed)) throw new UsageError(`--${name}: expected a positive number, got "${value}"`);
  return parsed;
}

function nonNegativeFlag(name: string, value: string): number {
  const parsed = Number(value);
  if (!(parsed >= 0) || !Number.isFinite(parsed)) throw new UsageError(`--${name}: expected a number >= 0, got "${value}"`);
  return parsed;
}
