// Email over SMTP (nodemailer) against a real local SMTP server (smtp-server): subject, text and
// HTML bodies, Message-ID and Idempotency-Key from the notification id, authentication from the
// environment, and how refusals are classified.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SmtpSink } from '../../src/sinks/smtpSink.js';
import type { Notification } from '../../src/sinks/sink.js';
import { startSmtpReceiver, type SmtpReceiver } from '../support/localServers.js';

const PASSWORD = 'smtp-pass-9d1c';
const email = (id: string, to: string | undefined, extra: Partial<Notification> = {}): Notification => ({
  id, userId: 'u1', type: 'abandoned_cart', priority: 'marketing', channel: 'email', locale: 'zh-CN', title: '您的杯子还在购物车里',
  body: '您好：\n\n您加入购物车的杯子还在等您。', html: '<p>您加入购物车的<strong>杯子</strong>还在等您。</p>', decidedAt: 1, ingestedAt: 1,
  payload: {}, ...(to !== undefined ? { to } : {}), ...extra,
});

describe('SMTP sink', () => {
  let server: SmtpReceiver;
  let sink: SmtpSink;
  beforeAll(async () => {
    server = await startSmtpReceiver({ user: 'pushflow', pass: PASSWORD });
    sink = new SmtpSink({
      host: '127.0.0.1', port: server.port, secure: false, ignoreTls: true, from: 'Shop <noreply@example.com>',
      userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASS', timeoutMs: 5000, maxConnections: 2,
      env: { SMTP_USER: 'pushflow', SMTP_PASS: PASSWORD },
    });
  });
  afterAll(async () => {
    await sink.close();
    await server.close();
  });
  beforeEach(() => {
    server.mails.length = 0;
    server.rejectRecipients.clear();
    server.failTemporarily = false;
  });

  it('delivers subject, text and HTML with the notification id as Message-ID and Idempotency-Key', async () => {
    expect(await sink.sendEach([email('n1', 'a@example.com')])).toEqual([{ ok: true }]);
    const [mail] = server.mails;
    expect(mail.to).toEqual(['a@example.com']);
    expect(mail.from).toBe('noreply@example.com');
    expect(mail.headers.get('message-id')).toBe('<n1@pushflow>');
    expect(mail.headers.get('idempotency-key')).toBe('n1');
    expect(mail.headers.get('subject')).toMatch(/^=\?UTF-8\?/); // encoded: it is Chinese
    expect(mail.headers.get('content-type')).toMatch(/multipart\/alternative/);
    expect(mail.raw).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(mail.raw).toMatch(/Content-Type: text\/html; charset=utf-8/);
  });

  it('fails a refused recipient permanently, a 4xx reply transiently, and a missing address permanently', async () => {
    server.rejectRecipients.add('gone@example.com');
    const results = await sink.sendEach([email('a', 'gone@example.com'), email('b', 'ok@example.com'), email('c', undefined)]);
    expect(results).toEqual([{ ok: false, permanent: true, error: 'smtp_550' }, { ok: true }, { ok: false, permanent: true, error: 'no_address' }]);
    server.failTemporarily = true;
    expect(await sink.sendEach([email('d', 'ok@example.com')])).toEqual([{ ok: false, permanent: false, error: 'smtp_451' }]);
  });

  it('fails transiently when the server is unreachable, without the password in the error', async () => {
    const down = new SmtpSink({
      host: '127.0.0.1', port: 1, secure: false, ignoreTls: true, from: 'x@example.com', userEnv: 'U', passwordEnv: 'P', timeoutMs: 1000, maxConnections: 1,
      env: { U: 'pushflow', P: PASSWORD },
    });
    const error = await down.send([email('n', 'a@example.com')]).catch((e: Error) => e);
    expect(String(error)).toMatch(/smtp: 1 of 1 failed \(network\)/);
    expect(String(error)).not.toContain(PASSWORD);
    await down.close();
  });
});
