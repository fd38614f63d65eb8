import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { loadComposer, templatesDir } from '../../src/compose/loadComposer.js';
import { codePointLength, gsm7Length, isGsm7 } from '../../src/compose/channelLimits.js';
import { loadTemplateDir, parseTemplateFile, TemplateError } from '../../src/compose/templateFiles.js';
import type { NotificationCandidate } from '../../src/runtime/pipeline.js';
import { CHANNELS } from '../../src/events/types.js';

const config = configSchema.parse({});
const composer = loadComposer(config);
const candidate = (payload: Record<string, unknown> = { itemId: 'i1', cartedAt: Date.parse('2026-11-02T04:00:00Z') }, userId = 'u1'): NotificationCandidate => ({
  type: 'abandoned_cart', priority: 'marketing', userId, dedupeKey: 'k', time: 0, payload,
});
const LONG_EN = 'Ultra Comfortable Noise Cancelling Wireless Over-Ear Bluetooth Headphones with Extra Long Battery Life';
const LONG_ZH = '超长续航无线降噪蓝牙耳机头戴式运动跑步专用旗舰款礼盒装';
const item = (title: string) => ({ itemId: 'i1', title, price: 1299, currency: 'CNY', updatedAt: 0 });

describe('shipped templates', () => {
  it('load and validate, with en-US and zh-CN copy for every channel of every type', () => {
    const templates = loadTemplateDir(templatesDir(config), 'en-US');
    expect(templates.size).toBeGreaterThan(0);
    for (const [, type] of templates) {
      for (const [, byLocale] of type.channels) expect([...byLocale.keys()].sort()).toEqual(expect.arrayContaining(['en-US', 'zh-CN']));
    }
  });

  it('fit every channel limit in both languages, with a very long product name', () => {
    for (const [locale, title] of [['en-US', LONG_EN], ['zh-CN', LONG_ZH]] as const) {
      for (let user = 0; user < 8; user++) {
        const request = { candidate: candidate(undefined, `user-${user}`), locale, timeZone: 'Asia/Shanghai', item: item(title) };
        const push = composer.render({ ...request, channel: 'push' });
        expect(codePointLength(push.title)).toBeLessThanOrEqual(50);
        expect(codePointLength(push.body)).toBeLessThanOrEqual(150);
        expect(push.body).toContain(locale === 'en-US' ? 'CN¥1,299.00' : '¥1,299.00');
        const sms = composer.render({ ...request, channel: 'sms' });
        if (sms.smsEncoding === 'gsm7') expect(gsm7Length(sms.body)).toBeLessThanOrEqual(160);
        else expect(sms.body.length).toBeLessThanOrEqual(70);
        expect(sms.smsEncoding).toBe(locale === 'en-US' && isGsm7(sms.body) ? 'gsm7' : 'ucs2');
        const email = composer.render({ ...request, channel: 'email' });
        expect(codePointLength(email.title)).toBeLessThanOrEqual(78);
        expect(email.html).toContain('<strong>');
        expect(email.body).toContain(title);
      }
    }
  });

  it('renders the zh-CN email with a Chinese date and escapes the product name in its HTML', () => {
    const email = composer.render({ candidate: candidate(), channel: 'email', locale: 'zh-CN', timeZone: 'Asia/Shanghai', item: item('<Mug & "Cup">') });
    expect(email.title).toBe('您的<Mug & "Cup">还在购物车里');
    expect(email.html).toContain('<strong>&lt;Mug &amp; &quot;Cup&quot;&gt;</strong>');
    expect(email.html).toContain('2026年11月2日');
    expect(email.body).toContain('<Mug & "Cup">');
  });

  it('falls back to a same-language locale, then en-US, and picks variants stably per user', () => {
    expect(composer.render({ candidate: candidate(), channel: 'push', locale: 'zh-TW', timeZone: 'UTC', item: item('Mug') }).locale).toBe('zh-CN');
    expect(composer.render({ candidate: candidate(), channel: 'push', locale: 'fr-FR', timeZone: 'UTC', item: item('Mug') }).locale).toBe('en-US');
    const variants = new Set<string>();
    for (let u = 0; u < 40; u++) {
      const a = composer.render({ candidate: candidate(undefined, `u${u}`), channel: 'push', locale: 'en-US', timeZone: 'UTC', item: item('Mug') });
      const b = composer.render({ candidate: candidate(undefined, `u${u}`), channel: 'push', locale: 'en-US', timeZone: 'UTC', item: item('Mug') });
      expect(a.variant).toBe(b.variant);
      variants.add(a.variant);
    }
    expect(variants).toEqual(new Set(['a', 'b']));
  });

  it('renders the in-code copy of every type that has no template file, on every channel, within its limits', () => {
    const files = loadTemplateDir(templatesDir(config), 'en-US');
    const legacy = composer.types().filter((type) => !files.has(type));
    for (const type of legacy) {
      for (const locale of ['en-US', 'zh-CN']) {
        for (const channel of CHANNELS) {
          const payload = {
            itemId: 'i1', orderId: 'order-1', count: 3, items: [{ title: 'Mug' }, { title: 'Cup' }, { title: 'Plate' }], price: 9, previousPrice: 12, dropPercent: 25,
            categoryId: 'kitchen', content: { 'en-US': { title: 'Winter sale', body: 'Up to 50% off' }, 'zh-CN': { title: '冬季特卖', body: '低至五折' } },
          };
          const out = composer.render({ candidate: { ...candidate(payload), type }, channel, locale, timeZone: 'UTC', item: item(LONG_EN) });
          expect(out.body.length, `${type} ${channel} ${locale}`).toBeGreaterThan(0);
          if (channel === 'push') expect(codePointLength(out.body)).toBeLessThanOrEqual(150);
          if (channel === 'sms') expect(out.smsEncoding === 'gsm7' ? gsm7Length(out.body) <= 160 : out.body.length <= 70).toBe(true);
        }
      }
    }
  });
});

describe('template validation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pushflow-templates-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const base = (body: string) => `type: t\nfields:\n  item: text\nchannels:\n  push:\n    en-US:\n      title: "Hi"\n      body: ${body}\n`;

  it('fails fast on an unknown placeholder, naming the file and line', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, base('"You left {itme} behind"'));
    expect(() => loadTemplateDir(dir, 'en-US')).toThrow(`${file}:8: push.en-US[0].body uses unknown placeholder {itme} (fields: item)`);
    rmSync(file);
  });

  it('names the line inside a block scalar', () => {
    const text = 'type: t\nfields: { item: text }\nchannels:\n  email:\n    en-US:\n      subject: "S"\n      text: "T"\n      html: |\n        <p>one</p>\n        <p>{oops}</p>\n';
    expect(() => parseTemplateFile('f.yaml', text, 'en-US')).toThrow(/^f\.yaml:10: email\.en-US\[0\]\.html uses unknown placeholder \{oops\}/);
  });

  it('rejects unknown channels, parts, field kinds, missing parts, missing fallback locale and bad syntax', () => {
    const cases: [string, RegExp][] = [
      ['type: t\nfields: { item: text }\nchannels:\n  fax:\n    en-US: { title: a, body: b }\n', /f\.yaml:4: unknown key "fax"/],
      ['type: t\nfields: { item: text }\nchannels:\n  push:\n    en-US: { title: a, body: b, footer: c }\n', /f\.yaml:5: push\.en-US\[0\]: unknown key "footer"/],
      ['type: t\nfields: { item: texty }\nchannels:\n  push:\n    en-US: { title: a, body: b }\n', /f\.yaml:2: field "item" has unknown kind "texty"/],
      ['type: t\nfields: { item: text }\nchannels:\n  push:\n    en-US: { title: a }\n', /f\.yaml:5: push\.en-US\[0\]: missing "body"/],
      ['type: t\nfields: { item: text }\nchannels:\n  push:\n    zh-CN: { title: a, body: b }\n', /f\.yaml:5: push: no en-US copy/],
      ['type: t\nfields: { n: number }\nchannels:\n  push:\n    en-US: { title: a, body: "{n, plural, one {x}}" }\n', /f\.yaml:5: push\.en-US\[0\]\.body: \{n, plural\} needs an "other" case/],
      ['type: t\nfields: { item: text }\nchannels:\n  push:\n    en-US: { title: a, body: b\n', /f\.yaml:\d+: YAML/],
    ];
    for (const [text, message] of cases) expect(() => parseTemplateFile('f.yaml', text, 'en-US')).toThrow(message);
    expect(() => parseTemplateFile('f.yaml', 'type: t\nfields: {}\nchannels: {}\n', 'en-US')).toThrow(TemplateError);
  });

  it('rejects a type defined in two files', () => {
    const twice = mkdtempSync(join(tmpdir(), 'pushflow-templates-'));
    writeFileSync(join(twice, 'a.yaml'), base('"b"'));
    writeFileSync(join(twice, 'b.yaml'), base('"b"'));
    expect(() => loadTemplateDir(twice, 'en-US')).toThrow(/b\.yaml:1: type "t" is already defined in .*a\.yaml/);
    rmSync(twice, { recursive: true, force: true });
  });
});
