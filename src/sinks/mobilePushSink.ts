// Mobile push provider adapter, shaped like FCM HTTP v1 or APNs: the request body, headers and
// path each provider expects, sent over HTTP/1.1 to a configurable endpoint with a bearer token
// from the environment (an OAuth access token for FCM, a provider JWT for APNs). FCM gets the
// notification id in `data.notification_id`; APNs gets it as `apns-id` (in UUID form) and
// `apns-collapse-id`, so a resend replaces rather than repeats. A rejected token (FCM 404
// UNREGISTERED, APNs 410) is a permanent failure: channel choice falls back to the next channel.

import { createHash } from 'node:crypto';
import { postForResult, secretFromEnv } from './httpDelivery.js';
import { OneByOneSink } from './oneByOneSink.js';
import type { ItemResult, Notification } from './sink.js';

export interface MobilePushSinkOptions {
  provider: 'fcm' | 'apns';
  url: string;
  tokenEnv: string;
  apnsTopic: string;
  timeoutMs: number;
  concurrency: number;
  env?: NodeJS.ProcessEnv;
}

/** A UUID derived from the notification id (APNs wants `apns-id` in that form). */
export function uuidFromId(id: string): string {
  const hex = createHash('sha256').update(id).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const stringData = (notification: Notification): Record<string, string> => {
  const data: Record<string, string> = { notification_id: notification.id, type: notification.type };
  for (const [key, value] of Object.entries(notification.payload)) {
    if (value !== undefined && value !== null) data[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return data;
};

export class MobilePushSink extends OneByOneSink {
  readonly name: string;
  private readonly token: string | undefined;

  constructor(private readonly options: MobilePushSinkOptions) {
    super(options.concurrency);
    this.name = `push_${options.provider}`;
    this.token = secretFromEnv(options.tokenEnv, options.env);
  }

  protected sendOne(notification: Notification): Promise<ItemResult> {
    const deviceToken = notification.to;
    if (deviceToken === undefined) return Promise.resolve({ ok: false, permanent: true, error: 'no_address' });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    const { timeoutMs } = this.options;
    if (this.options.provider === 'fcm') {
      const body = JSON.stringify({
        message: { token: deviceToken, notification: { title: notification.title, body: notification.body }, data: stringData(notification) },
      });
      return postForResult({ url: this.options.url, headers, body, timeoutMs });
    }
    headers['apns-topic'] = this.options.apnsTopic;
    headers['apns-push-type'] = 'alert';
    headers['apns-id'] = uuidFromId(notification.id);
    headers['apns-collapse-id'] = notification.id;
    headers['apns-priority'] = notification.priority === 'transactional' ? '10' : '5';
    const body = JSON.stringify({ aps: { alert: { title: notification.title, body: notification.body } }, notification_id: notification.id, type: notification.type });
    const url = `${this.options.url.replace(/\/$/, '')}/3/device/${encodeURIComponent(deviceToken)}`;
    return postForResult({ url, headers, body, timeoutMs });
  }
}
