// `pushflow inspect user` and `pushflow segments` against the data directory a replay of a small
// Taobao-format fixture left, through the built binary.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastJsonLine, runPushflow } from '../support/pushflowChild.js';
import { SeededRandom } from '../../src/segments/seededRandom.js';
import { FEATURE_NAMES } from '../../src/segments/profileVector.js';

const ENV = {
  PUSHFLOW_METRICS__ENABLED: 'false',
  PUSHFLOW_SEGMENTS__K: '3',
  PUSHFLOW_SEGMENTS__SEED_AFTER_USERS: '20',
  PUSHFLOW_SEGMENTS__MINI_BATCH_SIZE: '10',
};
/** 2017-11-27 00:00 in Shanghai, in Unix seconds (the Taobao format). */
const START = Date.UTC(2017, 10, 26, 16) / 1000;

/** 60 users over 3 days: a third buy at night, a third browse in the evening, a third favourite in the morning. */
function fixture(): { lines: string[]; eventsOf: Map<string, number> } {
  const random = new SeededRandom(1);
  const rows: [number, string][] = [];
  const eventsOf = new Map<string, number>();
  const kinds = [
    { hour: 2, behaviors: ['pv', 'cart', 'buy'] },
    { hour: 20, behaviors: ['pv', 'pv', 'pv', 'pv'] },
    { hour: 9, behaviors: ['pv', 'fav', 'fav'] },
  ];
  for (let user = 0; user < 60; user++) {
    const kind = kinds[user % 3];
    const userId = String(1000 + user);
    for (let day = 0; day < 3; day++) {
      const at = START + day * 86_400 + kind.hour * 3_600 + Math.floor(random.next() * 1_800);
      kind.behaviors.forEach((behavior, i) => {
        rows.push([at + i * 60, `${userId},${5000 + user * 10 + day},${700 + (user % 3)},${behavior},${at + i * 60}`]);
        eventsOf.set(userId, (eventsOf.get(userId) ?? 0) + 1);
      });
    }
  }
  rows.sort((a, b) => a[0] - b[0]);
  return { lines: rows.map(([, line]) => line), eventsOf };
}

let dir: string;
let dataDir: string;
const { lines, eventsOf } = fixture();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pushflow-inspect-'));
  dataDir = join(dir, 'data');
  writeFileSync(join(dir, 'fixture.csv'), `${lines.join('\n')}\n`);
  const replay = await runPushflow(['replay', join(dir, 'fixture.csv'), '--format', 'taobao', '--data-dir', dataDir, '--json'], ENV);
  expect(replay.code, replay.stderr).toBe(0);
  expect(lastJsonLine(replay.stdout).valid).toBe(lines.length);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pushflow segments', () => {
  it('lists the segments with sizes adding up to the users, descriptions and centroids in feature units (--json)', async () => {
    const result = await runPushflow(['segments', '--data-dir', dataDir, '--json'], ENV);
    expect(result.code, result.stderr).toBe(0);
    const summary = lastJsonLine(result.stdout);
    expect(summary.k).toBe(3);
    expect(summary.segments.reduce((sum: number, s: { size: number }) => sum + s.size, 0)).toBe(60);
    for (const segment of summary.segments) {
      expect(segment.description).not.toBe('');
      expect(Object.keys(segment.centroid)).toEqual(FEATURE_NAMES);
    }
    const descriptions = summary.segments.map((s: { description: string }) => s.description).join(' | ');
    expect(descriptions).toContain('evenings');
    expect(descriptions).toContain('mornings');
    expect(descriptions).toContain('complete their carts');
  });

  it('prints a table for people', async () => {
    const result = await runPushflow(['segments', '--data-dir', dataDir], ENV);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 segments, 60 users');
    expect(result.stdout).toMatch(/purchases30d\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+purchases/);
  });
});

describe('pushflow inspect user', () => {
  it('shows the profile, the segment and the window aggregates of a user (--json)', async () => {
    const result = await runPushflow(['inspect', 'user', '1000', '--data-dir', dataDir, '--json'], ENV);
    expect(result.code, result.stderr).toBe(0);
    const { sections } = lastJsonLine(result.stdout);
    expect(sections.profile.events).toBe(eventsOf.get('1000'));
    expect(sections.profile.countsByType).toEqual({ view: 3, add_to_cart: 3, purchase: 3 });
    expect(sections.profile.cartToPurchase).toEqual({ carts: 3, converted: 3, rate: 1 });
    expect(sections.profile.countsByDay).toHaveLength(3);
    expect(sections.profile.busiestHours[0].hour).toMatch(/ 02:00$/);
    expect(typeof sections.segment.segment).toBe('number');
    expect(sections.segment.description).toContain('complete their carts');
    expect(Object.keys(sections.windows)).toEqual(expect.arrayContaining(['profile-hourly', 'profile-daily']));
    expect(sections.profile.visits.total).toBe(3);
  });

  it("also shows the user's recommendations, behaviour scores and delivery state (--json)", async () => {
    const result = await runPushflow(['inspect', 'user', '1000', '--data-dir', dataDir, '--json'], ENV);
    expect(result.code, result.stderr).toBe(0);
    const { recommendations, behavior, delivery } = lastJsonLine(result.stdout).sections;
    // 1000 bought one item a day: those are not offered again; what the other night buyers bought
    // lately (carted and bought: the most confident feedback) is the most popular.
    expect(recommendations).toMatchObject({ source: "hybrid of the user's history", historyLength: 3 });
    const items = recommendations.items as { itemId: string; reason: string }[];
    expect(items).toHaveLength(10);
    for (const { itemId, reason } of items) {
      const owner = Math.floor((Number(itemId) - 5000) / 10);
      expect(owner % 3, itemId).toBe(0);
      expect(owner, itemId).not.toBe(0);
      expect(reason).toBe('popular');
    }
    // No model trained in so short a replay: next categories from the user's own history.
    expect(behavior).toMatchObject({ userId: '1000', source: 'history', events: eventsOf.get('1000'), purchaseIn24h: null });
    expect(behavior.nextCategories[0]).toEqual({ categoryId: '700', probability: 1 });
    // One digest a day, each counted against the week's cap.
    const digests = (delivery.recentNotifications as { type: string; outcome: string }[]).filter((n) => n.type === 'recommendation_digest');
    expect(digests.map((n) => n.outcome)).toEqual(['queued', 'queued', 'queued']);
    expect(delivery.caps.week.total.used).toBe(3);
    expect(delivery.timeZone).toBe('Asia/Shanghai');
  });

  it('prints the same as sections for people', async () => {
    const result = await runPushflow(['inspect', 'user', '1001', '--data-dir', dataDir], ENV);
    expect(result.code).toBe(0);
    for (const title of ['== profile ==', '== segment ==', '== windows ==', '== recommendations ==', '== behavior ==', '== delivery ==']) expect(result.stdout).toContain(title);
    expect(result.stdout).toMatch(/caps: day \d{4}-\d\d-\d\d: \d+\/4 total/);
    expect(result.stdout).toContain('channel engagement: none yet');
    expect(result.stdout).toMatch(/hourOfWeek: \[ [\d, ]+ \]/);
  });

  it('says so, with exit code 1, for a user it knows nothing of', async () => {
    const result = await runPushflow(['inspect', 'user', 'nobody', '--data-dir', dataDir], ENV);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('user nobody: nothing known in');
  });

  it('fails with exit code 2, naming the directory, when there is no data there', async () => {
    const missing = join(dir, 'no-such-run');
    const result = await runPushflow(['inspect', 'user', '1000', '--data-dir', missing], ENV);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no pushflow data in ${missing}`);
  });
});
