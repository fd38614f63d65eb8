// The process serves the experiments report on /experiments and the same counts as Prometheus
// metrics: a file replay through a real PushflowProcess (LMDB on disk, JSONL sinks) in which a
// test trigger proposes messages, some users are held out, and feedback and purchases follow.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filter, map } from 'rxjs';
import { loadConfig } from '../../src/config/loadConfig.js';
import { PushflowProcess } from '../../src/app/pushflowProcess.js';
import { FileSource } from '../../src/sources/fileSource.js';
import { JsonlFileSink } from '../../src/sinks/jsonlSink.js';
import type { DeadLetter, Notification } from '../../src/sinks/sink.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { definePipeline, type NotificationCandidate } from '../../src/runtime/pipeline.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { feedback } from '../../pipelines/feedback.js';
import { notificationId } from '../../src/decide/decisionEngine.js';
import { assignArm } from '../../src/learn/experimentAssignment.js';
import type { ExperimentReport } from '../../src/learn/experimentReport.js';
import type { PushflowEvent } from '../../src/events/types.js';

const promo = definePipeline({
  name: 'promo_test',
  build: (events$) =>
    events$.pipe(
      filter((event): event is Extract<PushflowEvent, { kind: 'behavior' }> => event.kind === 'behavior' && event.type === 'search'),
      map((event): NotificationCandidate => ({ type: 'abandoned_cart', priority: 'marketing', userId: event.userId, dedupeKey: `promo:${event.id}`, time: event.time, payload: { itemId: 'i1' }, channel: 'push' })),
    ),
});

describe('/experiments and the experiment metrics', () => {
  it('reports per arm what the replay did, and counts the same in Prometheus', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushflow-experiments-'));
    try {
      const experiment = { name: 'promo', salt: 'endpoint', arms: [{ name: 'control' }, { name: 'holdout', holdout: true }] };
      const config = loadConfig({
        env: {},
        overrides: {
          dataDir: join(dir, 'state'),
          metrics: { enabled: true, port: 0 },
          time: { maxOutOfOrdernessMs: 0 },
          policy: { rateLimit: { enabled: false }, quietHours: { enabled: false }, sendTime: { enabled: false } },
          experiments: [experiment],
        },
      });
      const arm = (userId: string) => assignArm(config.experiments[0], userId).name;
      const users = Array.from({ length: 30 }, (_, i) => `user-${i}`);
      const control = users.filter((u) => arm(u) === 'control').slice(0, 3);
      const holdout = users.filter((u) => arm(u) === 'holdout').slice(0, 2);
      const t0 = Date.parse('2026-11-03T02:00:00Z');
      const events: object[] = [{ kind: 'catalog', id: 'c1', itemId: 'i1', title: 'Kettle', price: 50, stock: 9, time: t0 }];
      for (const u of [...control, ...holdout]) events.push({ kind: 'user', id: `u-${u}`, userId: u, time: t0, locale: 'en-US', timeZone: 'Asia/Shanghai', channels: { pushToken: `t-${u}` }, consent: { push: true, marketing: true } });
      for (const u of [...control, ...holdout]) events.push({ kind: 'behavior', id: `s-${u}`, type: 'search', userId: u, query: 'kettle', time: t0 + 60_000 });
      // The first control user opens and clicks, then buys within the hour.
      const clicked = notificationId(`promo:s-${control[0]}`);
      events.push({ kind: 'feedback', id: 'f1', type: 'delivered', userId: control[0], notificationId: clicked, channel: 'push', time: t0 + 120_000 });
      events.push({ kind: 'feedback', id: 'f2', type: 'opened', userId: control[0], notificationId: clicked, channel: 'push', time: t0 + 180_000 });
      events.push({ kind: 'feedback', id: 'f3', type: 'clicked', userId: control[0], notificationId: clicked, channel: 'push', time: t0 + 190_000 });
      events.push({ kind: 'behavior', id: 'p1', type: 'purchase', userId: control[0], itemId: 'i1', price: 50, quantity: 1, time: t0 + 3_600_000 });
      // The second control user opts out.
      events.push({ kind: 'feedback', id: 'f4', type: 'unsubscribed', userId: control[1], notificationId: notificationId(`promo:s-${control[1]}`), channel: 'push', time: t0 + 200_000 });
      writeFileSync(join(dir, 'events.jsonl'), events.map((event) => JSON.stringify(event)).join('\n'));

      const metrics = createMetrics(undefined, { collectDefaultMetrics: false });
      const pushflow = new PushflowProcess({
        config,
        metrics,
        pipelines: [catalogAndUsers, feedback, promo],
        notificationSink: new JsonlFileSink<Notification>(join(dir, 'notifications.jsonl')),
        deadLetterSink: new JsonlFileSink<DeadLetter>(join(dir, 'dlq.jsonl')),
      });
      try {
        const port = await pushflow.serveMetrics();
        await pushflow.run(new FileSource({ path: join(dir, 'events.jsonl'), format: 'jsonl', batchSize: 4 }));
        const reports = (await (await fetch(`http://127.0.0.1:${port}/experiments`)).json()) as ExperimentReport[];
        const promoReport = reports.find((r) => r.experiment === 'promo')!;
        const byArm = Object.fromEntries(promoReport.arms.map((a) => [a.arm, a]));
        expect(byArm.control.counts).toMatchObject({ users: 3, sent: 3, withheld: 0, delivered: 1, opened: 1, clicked: 1, attributed: 1, converters: 1, optOuts: 1 });
        expect(byArm.holdout.counts).toMatchObject({ users: 2, sent: 0, withheld: 2, converters: 0 });
        expect(byArm.control.clickThroughRate.rate).toBeCloseTo(1 / 3, 10);
        expect(byArm.control.clickThroughRate.low).toBeGreaterThan(0);
        expect(byArm.control.vsHoldout!.conversion.lift).toBeNull();
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        expect(text).toMatch(/^pushflow_experiment_events_total\{experiment="promo",arm="control",event="sent"\} 3$/m);
        expect(text).toMatch(/^pushflow_experiment_events_total\{experiment="promo",arm="holdout",event="withheld"\} 2$/m);
        expect(text).toMatch(/^pushflow_experiment_events_total\{experiment="promo",arm="control",event="attributed"\} 1$/m);
        expect(text).toMatch(/^pushflow_attributed_purchases_total\{type="abandoned_cart"\} 1$/m);
        expect(text).toMatch(/^pushflow_feedback_events_total\{type="unsubscribed"\} 1$/m);
      } finally {
        await pushflow.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
