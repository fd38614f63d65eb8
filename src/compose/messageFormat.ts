// A compiled subset of ICU MessageFormat, enough for notification copy: `{name}` (formatted by
// the field's declared kind), `{name, number}` / `{name, number, currency|percent|integer}`,
// `{name, date|time, short|medium|long}`, `{name, plural, =0 {...} one {# item} other {# items}}`
// and `{name, select, a {...} none {...} other {...}}` (`none`: the value is absent), with ICU's apostrophe quoting (`'{'`, `''`).
// Templates compile once at start; rendering walks the parts with cached Intl formatters and
// returns pieces that know what they came from, so channel limits can shorten a product name at
// a word boundary but never cut a price, a date or a code in half.

export type FieldKind = 'text' | 'number' | 'money' | 'date' | 'datetime' | 'atomic';
export const FIELD_KINDS: readonly FieldKind[] = ['text', 'number', 'money', 'date', 'datetime', 'atomic'];

export type Part =
  | string
  | { kind: 'arg'; name: string; format?: 'number' | 'date' | 'time'; style?: string; at: number }
  | { kind: 'plural'; name: string; offset: number; cases: Map<string, Part[]>; at: number }
  | { kind: 'select'; name: string; cases: Map<string, Part[]>; at: number }
  | { kind: 'pound' };

export interface Piece {
  text: string;
  /** literal: template text; text: a free-text value (may be shortened); atomic: never cut. */
  kind: 'literal' | 'text' | 'atomic';
}

export class MessageSyntaxError extends Error {
  constructor(
    message: string,
    /** Index in the source text where the problem is. */
    readonly at: number,
  ) {
    super(message);
  }
}

const PLURAL_KEYS = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

/** Parses `source` into parts; throws MessageSyntaxError with the index of the problem. */
export function parseMessage(source: string): Part[] {
  let i = 0;
  const parseBody = (inPlural: boolean, closing: boolean): Part[] => {
    const parts: Part[] = [];
    let text = '';
    const flush = () => {
      if (text !== '') parts.push(text);
      text = '';
    };
    while (i < source.length) {
      const c = source[i];
      if (c === "'") {
        const next = source[i + 1];
        if (next === "'") {
          text += "'";
          i += 2;
        } else if (next === '{' || next === '}' || (next === '#' && inPlural)) {
          const end = source.indexOf("'", i + 1);
          if (end < 0) throw new MessageSyntaxError('unterminated quote', i);
          text += source.slice(i + 1, end);
          i = end + 1;
        } else {
          text += "'";
          i++;
        }
      } else if (c === '{') {
        flush();
        parts.push(parseArgument(inPlural));
      } else if (c === '}') {
        if (!closing) throw new MessageSyntaxError("unmatched '}'", i);
        i++;
        flush();
        return parts;
      } else if (c === '#' && inPlural) {
        flush();
        parts.push({ kind: 'pound' });
        i++;
      } else {
        text += c;
        i++;
      }
    }
    if (closing) throw new MessageSyntaxError("missing '}'", source.length);
    flush();
    return parts;
  };

  const skipSpace = () => {
    while (i < source.length && /\s/.test(source[i])) i++;
  };
  const word = (): string => {
    skipSpace();
    const start = i;
    while (i < source.length && /[\w=:.-]/.test(source[i])) i++;
    return source.slice(start, i);
  };

  const parseArgument = (inPlural: boolean): Part => {
    const at = i;
    i++; // '{'
    const name = word();
    if (!/^[A-Za-z_]\w*$/.test(name)) throw new MessageSyntaxError(`bad placeholder name "${name}"`, at);
    skipSpace();
    if (source[i] === '}') {
      i++;
      return { kind: 'arg', name, at };
    }
    if (source[i] !== ',') throw new MessageSyntaxError(`expected ',' or '}' after {${name}`, i);
    i++;
    const type = word();
    skipSpace();
    if (type === 'number' || type === 'date' || type === 'time') {
      let style: string | undefined;
      if (source[i] === ',') {
        i++;
        style = word();
        skipSpace();
      }
      const allowed = type === 'number' ? ['currency', 'percent', 'integer'] : ['short', 'medium', 'long', 'full'];
      if (style !== undefined && !allowed.includes(style)) throw new MessageSyntaxError(`unknown ${type} style "${style}" (known: ${allowed.join(', ')})`, at);
      if (source[i] !== '}') throw new MessageSyntaxError(`expected '}' to close {${name}, ${type}`, i);
      i++;
      return { kind: 'arg', name, format: type, style, at };
    }
    if (type !== 'plural' && type !== 'select') throw new MessageSyntaxError(`unknown argument type "${type}" (known: number, date, time, plural, select)`, at);
    if (source[i] !== ',') throw new MessageSyntaxError(`expected ',' after {${name}, ${type}`, i);
    i++;
    let offset = 0;
    const cases = new Map<string, Part[]>();
    for (;;) {
      skipSpace();
      if (source[i] === '}') {
        i++;
        break;
      }
      const key = word();
      if (key === '') throw new MessageSyntaxError(`expected a case or '}' in {${name}, ${type}}`, i);
      if (type === 'plural' && key.startsWith('offset:')) {
        offset = Number(key.slice(7));
        continue;
      }
      if (type === 'plural' && !PLURAL_KEYS.has(key) && !/^=\d+$/.test(key)) {
        throw new MessageSyntaxError(`unknown plural case "${key}" (zero, one, two, few, many, other or =N)`, i - key.length);
      }
      skipSpace();
      if (source[i] !== '{') throw new MessageSyntaxError(`expected '{' after case "${key}"`, i);
      i++;
      cases.set(key, parseBody(type === 'plural' || inPlural, true));
    }
    if (!cases.has('other')) throw new MessageSyntaxError(`{${name}, ${type}} needs an "other" case`, at);
    return type === 'plural' ? { kind: 'plural', name, offset, cases, at } : { kind: 'select', name, cases, at };
  };

  return parseBody(false, false);
}

/** Every placeholder name a message uses, with where. */
export function placeholders(parts: Part[], into: { name: string; at: number }[] = []): { name: string; at: number }[] {
  for (const part of parts) {
    if (typeof part === 'string' || part.kind === 'pound') continue;
    into.push({ name: part.name, at: part.at });
    if (part.kind === 'plural' || part.kind === 'select') for (const body of part.cases.values()) placeholders(body, into);
  }
  return into;
}

export interface FormatContext {
  locale: string;
  /** The user's time zone, for dates. */
  timeZone: string;
  /** ISO 4217 code for money (`values.currency` wins). */
  currency: string;
  kinds: Readonly<Record<string, FieldKind>>;
  values: Readonly<Record<string, unknown>>;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const pluralRules = new Map<string, Intl.PluralRules>();

function numberFormat(locale: string, style: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${style}|${currency}`;
  let format = numberFormats.get(key);
  if (format === undefined) {
    const options: Intl.NumberFormatOptions =
      style === 'currency' ? { style: 'currency', currency } : style === 'percent' ? { style: 'percent' } : style === 'integer' ? { maximumFractionDigits: 0 } : {};
    format = new Intl.NumberFormat(locale, options);
    numberFormats.set(key, format);
  }
  return format;
}

function dateFormat(locale: string, type: 'date' | 'time' | 'datetime', style: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${type}|${style}|${timeZone}`;
  let format = dateFormats.get(key);
  if (format === undefined) {
    const s = style as 'short' | 'medium' | 'long' | 'full';
    const options: Intl.DateTimeFormatOptions =
      type === 'date' ? { dateStyle: s } : type === 'time' ? { timeStyle: s } : { dateStyle: s, timeStyle: 'short' };
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    dateFormats.set(key, format);
  }
  return format;
}

/** Formatted numbers by locale, style, currency and value: prices repeat, and Intl formatting is the costly part of rendering. */
const formattedNumbers = new Map<string, string>();
function formatNumberCached(locale: string, style: string, currency: string, value: number): string {
  const key = `${locale}|${style}|${currency}|${value}`;
  let text = formattedNumbers.get(key);
  if (text === undefined) {
    text = numberFormat(locale, style, currency).format(value);
    if (formattedNumbers.size >= 50_000) formattedNumbers.clear();
    formattedNumbers.set(key, text);
  }
  return text;
}

function pluralRule(locale: string): Intl.PluralRules {
  let rules = pluralRules.get(locale);
  if (rules === undefined) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules;
}

const toNumber = (value: unknown): number => (typeof value === 'number' ? value : Number(value));
const toTime = (value: unknown): number => (typeof value === 'number' ? value : Date.parse(String(value)));

function formatValue(name: string, format: 'number' | 'date' | 'time' | undefined, style: string | undefined, context: FormatContext): Piece {
  const value = context.values[name];
  if (value === undefined || value === null || value === '') return { text: '', kind: 'atomic' };
  const kind = context.kinds[name] ?? 'text';
  const currency = typeof context.values.currency === 'string' ? context.values.currency : context.currency;
  if (format === 'number' || (format === undefined && (kind === 'number' || kind === 'money'))) {
    const n = toNumber(value);
    if (!Number.isFinite(n)) return { text: String(value), kind: 'atomic' };
    const numberStyle = style ?? (kind === 'money' ? 'currency' : '');
    return { text: formatNumberCached(context.locale, numberStyle, currency, n), kind: 'atomic' };
  }
  if (format === 'date' || format === 'time' || (format === undefined && (kind === 'date' || kind === 'datetime'))) {
    const t = toTime(value);
    if (!Number.isFinite(t)) return { text: String(value), kind: 'atomic' };
    const type = format ?? (kind === 'date' ? 'date' : 'datetime');
    return { text: dateFormat(context.locale, type, style ?? 'medium', context.timeZone).format(t), kind: 'atomic' };
  }
  return { text: String(value), kind: kind === 'text' ? 'text' : 'atomic' };
}

/** Renders parts into pieces; `escape` is applied to every value (not to template text). */
export function renderParts(parts: Part[], context: FormatContext, escape?: (text: string) => string, pieces: Piece[] = [], pound?: string): Piece[] {
  for (const part of parts) {
    if (typeof part === 'string') {
      pieces.push({ text: part, kind: 'literal' });
      continue;
    }
    switch (part.kind) {
      case 'pound':
        pieces.push({ text: pound ?? '#', kind: 'atomic' });
        break;
      case 'arg': {
        const piece = formatValue(part.name, part.format, part.style, context);
        if (escape !== undefined) piece.text = escape(piece.text);
        pieces.push(piece);
        break;
      }
      case 'plural': {
        const n = toNumber(context.values[part.name]);
        const exact = part.cases.get(`=${n}`);
        const body = exact ?? part.cases.get(Number.isFinite(n) ? pluralRule(context.locale).select(n - part.offset) : 'other') ?? part.cases.get('other')!;
        const shown = Number.isFinite(n) ? numberFormat(context.locale, '', context.currency).format(n - part.offset) : '';
        renderParts(body, context, escape, pieces, shown);
        break;
      }
      case 'select': {
        const value = context.values[part.name];
        // An absent value selects `none` when the message has that case: `{price, select, none {} other {...}}`.
        const key = value === undefined || value === null || value === '' ? 'none' : String(value);
        renderParts(part.cases.get(key) ?? part.cases.get('other')!, context, escape, pieces, pound);
        break;
      }
    }
  }
  return pieces;
}

export const joinPieces = (pieces: readonly Piece[]): string => {
  let text = '';
  for (const piece of pieces) text += piece.text;
  return text;
};

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}
