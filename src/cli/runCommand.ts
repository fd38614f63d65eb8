// `pushflow run`: the long-running service, on the configured source, until a signal.

import { buildSource } from '../app/buildSource.js';
import { configFromFlags, logLine, parseCommand } from './commonOptions.js';
import { reportSummary, runToCompletion } from './startProcess.js';
import { UsageError } from './usage.js';

const SOURCES = ['simulator', 'kafka', 'file'];

export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { source: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`run takes no arguments, got "${positionals.join(' ')}"`);
  const overrides: Record<string, unknown> = {};
  if (values.source !== undefined) {
    if (!SOURCES.includes(values.source)) throw new UsageError(`--source: expected one of ${SOURCES.join(', ')}, got "${values.source}"`);
    overrides.source = { kind: values.source };
  }
  const config = configFromFlags(values, overrides);
  const report = await runToCompletion(config, (metrics) => buildSource(config, metrics), { idleTicks: true });
  logLine(`stopped after ${report.totals.events} events; ${report.outboxDepth} notifications left in the outbox`);
  if (values.json) process.stdout.write(`${JSON.stringify(reportSummary(report))}\n`);
  return 0;
}
