import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateBehavior, testWindow, zoneOffsetSeconds } from '../../src/behavior/evaluateBehavior.js';
import { renderEvaluation } from '../../src/cli/evalBehaviorCommand.js';
import { shopperEvents, START, tinyConfig } from './behaviorFixture.js';

const CODES: Record<string, string> = { view: 'pv', add_to_cart: 'cart', favorite: 'fav', purchase: 'buy' };

describe('behaviour evaluator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pushflow-eval-behavior-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('splits on local days, ignoring stray days of dirty data', () => {
    const day = 86_400;
    const offset = zoneOffsetSeconds('Asia/Shanghai', START);
    expect(offset).toBe(8 * 3600);
    const local0 = Math.floor((START / 1000 + offset) / day) * day - offset;
    // 100 events on each of 4 local days, and 2 stray events 10 days later.
    const times = [...Array.from({ length: 400 }, (_, i) => local0 + Math.floor(i / 100) * day + 3600), local0 + 14 * day, local0 + 14 * day + 5];
    expect(testWindow(times, 'Asia/Shanghai', 1)).toEqual({ from: local0 + 3 * day, to: local0 + 4 * day });
    expect(testWindow(times, 'Asia/Shanghai', 2).from).toBe(local0 + 2 * day);
  });

  it('trains on the days before the split and compares with every baseline on the last days', async () => {
    const file = join(dir, 'shoppers.csv');
    const events = shopperEvents(20, 5);
    writeFileSync(file, events.map((e) => `${e.userId},${e.itemId},${e.categoryId},${CODES[e.type]},${Math.floor(e.time / 1000)}`).join('\n') + '\n');
    const config = tinyConfig(join(dir, 'data'));
    const report = await evaluateBehavior({ file, format: 'taobao', config, testDays: 1 });

    expect(report.data.events).toBe(events.length);
    expect(report.data.users).toBe(20);
    expect(report.data.trainEvents + report.data.testEvents).toBe(events.length);
    const split = Date.parse(report.data.testFrom);
    expect(report.data.testEvents).toBe(events.filter((e) => Math.floor(e.time / 1000) * 1000 >= split).length);
    // Every test event has an earlier event of its user here: each one is a next-category case.
    expect(report.nextCategory.cases).toBe(report.data.testEvents);
    expect(report.nextCategory.rows.map((row) => row.name)).toEqual([
      'behaviour model (GRU + own history + Markov mixture)',
      "the GRU's softmax alone (vocabulary only)",
      'first-order Markov chain (online)',
      'most popular (online)',
      "user's own most frequent (online)",
      'last + own top + Markov blend (online)',
    ]);
    for (const row of report.nextCategory.rows) {
      expect(row.recallAt5).toBeGreaterThanOrEqual(row.mrrAt5);
      expect(row.recallAt5).toBeLessThanOrEqual(1);
    }
    // Users cycle through three favourite categories: own history finds them all.
    const own = report.nextCategory.rows.find((row) => row.name.startsWith("user's own"))!;
    expect(own.recallAt5).toBe(1);
    expect(report.nextCategory.rows[0].recallAt5).toBeGreaterThan(0.9);
    expect(report.purchase.rows).toHaveLength(2);
    expect(report.activeHours.rows).toHaveLength(2);
    expect(report.model.backend).toBe('wasm');
    expect(report.scoring.users).toBe(20);
    expect(renderEvaluation(report)).toContain('| first-order Markov chain (online) |');
  });
});
