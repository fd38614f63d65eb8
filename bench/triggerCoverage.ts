// `node dist/bench/triggerCoverage.js [users] [days]`: which notification types a simulator run
// produces through every pipeline (issue #6: "a simulator run produces notifications of every
// type"). The simulated platform runs in virtual time, as fast as the pipeline takes it, with the
// example campaigns of config/examples/segment-campaigns.yaml; prints the count of delivered
// notifications by type, the types never produced, and the suppressions by reason.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/loadConfig.js';
import { PushflowProcess } from '../src/app/pushflowProcess.js';
import { SimulatorSource } from '../src/sources/simulator/simulatorSource.js';
import { JsonlFileSink } from '../src/sinks/jsonlSink.js';
import type { DeadLetter, Notification } from '../src/sinks/sink.js';
import { ALL_PIPELINES } from '../pipelines/index.js';
import { TEMPLATE_FIELDS } from '../src/compose/messageTemplates.js';

const users = Number(process.argv[2] ?? 300);
const days = Number(process.argv[3] ?? 24);
const dir = mkdtempSync(join(tmpdir(), 'pushflow-coverage-'));
try {
  const output = join(dir, 'notifications.jsonl');
  const config = loadConfig({
    file: resolve('config/examples/segment-campaigns.yaml'),
    // The behaviour model trains on wall-clock intervals: it would make the run depend on the machine's speed.
    overrides: { dataDir: join(dir, 'state'), behavior: { enabled: false }, metrics: { enabled: false } },
  });
  const pushflow = new PushflowProcess({
    config,
    pipelines: ALL_PIPELINES,
    notificationSink: new JsonlFileSink<Notification>(output),
    deadLetterSink: new JsonlFileSink<DeadLetter>(join(dir, 'dead-letters.jsonl')),
  });
  const report = await pushflow.run(new SimulatorSource({ seed: 42, users, items: 3_000, ratePerSec: 0, batchSize: 2_000, days }));
  await pushflow.close();
  const byType: Record<string, number> = {};
  for (const line of readFileSync(output, 'utf8').split('\n')) {
    if (line === '') continue;
    const { type } = JSON.parse(line) as Notification;
    byType[type] = (byType[type] ?? 0) + 1;
  }
  const missing = Object.keys(TEMPLATE_FIELDS).filter((type) => byType[type] === undefined);
  console.log(JSON.stringify({ users, days, events: report.totals.events, byType, missing, suppressed: report.totals.suppressed }, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
