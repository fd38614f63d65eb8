// HTTP webhook sink: each notification is POSTed as JSON to one endpoint, with an
// `Idempotency-Key` header (the notification id: a retry or a resend after a crash carries the
// same key, and the receiver drops the repeat) and, when a secret is configured, an
// HMAC-SHA256 signature over `<timestamp>.<body>` in `X-Pushflow-Signature: sha256=<hex>`, with
// the timestamp in `X-Pushflow-Timestamp` so receivers can refuse replays. The secret comes
// from the environment and appears nowhere else.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { postForResult, secretFromEnv } from './httpDelivery.js';
import { OneByOneSink } from './oneByOneSink.js';
import type { ItemResult, Notification } from './sink.js';

export const SIGNATURE_HEADER = 'x-pushflow-signature';
export const TIMESTAMP_HEADER = 'x-pushflow-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

export interface WebhookSinkOptions {
  url: string;
  /** Name of the environment variable holding the signing secret. */
  secretEnv: string;
  timeoutMs: number;
  concurrency: number;
  env?: NodeJS.ProcessEnv;
  /** Seconds since the epoch, for the signature timestamp (tests pin it). */
  now?: () => number;
}

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers: whether `signature` signs `body` at `timestamp`, within `toleranceSeconds` of now. */
export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string, toleranceSeconds = 300, nowSeconds = Date.now() / 1000): boolean {
  if (!(Math.abs(nowSeconds - Number(timestamp)) <= toleranceSeconds)) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export class WebhookSink extends OneByOneSink {
  readonly name = 'webhook';
  private readonly secret: string | undefined;

  constructor(private readonly options: WebhookSinkOptions) {
    super(options.concurrency);
    this.secret = secretFromEnv(options.secretEnv, options.env);
  }

  protected sendOne(notification: Notification): Promise<ItemResult> {
    const body = JSON.stringify(notification);
    const timestamp = String(Math.floor(this.options.now?.() ?? Date.now() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [IDEMPOTENCY_HEADER]: notification.id,
      [TIMESTAMP_HEADER]: timestamp,
    };
    if (this.secret !== undefined) headers[SIGNATURE_HEADER] = webhookSignature(this.secret, timestamp, body);
    return postForResult({ url: this.options.url, headers, body, timeoutMs: this.options.timeoutMs });
  }
}
