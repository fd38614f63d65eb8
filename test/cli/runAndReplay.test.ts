// The binary as an operator meets it: `run` serves metrics and health and stops cleanly on
// SIGTERM; `replay --json` reports what it did; bad flags and config fail fast with exit 2.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastJsonLine, runPushflow, startPushflow } from '../support/pushflowChild.js';
import { shopFixture } from '../support/shopFixture.js';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'pushflow-cli-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scrape = async (port: number, path: string) => {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, text: await response.text() };
};
const sample = (metrics: string, name: string) =>
  metrics
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);

describe('pushflow run (simulator)', () => {
  it('serves metrics, health and readiness, notifies on stdout, and exits 0 on SIGTERM', async () => {
    const running = startPushflow(['run', '--data-dir', join(dir, 'run'), '--json'], {
      PUSHFLOW_METRICS__PORT: '0',
      PUSHFLOW_SIMULATOR__RATE_PER_SEC: '0',
      PUSHFLOW_SIMULATOR__USERS: '200',
      PUSHFLOW_SIMULATOR__ITEMS: '500',
    });
    const port = await running.metricsPort;
    expect((await scrape(port, '/healthz')).status).toBe(200);
    let metrics = '';
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      metrics = (await scrape(port, '/metrics')).text;
      if (sample(metrics, 'pushflow_notifications_total{') > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await scrape(port, '/readyz')).status).toBe(200);
    expect(sample(metrics, 'pushflow_events_in_total{source="simulator:42",type="view"}')).toBeGreaterThan(0);
    expect(sample(metrics, 'pushflow_batch_size_count')).toBeGreaterThan(0);
    expect(sample(metrics, 'pushflow_batch_processing_seconds_count')).toBeGreaterThan(0);
    expect(sample(metrics, 'pushflow_event_to_decision_seconds_count')).toBeGreaterThan(0);
    expect(metrics).toMatch(/^pushflow_notifications_total\{type="\w+",channel="\w+",outcome="queued"\} \d+/m);
    expect(metrics).toMatch(/^# TYPE pushflow_outbox_depth gauge$/m);
    expect(metrics).toMatch(/^pushflow_process_resident_memory_bytes \d+/m);

    running.kill('SIGTERM');
    const exit = await running.exited;
    expect(exit.code, exit.stderr).toBe(0);
    const summary = lastJsonLine(exit.stdout);
    expect(summary.committed.events).toBe(summary.events);
    const notifications = exit.stdout.trim().split('\n').slice(0, -1).map((line) => JSON.parse(line));
    expect(notifications.length).toBeGreaterThan(0);
    expect(notifications.every((n) => typeof n.type === 'string' && typeof n.id === 'string' && typeof n.body === 'string')).toBe(true);
  }, 60_000);
});

describe('pushflow replay', () => {
  it('reports the run as one JSON line and resumes instead of repeating', async () => {
    const fixture = shopFixture(5_000);
    const file = join(dir, 'shop.jsonl');
    writeFileSync(file, [...fixture.lines, '{"broken', JSON.stringify({ kind: 'behavior', id: 'x', type: 'view', itemId: 'i', time: Date.UTC(2026, 0, 1) })].join('\n'));
    const dataDir = join(dir, 'replay');
    // The count below is the trigger's, in event time, so the policy is off: its daily budget and
    // best send time would send each user the best of a day's reminders at their best hour, some
    // after the file ends (the policy has its own tests, and the Taobao delivery test runs it whole).
    const env = { PUSHFLOW_METRICS__ENABLED: 'false', PUSHFLOW_POLICY__ENABLED: 'false' };
    const first = await runPushflow(['replay', file, '--format', 'jsonl', '--data-dir', dataDir, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const summary = lastJsonLine(first.stdout);
    expect(summary).toMatchObject({ events: 5_002, valid: 5_000, invalid: 2, duplicates: 0, late: 0 });
    expect(summary.notifications.abandoned_cart).toBe(fixture.expectedAbandoned.size);
    for (const key of ['eventsPerSec', 'elapsedMs', 'peakRssMb']) expect(summary[key]).toBeGreaterThan(0);
    const letters = readFileSync(join(dataDir, 'dead-letters.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(letters.map((l) => l.field)).toEqual(['json', 'userId']);
    expect(letters[0].raw).toBe('{"broken');

    const again = await runPushflow(['replay', file, '--format', 'jsonl', '--data-dir', dataDir, '--json'], env);
    expect(lastJsonLine(again.stdout)).toMatchObject({ events: 0, committed: { events: 5_002 } });
  }, 60_000);

  it.each([
    [['replay', 'x.csv'], /--format: expected one of taobao, jsonl, movielens/],
    [['replay', '--format', 'taobao'], /replay takes exactly one FILE/],
    [['fly'], /unknown command "fly"/],
    [['run', '--bogus'], /Unknown option '--bogus'/],
  ])('fails fast with exit 2 on %j', async (args, message) => {
    const exit = await runPushflow(args);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(message);
  });

  it('fails fast with exit 2 naming the path of a bad config key', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'metrics:\n  port: high\ntriggers:\n  abandonedCart:\n    delayMinuts: 5\n');
    const exit = await runPushflow(['run', '--config', file]);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(/metrics\.port/);
    expect(exit.stderr).toMatch(/delayMinuts/);
    const env = await runPushflow(['run'], { PUSHFLOW_OUTBOX__MAX_DEPTH: 'lots' });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/PUSHFLOW_OUTBOX__MAX_DEPTH/);
  });
});
