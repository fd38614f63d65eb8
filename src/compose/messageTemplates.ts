// Message templates per notification type and locale. A first, small set: issue #7 grows this
// into files per type x channel x locale with variants; the rendering seam stays the same.

export interface MessageTemplate {
  title: string;
  body: string;
}

export type TemplatesByLocale = Record<string, MessageTemplate>;

/** Placeholders each type may use, filled by the renderer from the candidate and the catalog. */
export const TEMPLATE_FIELDS: Record<string, readonly string[]> = {
  abandoned_cart: ['item', 'price'],
};

export const MESSAGE_TEMPLATES: Record<string, TemplatesByLocale> = {
  abandoned_cart: {
    'en-US': {
      title: 'Still thinking about {item}?',
      body: 'You left {item}{price} in your cart. It is still there for you.',
    },
    'zh-CN': {
      title: '{item}还在购物车里',
      body: '您加入购物车的{item}{price}还在等您,别错过。',
    },
  },
};

const PLACEHOLDER = /\{(\w+)\}/g;

/** Fails fast, naming type, locale and placeholder, when a template uses an unknown field. */
export function validateTemplates(templates: Record<string, TemplatesByLocale>, fields: Record<string, readonly string[]>): void {
  for (const [type, byLocale] of Object.entries(templates)) {
    const allowed = fields[type];
    if (allowed === undefined) throw new Error(`templates: type "${type}" has no declared fields`);
    for (const [locale, template] of Object.entries(byLocale)) {
      for (const part of ['title', 'body'] as const) {
        for (const [, name] of template[part].matchAll(PLACEHOLDER)) {
          if (!allowed.includes(name)) {
            throw new Error(`templates: ${type}.${locale}.${part} uses unknown placeholder {${name}} (known: ${allowed.join(', ')})`);
          }
        }
      }
    }
  }
}

export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => values[name] ?? '');
}
