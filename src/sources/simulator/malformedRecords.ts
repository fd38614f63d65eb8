// Records that must end up in the dead letters, one per way real producers get it wrong: text
// cut off mid-JSON, a behaviour event without its user, a catalog update with a negative price.
// The parseable ones carry ids of their own, so they never dedupe against a real event.

import type { Random } from './random.js';

export type MalformedKind = 'bad-json' | 'missing-user-id' | 'negative-price';
const KINDS: readonly MalformedKind[] = ['bad-json', 'missing-user-id', 'negative-price'];

export interface MalformedRecord {
  kind: MalformedKind;
  raw: string;
}

/**
 * A malformed record at `time`, shaped after `sampleRaw` (the JSON of a real event) for cut-off
 * text. Always draws the same random numbers, whether or not the text is wanted, so that skipping
 * records on resume keeps the stream in step; `wantText` false returns an empty `raw`.
 */
export function malformedRecord(
  random: Random,
  id: string,
  time: number,
  sampleRaw: () => string,
  items: number,
  wantText: boolean,
): MalformedRecord {
  const kind = random.pick(KINDS);
  const cut = random.between(0.2, 0.9);
  const item = random.int(items);
  const amount = random.intBetween(1, 999);
  if (!wantText) return { kind, raw: '' };
  switch (kind) {
    case 'bad-json': {
      // A strict prefix of a JSON object is never valid JSON: the closing brace is missing.
      const text = sampleRaw();
      return { kind, raw: text.slice(0, Math.max(1, Math.floor(text.length * cut))) };
    }
    case 'missing-user-id':
      return { kind, raw: JSON.stringify({ id, time, kind: 'behavior', type: 'view', itemId: `item-${item}` }) };
    case 'negative-price':
      return { kind, raw: JSON.stringify({ id, time, kind: 'catalog', itemId: `item-${item}`, price: -amount - 0.1 }) };
  }
}
