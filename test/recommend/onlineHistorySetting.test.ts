import { describe, expect, it } from 'vitest';
import { Recommender } from '../../src/recommend/recommender.js';
import { settingsWith } from './support.js';

/** One heavy user over many items, then the user's factors. */
function userRowAfterHistory(recommender: Recommender): Float32Array {
  for (let i = 0; i < 40; i++) recommender.learn({ userId: 'heavy', itemId: `i${i}`, type: i % 5 === 0 ? 'add_to_cart' : 'view', time: 1_000 * i }, true);
  return Float32Array.from(recommender.eals.userRow(recommender.users.get('heavy')));
}

describe('recommend.onlineHistory', () => {
  it('0 reads every entry, as an unbounded cap does; a small cap gives other factors', () => {
    const all = userRowAfterHistory(new Recommender(settingsWith({ onlineHistory: 0 })));
    const unbounded = userRowAfterHistory(new Recommender(settingsWith({ onlineHistory: 0 }), { onlineHistory: Infinity }));
    const capped = userRowAfterHistory(new Recommender(settingsWith({ onlineHistory: 4 })));
    expect(Array.from(all)).toEqual(Array.from(unbounded));
    expect(Array.from(capped)).not.toEqual(Array.from(all));
  });
});
