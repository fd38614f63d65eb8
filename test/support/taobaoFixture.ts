// A small file in the raw Taobao UserBehavior format (user,item,category,behavior,unix seconds),
// written by the tests themselves: shoppers over a few days on a daily curve (quiet at night,
// busy in the evening, Shanghai time), browsing categories, carting, buying some of what they
// carted, favouriting. Seeded, so the same seed writes the same file.

import { writeFileSync } from 'node:fs';

export interface TaobaoFixtureOptions {
  users: number;
  days: number;
  seed: number;
  /** Unix seconds of the first day's midnight in Shanghai (default 2017-11-25 00:00 +08:00). */
  start?: number;
}

/** Share of a day's sessions per Shanghai hour. */
const HOURLY = [2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 6, 7, 6, 5, 5, 5, 5, 6, 8, 9, 9, 6, 3];

export function writeTaobaoFixture(path: string, options: TaobaoFixtureOptions): number {
  let state = options.seed >>> 0 || 1;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)];
  const total = HOURLY.reduce((a, b) => a + b, 0);
  const hour = () => {
    let draw = next() * total;
    for (let h = 0; h < 24; h++) if ((draw -= HOURLY[h]) < 0) return h;
    return 23;
  };
  const start = options.start ?? Date.UTC(2017, 10, 24, 16) / 1000;
  const rows: [number, string][] = [];
  for (let user = 1; user <= options.users; user++) {
    const userId = String(100_000 + user);
    const favourite = 1 + Math.floor(next() * 20);
    for (let day = 0; day < options.days; day++) {
      const sessions = Math.floor(next() * 3);
      for (let s = 0; s < sessions; s++) {
        let time = start + day * 86_400 + hour() * 3_600 + Math.floor(next() * 3_600);
        const category = next() < 0.7 ? favourite : 1 + Math.floor(next() * 20);
        const items = Array.from({ length: 6 }, () => category * 1_000 + Math.floor(next() * 40));
        for (let step = 0; step < 3 + Math.floor(next() * 8); step++) {
          const item = pick(items);
          time += 20 + Math.floor(next() * 200);
          rows.push([time, `${userId},${item},${category},pv,${time}`]);
          if (next() < 0.08) rows.push([time + 5, `${userId},${item},${category},fav,${time + 5}`]);
          if (next() < 0.12) {
            rows.push([time + 10, `${userId},${item},${category},cart,${time + 10}`]);
            if (next() < 0.35) rows.push([time + 400, `${userId},${item},${category},buy,${time + 400}`]);
          }
        }
      }
    }
  }
  rows.sort((a, b) => a[0] - b[0]);
  writeFileSync(path, rows.map(([, row]) => row).join('\n') + '\n');
  return rows.length;
}
