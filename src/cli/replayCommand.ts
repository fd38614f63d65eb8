// `pushflow replay FILE --format F`: the whole pipeline over a file, in event time, at full speed.

import { FileSource, type FileFormat } from '../sources/fileSource.js';
import { configFromFlags, logLine, parseCommand } from './commonOptions.js';
import { reportSummary, runToCompletion } from './startProcess.js';
import { UsageError } from './usage.js';

const FORMATS: FileFormat[] = ['taobao', 'jsonl', 'movielens'];

export async function replayCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { format: { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('replay takes exactly one FILE');
  const format = values.format as FileFormat | undefined;
  if (format === undefined || !FORMATS.includes(format)) {
    throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got ${format === undefined ? 'nothing' : `"${format}"`}`);
  }
  const config = configFromFlags(values.sink === undefined ? { ...values, sink: 'jsonl' } : values, {
    source: { kind: 'file' },
    file: { path: positionals[0], format },
  });
  const source = new FileSource({ path: positionals[0], format, batchSize: config.file.batchSize });
  const showProgress = process.stderr.isTTY === true;
  const report = await runToCompletion(config, () => source, {
    idleTicks: false,
    onProgress: showProgress
      ? (pushflow) => process.stderr.write(`\r${pushflow.runtime.totals.events.toLocaleString('en-US')} events…`)
      : undefined,
  });
  if (showProgress) process.stderr.write('\n');
  logLine(`replayed ${report.totals.events} events in ${report.elapsedMs} ms (${report.eventsPerSec} events/s)`);
  if (values.json) process.stdout.write(`${JSON.stringify(reportSummary(report))}\n`);
  return 0;
}
