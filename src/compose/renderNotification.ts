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
  const values = {
    item: itemName,
    price: price === undefined ? '' : locale === 'zh-CN' ? `(${price})` : ` (${price})`,
  };
  return { title: fillTemplate(template.title, values), body: fillTemplate(template.body, values), locale };
}
