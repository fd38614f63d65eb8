import { describe, expect, it } from 'vitest';
import { escapeHtml, joinPieces, MessageSyntaxError, parseMessage, placeholders, renderParts, type FieldKind } from '../../src/compose/messageFormat.js';

const render = (source: string, locale: string, values: Record<string, unknown>, kinds: Record<string, FieldKind> = {}, escape?: (t: string) => string) =>
  joinPieces(renderParts(parseMessage(source), { locale, timeZone: 'Asia/Shanghai', currency: 'CNY', kinds, values }, escape));

describe('message format', () => {
  it('chooses plural forms by locale, with exact matches and # formatted', () => {
    const source = '{count, plural, =0 {no items} one {# item} other {# items}} in your cart';
    expect(render(source, 'en-US', { count: 0 })).toBe('no items in your cart');
    expect(render(source, 'en-US', { count: 1 })).toBe('1 item in your cart');
    expect(render(source, 'en-US', { count: 1234 })).toBe('1,234 items in your cart');
    expect(render('购物车里有{count, plural, other {#件商品}}', 'zh-CN', { count: 3 })).toBe('购物车里有3件商品');
  });

  it('formats numbers, money and dates by locale (Intl), in the user time zone', () => {
    const kinds: Record<string, FieldKind> = { price: 'money', at: 'datetime', n: 'number' };
    expect(render('{price}', 'en-US', { price: 1999.5 }, kinds)).toBe('CN¥1,999.50');
    expect(render('{price}', 'zh-CN', { price: 1999.5 }, kinds)).toBe('¥1,999.50');
    expect(render('{price}', 'en-US', { price: 5, currency: 'USD' }, kinds)).toBe('$5.00');
    expect(render('{n, number, percent}', 'en-US', { n: 0.15 })).toBe('15%');
    const at = Date.parse('2026-11-02T16:30:00Z'); // 00:30 on the 3rd in Shanghai
    expect(render('{at, date, medium}', 'en-US', { at })).toBe('Nov 3, 2026');
    expect(render('{at, date, long}', 'zh-CN', { at })).toBe('2026年11月3日');
  });

  it('selects, with `none` for an absent value', () => {
    const source = '{item}{price, select, none {} other { ({price})}}';
    expect(render(source, 'en-US', { item: 'Mug', price: 3 }, { price: 'money' })).toBe('Mug (CN¥3.00)');
    expect(render(source, 'en-US', { item: 'Mug' }, { price: 'money' })).toBe('Mug');
  });

  it('escapes values, not template markup, for HTML', () => {
    expect(render('<b>{item}</b>', 'en-US', { item: '<script>"x" & \'y\'</script>' }, {}, escapeHtml)).toBe('<b>&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;</b>');
  });

  it("keeps ICU apostrophe quoting: '{' is literal and it's stays it's", () => {
    expect(render("it's '{'literal'}' {x}", 'en-US', { x: 1 })).toBe("it's {literal} 1");
  });

  it('lists placeholders, nested ones included, and reports syntax errors with their position', () => {
    expect(placeholders(parseMessage('{a} {n, plural, other {{b}}}')).map((p) => p.name)).toEqual(['a', 'n', 'b']);
    expect(() => parseMessage('hello {name')).toThrow(MessageSyntaxError);
    expect(() => parseMessage('{n, plural, one {x}}')).toThrow(/needs an "other" case/);
    expect(() => parseMessage('{n, plural, lots {x} other {y}}')).toThrow(/unknown plural case "lots"/);
    try {
      parseMessage('abc {x, weird}');
    } catch (error) {
      expect((error as MessageSyntaxError).at).toBe(4);
    }
  });
});
