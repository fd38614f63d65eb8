import { describe, expect, it } from 'vitest';
import { recordDecoder } from '../../src/events/decode.js';

const NOW = Date.UTC(2026, 10, 2);
const options = { maxPayloadBytes: 1_000, maxFutureSkewMs: 3_600_000, minTime: Date.UTC(1990, 0, 1) };
const decode = (format: 'taobao' | 'movielens' | 'json', raw: string) => recordDecoder(format, options)({ raw, offset: '0' }, NOW);

describe('record decoders', () => {
  it('maps Taobao behaviour codes and gives each row a content id', () => {
    const result = decode('taobao', '543462,1715,1464116,cart,1511658000');
    expect(result).toEqual({
      ok: true,
      event: { kind: 'behavior', id: 'tb:543462:1715:cart:1511658000', type: 'add_to_cart', userId: '543462', itemId: '1715', categoryId: '1464116', time: 1511658000_000 },
    });
    for (const [code, type] of [['pv', 'view'], ['fav', 'favorite'], ['buy', 'purchase']]) {
      expect(decode('taobao', `1,2,3,${code},1511658000`)).toMatchObject({ event: { type } });
    }
  });

  it('names the bad column of a Taobao row', () => {
    expect(decode('taobao', '1,2,3,zap,1511658000')).toMatchObject({ ok: false, field: 'behavior_type' });
    expect(decode('taobao', '1,2,3,pv,x')).toMatchObject({ ok: false, field: 'timestamp' });
    expect(decode('taobao', '1,2,3,pv')).toMatchObject({ ok: false, field: 'csv' });
    expect(decode('taobao', '1,2,3,pv,0')).toMatchObject({ ok: false, field: 'time' });
  });

  it('reads MovieLens ratings as implicit feedback (4 stars and up a favourite)', () => {
    expect(decode('movielens', '1,31,4.0,964982703')).toMatchObject({ ok: true, event: { type: 'favorite', userId: '1', itemId: '31' } });
    expect(decode('movielens', '1,31,2.5,964982703')).toMatchObject({ ok: true, event: { type: 'view' } });
    expect(decode('movielens', '1,31,9,964982703')).toMatchObject({ ok: false, field: 'rating' });
  });

  it('rejects bad JSON and payloads over the limit before parsing', () => {
    expect(decode('json', '{nope')).toMatchObject({ ok: false, field: 'json' });
    expect(decode('json', `"${'é'.repeat(600)}"`)).toMatchObject({ ok: false, field: 'payload' });
  });
});

describe('CSV id cells', () => {
  it('names an empty id column', () => {
    expect(decode('taobao', ',2,3,pv,1511658000')).toMatchObject({ ok: false, field: 'user_id' });
    expect(decode('taobao', '1,2,,pv,1511658000')).toMatchObject({ ok: false, field: 'category_id' });
    expect(decode('movielens', '1,,4.0,964982703')).toMatchObject({ ok: false, field: 'movieId' });
  });
});
