// Renders a candidate for one channel in the user's locale: picks the type's template (from the
// validated template files, or for a type that only has the older in-code copy in
// messageTemplates.ts, that copy), resolves the locale (exact, then same language, then the
// fallback), picks a variant stably per user, fills the values (catalog title and price, the
// candidate's payload) with Intl formatting, escapes values in HTML, and fits each channel's
// limits: push title and body, a single SMS (GSM-7 or UCS-2), the email subject.

import type { CatalogItem } from '../../state/catalogStore.js';
import type { Channel } from '../events/types.js';
import type { NotificationCandidate } from '../runtime/pipeline.js';
import { codePointLength, fitPieces, smsBudget, type SmsEncoding } from './channelLimits.js';
import { escapeHtml, joinPieces, renderParts, type FormatContext, type Piece } from './messageFormat.js';
import { MESSAGE_TEMPLATES } from './messageTemplates.js';
import { renderNotification } from './renderNotification.js';
import type { CompiledVariant, TypeTemplates } from './templateFiles.js';
import { fnv1a } from '../hash/fnv1a.js';

export interface ComposeLimits {
  fallbackLocale: string;
  pushTitleMaxChars: number;
  pushBodyMaxChars: number;
  smsMaxSegments: number;
  emailSubjectMaxChars: number;
}

export interface RenderRequest {
  candidate: NotificationCandidate;
  channel: Channel;
  /** The user's locale (BCP 47). */
  locale: string;
  /** The user's IANA time zone, for dates. */
  timeZone: string;
  item?: CatalogItem;
  /**
   * Picks the variant among the ids the template has for this channel and locale (the eligible
   * ones: the bandit, an experiment arm); undefined or an unknown id: the stable hash's pick.
   */
  chooseVariant?: (eligible: readonly string[]) => string | undefined;
}

export interface RenderedMessage {
  locale: string;
  variant: string;
  /** Push/webhook title, email subject; empty for SMS. */
  title: string;
  /** Push/webhook body, SMS text, email text body. */
  body: string;
  /** Email HTML body. */
  html?: string;
  smsEncoding?: SmsEncoding;
}

export class UnknownTemplateError extends Error {
  constructor(readonly type: string) {
    super(`no template for notification type "${type}"`);
  }
}

const ELLIPSIS = '…';
const PART_EQUIVALENTS: Record<string, string[]> = {
  title: ['title', 'subject'],
  subject: ['subject', 'title'],
  body: ['body', 'text'],
  text: ['text', 'body'],
  html: ['html'],
};
const ITEM_WITHOUT_TITLE: Record<string, (itemId: string) => string> = {
  en: (itemId) => `item #${itemId}`,
  zh: (itemId) => `商品 #${itemId}`,
};

export class MessageComposer {
  constructor(
    private readonly templates: ReadonlyMap<string, TypeTemplates>,
    private readonly limits: ComposeLimits,
  ) {}

  /** Whether `type` has copy (a template file, or the older in-code copy). */
  has(type: string): boolean {
    return this.templates.has(type) || Object.hasOwn(MESSAGE_TEMPLATES, type);
  }

  types(): string[] {
    return [...new Set([...this.templates.keys(), ...Object.keys(MESSAGE_TEMPLATES)])].sort();
  }

  /** Renders, or throws UnknownTemplateError when the type has no copy. */
  render(request: RenderRequest): RenderedMessage {
    const templates = this.templates.get(request.candidate.type);
    if (templates !== undefined) {
      const byLocale = templates.channels.get(request.channel) ?? templates.channels.get('push') ?? templates.channels.values().next().value!;
      const locale = resolveLocale(byLocale, request.locale, this.limits.fallbackLocale);
      const variants = byLocale.get(locale)!;
      const chosen = variants.length > 1 ? request.chooseVariant?.(variants.map(({ id }) => id)) : undefined;
      const variant = variants.find(({ id }) => id === chosen) ?? pickVariant(variants, `${request.candidate.userId}|${request.candidate.type}|${request.channel}`);
      const context = this.formatContext(templates, request, locale);
      const partChannel: Channel = templates.channels.has(request.channel) ? request.channel : templates.channels.has('push') ? 'push' : [...templates.channels.keys()][0];
      return this.fit(request.channel, partChannel, variant, context, locale);
    }
    if (Object.hasOwn(MESSAGE_TEMPLATES, request.candidate.type)) return this.renderLegacy(request);
    throw new UnknownTemplateError(request.candidate.type);
  }

  private formatContext(templates: TypeTemplates, request: RenderRequest, locale: string): FormatContext {
    const { candidate, item } = request;
    const payload = candidate.payload;
    // Only the fields the copy declares (and `currency`) are read: no copy of the whole payload.
    const values: Record<string, unknown> = {};
    for (const name of templates.fieldNames) values[name] = payload[name];
    const itemId = payload.itemId;
    values.item = item?.title ?? payload.item ?? (typeof itemId === 'string' ? (ITEM_WITHOUT_TITLE[locale.slice(0, 2)] ?? ITEM_WITHOUT_TITLE.en)(itemId) : undefined);
    values.price = item?.price ?? payload.price;
    const currency = item?.currency ?? (typeof payload.currency === 'string' ? payload.currency : 'CNY');
    values.currency = currency;
    return { locale, timeZone: request.timeZone, currency, kinds: templates.fields, values };
  }

  private fit(channel: Channel, partChannel: Channel, variant: CompiledVariant, context: FormatContext, locale: string): RenderedMessage {
    const { parts, id } = variant;
    const render = (name: string, escape?: (text: string) => string): Piece[] => {
      // Copy written for another channel stands in when this one has none (an SMS from the push body).
      const source = (PART_EQUIVALENTS[name] ?? [name]).map((candidate) => parts[candidate]).find((found) => found !== undefined) ?? [];
      return renderParts(source, context, escape);
    };
    switch (channel) {
      case 'push':
        return {
          locale,
          variant: id,
          title: fitPieces(render('title'), this.limits.pushTitleMaxChars, codePointLength, ELLIPSIS, locale),
          body: fitPieces(render('body'), this.limits.pushBodyMaxChars, codePointLength, ELLIPSIS, locale),
        };
      case 'webhook':
        return { locale, variant: id, title: joinPieces(render('title')), body: joinPieces(render('body')) };
      case 'sms': {
        const pieces = render('text');
        const budget = smsBudget(joinPieces(pieces), this.limits.smsMaxSegments);
        return { locale, variant: id, title: '', body: fitPieces(pieces, budget.limit, budget.measure, budget.ellipsis, locale), smsEncoding: budget.encoding };
      }
      case 'email': {
        const text = joinPieces(render('text'));
        const html = partChannel === 'email' ? joinPieces(render('html', escapeHtml)) : `<p>${escapeHtml(text)}</p>`;
        return { locale, variant: id, title: fitPieces(render('subject'), this.limits.emailSubjectMaxChars, codePointLength, ELLIPSIS, locale), body: text, html };
      }
    }
  }

  /** A type that only has in-code copy (title and body) is adapted to each channel. */
  private renderLegacy(request: RenderRequest): RenderedMessage {
    const { title, body, locale } = renderNotification(request.candidate, request.locale, request.item);
    const literal = (text: string): Piece[] => [{ text, kind: 'literal' }];
    switch (request.channel) {
      case 'push':
        return {
          locale,
          variant: 'default',
          title: fitPieces(literal(title), this.limits.pushTitleMaxChars, codePointLength, ELLIPSIS, locale),
          body: fitPieces(literal(body), this.limits.pushBodyMaxChars, codePointLength, ELLIPSIS, locale),
        };
      case 'webhook':
        return { locale, variant: 'default', title, body };
      case 'sms': {
        const budget = smsBudget(body, this.limits.smsMaxSegments);
        return { locale, variant: 'default', title: '', body: fitPieces(literal(body), budget.limit, budget.measure, budget.ellipsis, locale), smsEncoding: budget.encoding };
      }
      case 'email':
        return {
          locale,
          variant: 'default',
          title: fitPieces(literal(title), this.limits.emailSubjectMaxChars, codePointLength, ELLIPSIS, locale),
          body,
          html: `<p>${escapeHtml(body)}</p>`,
        };
    }
  }
}

/** The user's locale if there is copy for it, else one of the same language, else the fallback. */
export function resolveLocale(byLocale: ReadonlyMap<string, unknown>, wanted: string, fallback: string): string {
  if (byLocale.has(wanted)) return wanted;
  const language = wanted.split('-')[0].toLowerCase();
  for (const locale of byLocale.keys()) if (locale.split('-')[0].toLowerCase() === language) return locale;
  return byLocale.has(fallback) ? fallback : byLocale.keys().next().value!;
}

/** A stable, weighted choice among variants for `key` (the same user gets the same variant). */
export function pickVariant(variants: readonly CompiledVariant[], key: string): CompiledVariant {
  if (variants.length === 1) return variants[0];
  let total = 0;
  for (const variant of variants) total += variant.weight;
  let point = (fnv1a(key) / 2 ** 32) * total;
  for (const variant of variants) {
    point -= variant.weight;
    if (point < 0) return variant;
  }
  return variants[variants.length - 1];
}
