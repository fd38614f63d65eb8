// Renders a candidate into title and body for the user's locale, naming the item from the
// catalog and formatting its price in the user's locale and the item's currency.

import type { CatalogItem } from '../../state/catalogStore.js';
import type { NotificationCandidate } from '../runtime/pipeline.js';
import { fillTemplate, MESSAGE_TEMPLATES, TEMPLATE_FIELDS, validateTemplates, type MessageTemplate } from './messageTemplates.js';

validateTemplates(MESSAGE_TEMPLATES, TEMPLATE_FIELDS);

const FALLBACK_LOCALE = 'en-US';
const ITEM_WITHOUT_TITLE: Record<string, (itemId: string) => string> = {
  'en-US': (itemId) => `item #${itemId}`,
  'zh-CN': (itemId) => `商品 #${itemId}`,
};

const priceFormats = new Map<string, Intl.NumberFormat>();
function formatPrice(locale: string, currency: string, price: number): string {
  const key = `${locale}|${currency}`;
  let format = priceFormats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    priceFormats.set(key, format);
  }
  return format.format(price);
}

export function templateFor(type: string, locale: string): { template: MessageTemplate; locale: string } {
  const byLocale = MESSAGE_TEMPLATES[type];
  if (byLocale === undefined) throw new Error(`no template for notification type "${type}"`);
  const template = byLocale[locale] ?? byLocale[FALLBACK_LOCALE];
  return { template, locale: byLocale[locale] ? locale : FALLBACK_LOCALE };
}

export function renderNotification(
  candidate: NotificationCandidate,
  requestedLocale: string,
  item: CatalogItem | undefined,
): { title: string; body: string; locale: string } {
  const { template, locale } = templateFor(candidate.type, requestedLocale);
  const itemId = String(candidate.payload.itemId ?? '');
  const itemName = item?.title ?? (ITEM_WITHOUT_TITLE[locale] ?? ITEM_WITHOUT_TITLE[FALLBACK_LOCALE])(itemId);
  const price = item?.price !== undefined ? formatPrice(locale, item.currency ?? 'CNY', item.price) : undefined;
  const values: Record<string, string> = {
    item: itemName,
    price: price === undefined ? '' : locale === 'zh-CN' ? `(${price})` : ` (${price})`,
    ...payloadValues(candidate.payload, locale, item?.currency),
  };
  return { title: fillTemplate(template.title, values), body: fillTemplate(template.body, values), locale };
}

/** Items a list names before "and N more". */
const LISTED_ITEMS = 3;
const zh = (locale: string) => locale.startsWith('zh');
const listFormats = new Map<string, Intl.ListFormat>();

/**
 * The placeholders the triggers' payloads fill: prices of a drop, a count and a list of item
 * names (digests, recommendations), the predicted category, an order id, a campaign's copy.
 */
function payloadValues(payload: Record<string, unknown>, locale: string, itemCurrency: string | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  const currency = typeof payload.currency === 'string' ? payload.currency : (itemCurrency ?? 'CNY');
  if (typeof payload.price === 'number') values.newPrice = formatPrice(locale, currency, payload.price);
  if (typeof payload.previousPrice === 'number') values.oldPrice = formatPrice(locale, currency, payload.previousPrice);
  if (typeof payload.dropPercent === 'number') values.dropPercent = `${payload.dropPercent}%`;
  if (typeof payload.count === 'number') values.count = String(payload.count);
  if (Array.isArray(payload.items)) values.items = itemList(payload.items as { itemId?: unknown; title?: unknown }[], Number(payload.count ?? payload.items.length), locale);
  if (typeof payload.categoryId === 'string') values.interest = interestPhrase(payload.categoryId, locale);
  if (payload.orderId !== undefined) values.orderId = String(payload.orderId);
  if (isRecord(payload.content)) {
    const content = payload.content[locale] ?? payload.content[FALLBACK_LOCALE] ?? Object.values(payload.content)[0];
    if (isRecord(content)) {
      values.campaignTitle = String(content.title ?? '');
      values.campaignBody = String(content.body ?? '');
    }
  }
  return values;
}

/** "A, B and C", "A, B, C and 2 more"; "A、B和C", "A、B、C等5件商品"; a generic phrase when empty. */
function itemList(items: { itemId?: unknown; title?: unknown }[], count: number, locale: string): string {
  if (items.length === 0) return zh(locale) ? '最新上架的好物' : 'our latest arrivals';
  const noTitle = ITEM_WITHOUT_TITLE[locale] ?? ITEM_WITHOUT_TITLE[FALLBACK_LOCALE];
  const names = items.slice(0, LISTED_ITEMS).map((item) => (typeof item.title === 'string' ? item.title : noTitle(String(item.itemId ?? ''))));
  const more = Math.max(count, items.length) - names.length;
  if (more > 0) return zh(locale) ? `${names.join('、')}等${names.length + more}件商品` : `${names.join(', ')} and ${more} more`;
  let format = listFormats.get(locale);
  if (format === undefined) {
    format = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
    listFormats.set(locale, format);
  }
  return format.format(names);
}

/** A category id as words: slugs read as their words, numeric ids (Taobao) as "category #id". */
function interestPhrase(categoryId: string, locale: string): string {
  const name = /^\d+$/.test(categoryId) ? (zh(locale) ? `类目 #${categoryId}` : `category #${categoryId}`) : categoryId.replace(/[-_]+/g, ' ');
  return zh(locale) ? `还有${name}的新品等您发现。` : ` More new in ${name} inside.`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
