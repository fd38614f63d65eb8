// SMS provider adapter: each text is POSTed as JSON `{to, from, text, reference, encoding}` to
// the configured endpoint with a bearer token from the environment and an `Idempotency-Key`
// header (providers that honour it drop a resend). The text was already fitted to one SMS by
// the composer (GSM-7 or UCS-2). A notification with no phone number fails permanently.

import { postForResult, secretFromEnv } from './httpDelivery.js';
import { OneByOneSink } from './oneByOneSink.js';
import { isGsm7 } from '../compose/channelLimits.js';
import type { ItemResult, Notification } from './sink.js';

export interface SmsSinkOptions {
  url: string;
  tokenEnv: string;
  sender: string;
  timeoutMs: number;
  concurrency: number;
  env?: NodeJS.ProcessEnv;
}

export class SmsSink extends OneByOneSink {
  readonly name = 'sms';
  private readonly token: string | undefined;

  constructor(private readonly options: SmsSinkOptions) {
    super(options.concurrency);
    this.token = secretFromEnv(options.tokenEnv, options.env);
  }

  protected async sendOne(notification: Notification): Promise<ItemResult> {
    if (notification.to === undefined) return { ok: false, permanent: true, error: 'no_address' };
    const body = JSON.stringify({
      to: notification.to,
      from: this.options.sender,
      text: notification.body,
      encoding: isGsm7(notification.body) ? 'GSM-7' : 'UCS-2',
      reference: notification.id,
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': notification.id };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    return postForResult({ url: this.options.url, headers, body, timeoutMs: this.options.timeoutMs });
  }
}
