// A sink that stops acknowledging must pause the source once the outbox is full, not drop
// notifications; when the sink recovers, the source resumes and everything arrives.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/loadConfig.js';
import { PushflowProcess } from '../../src/app/pushflowProcess.js';
import { FileSource } from '../../src/sources/fileSource.js';
import { JsonlFileSink } from '../../src/sinks/jsonlSink.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { DeadLetter, Notification, Sink } from '../../src/sinks/sink.js';
import { ALL_PIPELINES } from '../../pipelines/index.js';
import { shopFixture } from '../support/shopFixture.js';
import { abandonedCartOnlyEnv } from '../support/shopStream.js';

/** A sink whose acknowledgements are held back until the test opens it (the fault on purpose). */
class StalledSink implements Sink<Notification> {
  readonly name = 'stalled';
  readonly received: Notification[] = [];
  private open = false;
  private waiting: (() => void)[] = [];
  async send(items: Notification[]): Promise<void> {
    while (!this.open) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.received.push(...items);
  }
  release(): void {
    this.open = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
  async close(): Promise<void> {}
}

describe('backpressure', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'pushflow-backpressure-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('pauses the source while the outbox is full and loses nothing when the sink recovers', async () => {
    const fixture = shopFixture(20_000);
    const file = join(dir, 'events.jsonl');
    writeFileSync(file, fixture.lines.join('\n'));
    // The fixture's model is the whole truth for the abandoned-cart trigger alone, without the
    // policy's caps and holds (which would rightly keep some reminders back): other triggers off.
    const config = loadConfig({ env: abandonedCartOnlyEnv(), overrides: { dataDir: join(dir, 'state'), outbox: { maxDepth: 30, resumeDepth: 10, deliveryBatchSize: 5 } } });
    const sink = new StalledSink();
    const metrics = createMetrics(undefined, { collectDefaultMetrics: false });
    const pushflow = new PushflowProcess({
      config,
      pipelines: ALL_PIPELINES,
      notificationSink: sink,
      deadLetterSink: new JsonlFileSink<DeadLetter>(join(dir, 'dlq.jsonl')),
      metrics,
    });
    const source = new FileSource({ path: file, format: 'jsonl', batchSize: 200 });
    const run = pushflow.run(source);

    // The stalled sink takes nothing: the source must stop with the outbox at its bound.
    const pausedAt = await eventually(async () => {
      const paused = (await metrics.sourcePaused.get()).values.find((v) => v.labels.source === source.id)?.value;
      expect(paused).toBe(1);
      return pushflow.runtime.totals.events;
    });
    const depth = pushflow.runtime.outbox.depth();
    expect(depth).toBeGreaterThanOrEqual(30);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pushflow.runtime.totals.events).toBe(pausedAt);
    expect(pausedAt).toBeLessThan(20_000);

    sink.release();
    const report = await run;
    await pushflow.close();
    expect(report.totals.events).toBe(20_000);
    const delivered = new Set(sink.received.map((n) => `${n.userId}|${n.payload.itemId}|${n.payload.cartedAt}`));
    expect(delivered).toEqual(fixture.expectedAbandoned);
    expect(sink.received).toHaveLength(fixture.expectedAbandoned.size);
  }, 60_000);
});

async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
