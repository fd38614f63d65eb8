// Policy notes are made into text only when read: each placeholder formats the value in its turn.

import { describe, expect, it } from 'vitest';
import { reasonText, reasonTexts } from '../../src/decide/reasons.js';

describe('reasonText', () => {
  it('formats times as ISO instants, decimals to their places and other values as they are, in order', () => {
    expect(reasonText(['send_time: held to {t} (score {4} vs {2} now)', Date.parse('2026-03-29T01:00:00Z'), 0.123456, 1])).toBe('send_time: held to 2026-03-29T01:00:00.000Z (score 0.1235 vs 1.00 now)');
    expect(reasonText(['caps: {} {}/{} today', 'push', 2, 3])).toBe('caps: push 2/3 today');
    expect(reasonText('rate_limit: ok')).toBe('rate_limit: ok');
  });

  it('names a missing value instead of failing, and leaves a non-number in a number placeholder as it is', () => {
    expect(reasonText(['budget: {}/{} used today', 1])).toBe('budget: 1/? used today');
    expect(reasonText(['fatigue: {2}', 'n/a'])).toBe('fatigue: n/a');
    expect(reasonTexts(['a', ['b {}', 'c']])).toEqual(['a', 'b c']);
  });
});
