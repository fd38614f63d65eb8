// A small deterministic shop stream in our JSON schema, for tests that need many events with a
// known outcome: users view, cart, and sometimes buy or remove; one event a second.

export interface ShopFixture {
  lines: string[];
  /**
   * `userId|itemId|cartedAt` of every cart the abandoned-cart trigger must remind of (30-minute
   * delay, 5 s out-of-orderness): no purchase, removal or re-cart of the item before the
   * watermark (event time - 5 s) passed the deadline, and the watermark got there.
   */
  expectedAbandoned: Set<string>;
}

const DELAY = 30 * 60_000;
const BOUND = 5_000;

export function shopFixture(events: number, start = Date.UTC(2026, 9, 1)): ShopFixture {
  let state = 12345;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines: string[] = [];
  const open = new Map<string, number>();
  const expectedAbandoned = new Set<string>();
  const fireDue = (watermark: number) => {
    for (const [key, cartedAt] of open) {
      if (cartedAt + DELAY <= watermark) {
        expectedAbandoned.add(`${key}|${cartedAt}`);
        open.delete(key);
      }
    }
  };
  for (let i = 0; i < events; i++) {
    const time = start + i * 1000;
    const userId = `u${Math.floor(random() * 300)}`;
    const itemId = `i${Math.floor(random() * 50)}`;
    const key = `${userId}|${itemId}`;
    const roll = random();
    let type = 'view';
    if (roll < 0.05) type = 'add_to_cart';
    else if (roll < 0.07 && open.has(key)) type = 'purchase';
    else if (roll < 0.08 && open.has(key)) type = 'remove_from_cart';
    fireDue(time - BOUND);
    if (type === 'add_to_cart') open.set(key, time);
    else if (type !== 'view') open.delete(key);
    lines.push(JSON.stringify({ kind: 'behavior', id: `e${i}`, type, userId, itemId, time }));
  }
  return { lines, expectedAbandoned };
}
