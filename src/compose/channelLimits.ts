// Channel length limits and the truncation that meets them. SMS is measured as the network does:
// GSM-7 septets (160 per single message, extension characters such as € count two) when every
// character is in the GSM 03.38 alphabet, else UTF-16 code units (70 per single message, UCS-2).
// Truncation first shortens free-text values (a product name) at a word boundary, then cuts the
// message at a word boundary before the limit, never inside a formatted value (price, date,
// code): such a value is kept whole or left out. Word boundaries come from Intl.Segmenter, which
// segments Chinese by dictionary, so a Chinese word is not split either.

import { joinPieces, type Piece } from './messageFormat.js';

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const GSM_BASIC_SET = new Set(GSM_BASIC);
const GSM_EXTENDED_SET = new Set(GSM_EXTENDED);

export type SmsEncoding = 'gsm7' | 'ucs2';

/** Whether every character of `text` can be sent in the GSM-7 alphabet. */
export function isGsm7(text: string): boolean {
  for (const c of text) if (!GSM_BASIC_SET.has(c) && !GSM_EXTENDED_SET.has(c)) return false;
  return true;
}

/** Septets `text` takes in GSM-7 (extension characters take two). */
export function gsm7Length(text: string): number {
  let length = 0;
  for (const c of text) length += GSM_EXTENDED_SET.has(c) ? 2 : 1;
  return length;
}

export interface SmsBudget {
  encoding: SmsEncoding;
  /** Units the message may take: septets (GSM-7) or UTF-16 code units (UCS-2). */
  limit: number;
  measure: (text: string) => number;
  ellipsis: string;
}

/** The budget of an SMS of at most `segments` parts for text like `sample`. */
export function smsBudget(sample: string, segments: number): SmsBudget {
  if (isGsm7(sample)) return { encoding: 'gsm7', limit: segments === 1 ? 160 : 153 * segments, measure: gsm7Length, ellipsis: '...' };
  return { encoding: 'ucs2', limit: segments === 1 ? 70 : 67 * segments, measure: (text) => text.length, ellipsis: '…' };
}

/** Characters as a reader counts them (code points), for push and email limits. */
const SURROGATE = /[\uD800-\uDFFF]/;
export const codePointLength = (text: string): number => {
  if (!SURROGATE.test(text)) return text.length;
  let length = 0;
  for (const _ of text) length++;
  return length;
};

const segmenters = new Map<string, Intl.Segmenter>();
function wordSegmenter(locale: string): Intl.Segmenter {
  let segmenter = segmenters.get(locale);
  if (segmenter === undefined) {
    segmenter = new Intl.Segmenter(locale, { granularity: 'word' });
    segmenters.set(locale, segmenter);
  }
  return segmenter;
}

/** The longest prefix of `text` ending at a word boundary that measures at most `budget`. */
export function cutAtWord(text: string, budget: number, measure: (text: string) => number, locale: string): string {
  if (budget <= 0) return '';
  let kept = '';
  for (const { segment } of wordSegmenter(locale).segment(text)) {
    if (measure(kept + segment) > budget) break;
    kept += segment;
  }
  return kept;
}

const TRAILING = /[\s,;:.…、，；：。!！?？\-–—(（\[【]+$/u;

/** Text with trailing spaces and dangling punctuation removed, so an ellipsis reads well after it. */
const tidyEnd = (text: string) => text.replace(TRAILING, '');

/** Shortest a free-text value is shortened to before the message itself is cut. */
const MIN_VALUE_UNITS = 8;

/**
 * Joins `pieces` into at most `limit` units, shortening gracefully (see the module comment).
 * @example
 * fitPieces([{ text: 'You left ', kind: 'literal' }, { text: 'Very Long Product Name', kind: 'text' }], 20, codePointLength, '…', 'en-US');
 * // 'You left Very Long…'
 */
export function fitPieces(pieces: readonly Piece[], limit: number, measure: (text: string) => number, ellipsis: string, locale: string): string {
  const whole = joinPieces(pieces);
  if (measure(whole) <= limit) return whole;
  const work = pieces.map((piece) => ({ ...piece }));
  let total = measure(whole);
  const ellipsisUnits = measure(ellipsis);
  const done = new Set<number>();
  // 1. Shorten free-text values, longest first, down to a readable minimum.
  while (total > limit) {
    let longest = -1;
    let longestUnits = 0;
    work.forEach((piece, index) => {
      if (piece.kind !== 'text' || done.has(index)) return;
      const units = measure(piece.text);
      if (units > longestUnits) {
        longest = index;
        longestUnits = units;
      }
    });
    if (longest < 0 || longestUnits <= MIN_VALUE_UNITS + ellipsisUnits) break;
    const target = Math.max(MIN_VALUE_UNITS, longestUnits - (total - limit) - ellipsisUnits);
    const shortened = tidyEnd(cutAtWord(work[longest].text, target, measure, locale));
    done.add(longest);
    if (shortened === '' || measure(shortened) + ellipsisUnits >= longestUnits) continue;
    work[longest].text = shortened + ellipsis;
    total = measure(joinPieces(work));
  }
  if (total <= limit) return joinPieces(work);
  // 2. Cut the message at a word boundary, dropping a formatted value rather than splitting it.
  const budget = limit - ellipsisUnits;
  let out = '';
  for (const piece of work) {
    const units = measure(piece.text);
    if (measure(out) + units <= budget) {
      out += piece.text;
      continue;
    }
    if (piece.kind !== 'atomic') out += cutAtWord(piece.text, budget - measure(out), measure, locale);
    break;
  }
  return tidyEnd(out) + ellipsis;
}
