// The whole path on the simulator: three simulated days of 300 shoppers through the policy to
// real local servers, push to the webhook, email over SMTP, SMS to the SMS adapter. Every policy
// rule must show in the metrics: suppressions and holds by reason, several channels chosen.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filter, map } from 'rxjs';
import { configSchema } from '../../src/config/schema.js';
import { SimulatorSource } from '../../src/sources/simulator/simulatorSource.js';
import { definePipeline, type NotificationCandidate } from '../../src/runtime/pipeline.js';
import { deliveryStateForInspect } from '../../src/decide/index.js';
import { ofBehavior } from '../../operators/ofBehavior.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { abandonedCart } from '../../pipelines/abandonedCart.js';
import { deliveryProcess, labelValues } from '../support/deliveryProcess.js';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from '../support/localServers.js';

/** A transactional trigger of our own (order shipped), so that the test does not depend on other teams' pipelines. */
const shipped = definePipeline({
  name: 'test_order_shipped',
  build: (events$) =>
    events$.pipe(
      ofBehavior('order_status'),
      map((event): NotificationCandidate | undefined =>
        event.status === 'shipped'
          ? { type: 'order_shipped', priority: 'transactional', userId: event.userId, dedupeKey: `shipped:${event.orderId}`, time: event.time, payload: { orderId: event.orderId, itemId: event.itemId } }
          : undefined,
      ),
      filter((candidate): candidate is NotificationCandidate => candidate !== undefined),
    ),
});

describe('simulator through the policy to webhook, SMTP and SMS', () => {
  let dir: string;
  let webhook: HttpReceiver;
  let sms: HttpReceiver;
  let smtp: SmtpReceiver;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pushflow-simdelivery-'));
    [webhook, sms, smtp] = await Promise.all([startHttpReceiver(), startHttpReceiver(), startSmtpReceiver()]);
  });
  afterAll(async () => {
    await Promise.all([webhook.close(), sms.close(), smtp.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('exercises every rule and delivers each notification once to its channel sink', async () => {
    const config = configSchema.parse({
      dataDir: join(dir, 'state'),
      sinks: {
        notifications: 'webhook',
        routes: { email: 'smtp', sms: 'sms' },
        webhook: { url: `${webhook.url}/notifications` },
        smtp: { host: '127.0.0.1', port: smtp.port, ignoreTls: true },
        sms: { url: `${sms.url}/sms` },
      },
      policy: {
        channels: { byType: [{ type: 'order_shipped', channels: ['sms', 'push', 'email'] }] },
        sendTime: { minPlatformEvents: 500 },
        rateLimit: { push: { perSecond: 0.02, burst: 3 } },
        caps: { push: { daily: 1 }, email: { daily: 1 }, total: { daily: 2 } },
      },
    });
    const { pushflow, metrics } = deliveryProcess(config, [catalogAndUsers, abandonedCart, shipped], dir);
    const report = await pushflow.run(new SimulatorSource({ seed: 7, users: 300, items: 500, days: 3, ratePerSec: 0, batchSize: 500 }));

    const suppressed = await labelValues(metrics.notificationsSuppressed, 'reason');
    const deferred = await labelValues(metrics.notificationsDeferred, 'reason');
    expect(Object.keys(suppressed)).toEqual(expect.arrayContaining(['consent_marketing', 'no_consented_channel']));
    expect(Object.keys(suppressed).some((reason) => reason.includes('cap_'))).toBe(true);
    expect(Object.keys(deferred)).toEqual(expect.arrayContaining(['quiet_hours', 'send_time', 'rate_limit']));

    const sent = (await metrics.notifications.get()).values.filter((v) => v.labels.outcome === 'sent');
    const sentBy = (channel: string) => sent.filter((v) => v.labels.channel === channel).reduce((total, v) => total + v.value, 0);
    const webhookKeys = new Set(webhook.requests.map((r) => r.headers['idempotency-key']));
    const smsKeys = new Set(sms.requests.map((r) => r.headers['idempotency-key']));
    const mailKeys = new Set(smtp.mails.map((m) => m.headers.get('idempotency-key')));
    expect(webhookKeys.size).toBe(sentBy('push'));
    expect(smsKeys.size).toBe(sentBy('sms'));
    expect(mailKeys.size).toBe(sentBy('email'));
    for (const size of [webhookKeys.size, smsKeys.size, mailKeys.size]) expect(size).toBeGreaterThan(0);
    expect(webhookKeys.size + smsKeys.size + mailKeys.size).toBe(report.committed.notifications);
    expect(report.outboxDepth).toBe(0);

    // Transactional messages were sent at once and never capped.
    const shippedSms = sms.requests.map((r) => JSON.parse(r.body)).filter((b) => /shipped|发货/i.test(b.text));
    expect(shippedSms.length).toBeGreaterThan(0);

    const someone = JSON.parse(webhook.requests[0].body).userId as string;
    const view = deliveryStateForInspect(pushflow.store, config, someone);
    expect(view.recentNotifications.length).toBeGreaterThan(0);
    await pushflow.close();
  }, 180_000);
});
