// Email over SMTP with nodemailer: subject, text and HTML bodies from the composer, the
// notification id as `Message-ID` and `Idempotency-Key` header (mail systems and our tests drop
// a resend by it). A 5xx reply (unknown mailbox, rejected recipient) is a permanent failure, a
// 4xx reply or a connection problem transient. Credentials come from the environment.

import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { secretFromEnv } from './httpDelivery.js';
import { OneByOneSink } from './oneByOneSink.js';
import type { ItemResult, Notification } from './sink.js';

export interface SmtpSinkOptions {
  host: string;
  port: number;
  secure: boolean;
  ignoreTls: boolean;
  from: string;
  userEnv: string;
  passwordEnv: string;
  timeoutMs: number;
  maxConnections: number;
  env?: NodeJS.ProcessEnv;
}

export class SmtpSink extends OneByOneSink {
  readonly name = 'smtp';
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpSinkOptions) {
    super(options.maxConnections);
    const user = secretFromEnv(options.userEnv, options.env);
    const pass = secretFromEnv(options.passwordEnv, options.env);
    this.transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure,
      ignoreTLS: options.ignoreTls,
      pool: true,
      maxConnections: options.maxConnections,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      logger: false,
      ...(user !== undefined ? { auth: { user, pass: pass ?? '' } } : {}),
    });
  }

  override async close(): Promise<void> {
    this.transport.close();
  }

  protected async sendOne(notification: Notification): Promise<ItemResult> {
    if (notification.to === undefined) return { ok: false, permanent: true, error: 'no_address' };
    try {
      await this.transport.sendMail({
        from: this.options.from,
        to: notification.to,
        subject: notification.title,
        text: notification.body,
        ...(notification.html !== undefined ? { html: notification.html } : {}),
        messageId: `<${notification.id}@pushflow>`,
        headers: { 'Idempotency-Key': notification.id, 'X-Pushflow-Type': notification.type },
      });
      return { ok: true };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      if (typeof code === 'number') return { ok: false, permanent: code >= 500, error: `smtp_${code}` };
      const errorCode = (error as { code?: string }).code;
      return { ok: false, permanent: false, error: errorCode === 'ETIMEDOUT' ? 'timeout' : 'network' };
    }
  }
}
