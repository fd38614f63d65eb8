import { describe, expect, it } from 'vitest';
import { codePointLength, fitPieces, gsm7Length, isGsm7, smsBudget } from '../../src/compose/channelLimits.js';
import type { Piece } from '../../src/compose/messageFormat.js';

const lit = (text: string): Piece => ({ text, kind: 'literal' });
const txt = (text: string): Piece => ({ text, kind: 'text' });
const atom = (text: string): Piece => ({ text, kind: 'atomic' });

describe('channel limits', () => {
  it('tells GSM-7 from UCS-2 text and measures each as the network does', () => {
    expect(isGsm7('Your order ships today. Price: ¥199 (€ 25)')).toBe(true);
    expect(gsm7Length('€[]')).toBe(6);
    expect(isGsm7('您的订单已发货')).toBe(false);
    expect(isGsm7('Smart “quotes”')).toBe(false);
    expect(smsBudget('hello', 1)).toMatchObject({ encoding: 'gsm7', limit: 160, ellipsis: '...' });
    expect(smsBudget('你好', 1)).toMatchObject({ encoding: 'ucs2', limit: 70, ellipsis: '…' });
    expect(smsBudget('hello', 2).limit).toBe(306);
  });

  it('leaves a message that fits alone', () => {
    expect(fitPieces([lit('Hi '), txt('Ann')], 10, codePointLength, '…', 'en-US')).toBe('Hi Ann');
  });

  it('shortens a long product name at a word boundary before touching the rest (English)', () => {
    const pieces = [lit('You left '), txt('Ultra Comfortable Noise Cancelling Wireless Over-Ear Headphones'), lit(' ('), atom('CN¥1,299.00'), lit(') in your cart.')];
    const out = fitPieces(pieces, 60, codePointLength, '…', 'en-US');
    expect(codePointLength(out)).toBeLessThanOrEqual(60);
    expect(out).toContain('(CN¥1,299.00) in your cart.');
    expect(out).toMatch(/^You left Ultra Comfortable( \w+)*… \(/);
  });

  it('cuts the message at a word boundary and drops a price rather than splitting it', () => {
    const pieces = [lit('Price drop on your favourite item, now only '), atom('CN¥1,299.00'), lit(' today')];
    const out = fitPieces(pieces, 50, codePointLength, '…', 'en-US');
    expect(out).toBe('Price drop on your favourite item, now only…');
    expect(out).not.toMatch(/CN¥1,2/);
  });

  it('never splits a Chinese word (dictionary segmentation) nor a price, within 70 UCS-2 units', () => {
    const pieces = [lit('您加入购物车的'), txt('超长名字的无线降噪蓝牙耳机头戴式运动跑步专用超长续航版本旗舰款'), lit('（'), atom('¥1,299.00'), lit('）还在等您，库存有限，尽快下单吧。打开App即可下单，享受会员专属优惠。')];
    const budget = smsBudget(pieces.map((p) => p.text).join(''), 1);
    const out = fitPieces(pieces, budget.limit, budget.measure, budget.ellipsis, 'zh-CN');
    expect(out.length).toBeLessThanOrEqual(70);
    expect(out).toContain('¥1,299.00');
    // The name was cut between words: what is kept before the ellipsis is a run of whole words.
    const kept = out.slice('您加入购物车的'.length, out.indexOf('…'));
    const words = [...new Intl.Segmenter('zh-CN', { granularity: 'word' }).segment('超长名字的无线降噪蓝牙耳机头戴式运动跑步专用超长续航版本旗舰款')].map((s) => s.segment);
    let joined = '';
    const boundaries = new Set(['']);
    for (const word of words) boundaries.add((joined += word));
    expect(boundaries.has(kept)).toBe(true);
  });

  it('keeps a GSM-7 text in GSM-7 when truncating (three dots, not an ellipsis character)', () => {
    const long = 'Shop: ' + 'really '.repeat(30) + 'great deal';
    const budget = smsBudget(long, 1);
    const out = fitPieces([lit(long)], budget.limit, budget.measure, budget.ellipsis, 'en-US');
    expect(isGsm7(out)).toBe(true);
    expect(gsm7Length(out)).toBeLessThanOrEqual(160);
    expect(out.endsWith('really...')).toBe(true);
  });
});
