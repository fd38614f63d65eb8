// A Taobao-format replay (users with no settings on record) through every pipeline and the policy
// to real local servers: push to the webhook, email over SMTP (the unknown users are reachable by
// email at <user>@<domain>). The policy's rules show in the metrics: holds for quiet hours, send
// time and rate limits, suppressions by caps; each notification arrives once, by idempotency key.
// Consent cannot be exercised here: the Taobao data has no consent records (unknown users are
// taken to consent), which the simulator test covers. Set PUSHFLOW_TAOBAO_FILE to run it on a
// real Taobao file instead of the fixture the test writes.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { FileSource } from '../../src/sources/fileSource.js';
import { ALL_PIPELINES } from '../../pipelines/index.js';
import { deliveryProcess, labelValues } from '../support/deliveryProcess.js';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from '../support/localServers.js';
import { writeTaobaoFixture } from '../support/taobaoFixture.js';

describe('Taobao replay through the policy to webhook and SMTP', () => {
  let dir: string;
  let webhook: HttpReceiver;
  let smtp: SmtpReceiver;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pushflow-taobao-delivery-'));
    [webhook, smtp] = await Promise.all([startHttpReceiver(), startSmtpReceiver()]);
  });
  afterAll(async () => {
    await Promise.all([webhook.close(), smtp.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds, caps and delivers each notification once to its channel sink', async () => {
    const file = process.env.PUSHFLOW_TAOBAO_FILE ?? join(dir, 'UserBehavior-fixture.csv');
    if (process.env.PUSHFLOW_TAOBAO_FILE === undefined) writeTaobaoFixture(file, { users: 200, days: 4, seed: 11 });
    const config = configSchema.parse({
      dataDir: join(dir, 'state'),
      sinks: {
        notifications: 'webhook',
        routes: { email: 'smtp' },
        webhook: { url: `${webhook.url}/notifications` },
        smtp: { host: '127.0.0.1', port: smtp.port, ignoreTls: true },
      },
      // Wall-clock training rounds would make the run depend on the machine's speed.
      behavior: { enabled: false },
      policy: {
        unknownUsers: { channels: ['push', 'email'], emailDomain: 'shop.example' },
        sendTime: { minPlatformEvents: 500 },
        rateLimit: { push: { perSecond: 0.01, burst: 2 } },
        caps: { push: { daily: 1 }, email: { daily: 1 }, total: { daily: 2 } },
        // One message a day by value would leave the caps above nothing to count.
        budget: { enabled: false },
      },
    });
    const { pushflow, metrics } = deliveryProcess(config, ALL_PIPELINES, dir);
    const report = await pushflow.run(new FileSource({ path: file, format: 'taobao', batchSize: 500 }));
    await pushflow.close();

    const suppressed = await labelValues(metrics.notificationsSuppressed, 'reason');
    const deferred = await labelValues(metrics.notificationsDeferred, 'reason');
    expect(Object.keys(suppressed).some((reason) => reason.startsWith('cap_'))).toBe(true);
    expect(Object.keys(deferred)).toEqual(expect.arrayContaining(['quiet_hours', 'rate_limit']));

    const sent = (await metrics.notifications.get()).values.filter((v) => v.labels.outcome === 'sent');
    const sentBy = (channel: string) => sent.filter((v) => v.labels.channel === channel).reduce((total, v) => total + v.value, 0);
    const webhookKeys = new Set(webhook.requests.map((r) => r.headers['idempotency-key']));
    const mailKeys = new Set(smtp.mails.map((m) => m.headers.get('idempotency-key')));
    expect(webhookKeys.size).toBeGreaterThan(0);
    expect(mailKeys.size).toBeGreaterThan(0);
    // Delivery is at least once: a request that timed out on a busy machine is sent again with
    // the same key and body, for the receiver to drop. Distinct keys are the notifications.
    const bodyByKey = new Map<unknown, string>();
    for (const request of webhook.requests) {
      const key = request.headers['idempotency-key'];
      const body = JSON.parse(request.body) as { id: string };
      expect(body.id).toBe(key);
      if (bodyByKey.has(key)) expect(request.body).toBe(bodyByKey.get(key));
      bodyByKey.set(key, request.body);
    }
    expect(webhookKeys.size).toBe(sentBy('push'));
    expect(mailKeys.size).toBe(sentBy('email'));
    expect(webhookKeys.size + mailKeys.size).toBe(report.committed.notifications);
    expect(report.outboxDepth).toBe(0);
    if (process.env.PUSHFLOW_TAOBAO_FILE !== undefined) console.log(JSON.stringify({ file, events: report.totals.events, push: webhookKeys.size, email: mailKeys.size, suppressed, deferred }));
    // Mail goes to the address the unknown-user rule gives.
    expect(String(smtp.mails[0].headers.get('to'))).toMatch(/@shop\.example/);
  }, process.env.PUSHFLOW_TAOBAO_FILE === undefined ? 180_000 : 900_000);
});
