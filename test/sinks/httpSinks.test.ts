// The HTTP provider sinks against a real local HTTP server: the webhook's JSON, HMAC-SHA256
// signature, idempotency key and timeout; the SMS and mobile-push adapters' request shapes and
// credentials; how each answer is classified; and that no secret leaks into an error.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebhookSink, verifyWebhookSignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/sinks/webhookSink.js';
import { SmsSink } from '../../src/sinks/smsSink.js';
import { MobilePushSink, uuidFromId } from '../../src/sinks/mobilePushSink.js';
import type { Notification } from '../../src/sinks/sink.js';
import { startHttpReceiver, type HttpReceiver } from '../support/localServers.js';

const SECRET = 'whsec_test_7f3a9c';
const TOKEN = 'provider-token-5b2e';
const env = { PUSHFLOW_WEBHOOK_SECRET: SECRET, PUSHFLOW_SMS_TOKEN: TOKEN, PUSHFLOW_PUSH_TOKEN: TOKEN };
const notification = (id: string, extra: Partial<Notification> = {}): Notification => ({
  id, userId: 'u1', type: 'abandoned_cart', priority: 'marketing', channel: 'push', locale: 'en-US', title: 'Still thinking about Mug?',
  body: 'You left Mug in your cart.', decidedAt: 1, ingestedAt: 1, payload: { itemId: 'i1', price: 3 }, ...extra,
});

describe('HTTP sinks', () => {
  let server: HttpReceiver;
  beforeAll(async () => (server = await startHttpReceiver()));
  afterAll(async () => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.respond = () => ({ status: 200 });
  });

  describe('webhook', () => {
    const sink = (options: Partial<ConstructorParameters<typeof WebhookSink>[0]> = {}) =>
      new WebhookSink({ url: `${server.url}/hook`, secretEnv: 'PUSHFLOW_WEBHOOK_SECRET', timeoutMs: 2000, concurrency: 4, env, ...options });

    it('POSTs the notification as JSON with an idempotency key and a verifiable HMAC-SHA256 signature', async () => {
      const results = await sink().sendEach([notification('n1'), notification('n2')]);
      expect(results).toEqual([{ ok: true }, { ok: true }]);
      const byKey = new Map(server.requests.map((r) => [r.headers['idempotency-key'], r]));
      const request = byKey.get('n1')!;
      expect(request.method).toBe('POST');
      expect(request.url).toBe('/hook');
      expect(request.headers['content-type']).toBe('application/json');
      expect(JSON.parse(request.body)).toMatchObject({ id: 'n1', title: 'Still thinking about Mug?' });
      const signature = String(request.headers[SIGNATURE_HEADER]);
      expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(SECRET, String(request.headers[TIMESTAMP_HEADER]), request.body, signature)).toBe(true);
      expect(verifyWebhookSignature('other-secret', String(request.headers[TIMESTAMP_HEADER]), request.body, signature)).toBe(false);
      expect(verifyWebhookSignature(SECRET, String(request.headers[TIMESTAMP_HEADER]), request.body.replace('Mug', 'Cup'), signature)).toBe(false);
    });

    it('sends unsigned when no secret is in the environment', async () => {
      await sink({ env: {} }).sendEach([notification('n1')]);
      expect(server.requests[0].headers[SIGNATURE_HEADER]).toBeUndefined();
    });

    it('classifies 5xx, 429 and timeouts as transient, other 4xx as permanent', async () => {
      server.respond = (r) => {
        const id = r.headers['idempotency-key'];
        return id === 'slow' ? { status: 200, delayMs: 500 } : { status: id === 'e500' ? 500 : id === 'e429' ? 429 : id === 'e400' ? 400 : 200 };
      };
      const results = await sink({ timeoutMs: 150 }).sendEach(['e500', 'e429', 'e400', 'slow', 'ok'].map((id) => notification(id)));
      expect(results).toEqual([
        { ok: false, permanent: false, error: 'http_500' },
        { ok: false, permanent: false, error: 'http_429' },
        { ok: false, permanent: true, error: 'http_400' },
        { ok: false, permanent: false, error: 'timeout' },
        { ok: true },
      ]);
    });

    it('reports a refused connection as transient, and never puts the secret in an error', async () => {
      const closed = new WebhookSink({ url: 'http://127.0.0.1:1/hook', secretEnv: 'PUSHFLOW_WEBHOOK_SECRET', timeoutMs: 500, concurrency: 1, env });
      expect(await closed.sendEach([notification('n')])).toEqual([{ ok: false, permanent: false, error: 'network' }]);
      const error = await closed.send([notification('n')]).catch((e: Error) => e);
      expect(String(error)).not.toContain(SECRET);
      expect(String(error)).toMatch(/webhook: 1 of 1 failed \(network\)/);
    });
  });

  describe('SMS adapter', () => {
    it('POSTs {to, from, text, reference, encoding} with the bearer token from the environment', async () => {
      const sms = new SmsSink({ url: `${server.url}/sms`, tokenEnv: 'PUSHFLOW_SMS_TOKEN', sender: 'Shop', timeoutMs: 2000, concurrency: 2, env });
      const results = await sms.sendEach([
        notification('s1', { channel: 'sms', to: '+8613800000000', body: '您的订单已发货' }),
        notification('s2', { channel: 'sms', to: '+12125550000', body: 'Your order shipped' }),
        notification('s3', { channel: 'sms', body: 'no number' }),
      ]);
      expect(results).toEqual([{ ok: true }, { ok: true }, { ok: false, permanent: true, error: 'no_address' }]);
      const bodies = server.requests.map((r) => JSON.parse(r.body)).sort((a, b) => a.reference.localeCompare(b.reference));
      expect(bodies).toEqual([
        { to: '+8613800000000', from: 'Shop', text: '您的订单已发货', encoding: 'UCS-2', reference: 's1' },
        { to: '+12125550000', from: 'Shop', text: 'Your order shipped', encoding: 'GSM-7', reference: 's2' },
      ]);
      expect(server.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}` && r.headers['idempotency-key'] === JSON.parse(r.body).reference)).toBe(true);
    });
  });

  describe('mobile push adapter', () => {
    it('sends the FCM HTTP v1 shape, and a rejected token is permanent', async () => {
      server.respond = (r) => ({ status: JSON.parse(r.body).message.token === 'dead' ? 404 : 200 });
      const push = new MobilePushSink({ provider: 'fcm', url: `${server.url}/v1/projects/shop/messages:send`, tokenEnv: 'PUSHFLOW_PUSH_TOKEN', apnsTopic: 'x', timeoutMs: 2000, concurrency: 2, env });
      const results = await push.sendEach([notification('p1', { to: 'device-1' }), notification('p2', { to: 'dead' })]);
      expect(results).toEqual([{ ok: true }, { ok: false, permanent: true, error: 'http_404' }]);
      const first = server.requests.find((r) => JSON.parse(r.body).message.token === 'device-1')!;
      expect(first.url).toBe('/v1/projects/shop/messages:send');
      expect(first.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(JSON.parse(first.body)).toEqual({
        message: { token: 'device-1', notification: { title: 'Still thinking about Mug?', body: 'You left Mug in your cart.' }, data: { notification_id: 'p1', type: 'abandoned_cart', itemId: 'i1', price: '3' } },
      });
    });

    it('sends the APNs shape: device path, topic, push type, apns-id from the notification id', async () => {
      server.respond = (r) => ({ status: r.url.endsWith('/gone') ? 410 : 200 });
      const push = new MobilePushSink({ provider: 'apns', url: server.url, tokenEnv: 'PUSHFLOW_PUSH_TOKEN', apnsTopic: 'com.example.shop', timeoutMs: 2000, concurrency: 1, env });
      const results = await push.sendEach([notification('p1', { to: 'abc123', priority: 'transactional' }), notification('p2', { to: 'gone' })]);
      expect(results).toEqual([{ ok: true }, { ok: false, permanent: true, error: 'http_410' }]);
      const [request] = server.requests;
      expect(request.url).toBe('/3/device/abc123');
      expect(request.headers).toMatchObject({ 'apns-topic': 'com.example.shop', 'apns-push-type': 'alert', 'apns-priority': '10', 'apns-collapse-id': 'p1', authorization: `Bearer ${TOKEN}` });
      expect(request.headers['apns-id']).toBe(uuidFromId('p1'));
      expect(request.headers['apns-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(JSON.parse(request.body)).toEqual({ aps: { alert: { title: 'Still thinking about Mug?', body: 'You left Mug in your cart.' } }, notification_id: 'p1', type: 'abandoned_cart' });
    });
  });
});
