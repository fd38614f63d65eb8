import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import type { PipelineDefinition } from '../../src/runtime/pipeline.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { shopperActivity } from '../../pipelines/shopperActivity.js';
import { winBack } from '../../pipelines/winBack.js';
import { withPorts, type TriggerPorts } from '../../pipelines/ports.js';
import { behavior, catalog, DAY, DAY0, HOUR, LATER, tick, user, view } from '../support/triggerEvents.js';

/** With inactiveDays 3, a user last seen on DAY0 is planned at midnight of DAY0 + 4, for 19:00 Shanghai (11:00 UTC). */
const SEND = DAY0 + 4 * DAY + 11 * HOUR;
/** The bystander's events keep event time moving, one a day. */
const days = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => tick(DAY0 + (from + i) * DAY + 2 * HOUR));

describe('win-back pipeline', () => {
  let driver: PipelineTestDriver;
  const open = (back: object = {}, ports?: Partial<TriggerPorts>) => {
    const trigger: PipelineDefinition = ports ? withPorts(winBack, ports) : winBack;
    return (driver = new PipelineTestDriver({
      startTime: LATER,
      pipelines: [catalogAndUsers, shopperActivity, trigger],
      config: { time: { maxOutOfOrdernessMs: 0 }, policy: { enabled: false }, triggers: { winBack: { inactiveDays: 3, ...back } } },
    }));
  };
  const mine = () => driver.notifications().filter((n) => n.userId !== 'bystander');
  afterEach(async () => driver?.close());

  it('sends a user inactive for inactiveDays full days a message at the default hour, with what is popular', () => {
    open();
    driver.pipe([
      catalog('p1', DAY0, { title: 'Face Serum' }),
      user('u1', DAY0, { locale: 'en-US', channels: { pushToken: 't' } }),
      behavior('favorite', 'u1', 'p1', DAY0 + HOUR),
      behavior('favorite', 'u2', 'p1', DAY0 + 3 * DAY),
      ...days(1, 4),
    ]);
    driver.pipe([tick(SEND - 1)]);
    expect(mine()).toHaveLength(0);
    driver.pipe([tick(SEND)]);
    const [message] = mine();
    expect(mine()).toHaveLength(1);
    expect(message).toMatchObject({ type: 'win_back', priority: 'marketing', userId: 'u1', decidedAt: SEND, title: 'We miss you' });
    expect(message.body).toBe('It has been a while. Here is what shoppers love right now: Face Serum.');
    expect(message.payload).toMatchObject({ inactiveDays: 3, lastActiveAt: DAY0, count: 1 });
  });

  it('leaves alone a user who was active again within inactiveDays', () => {
    open();
    driver.pipe([view('u1', 'x', DAY0 + HOUR), ...days(1, 2), view('u1', 'x', DAY0 + 2 * DAY + 5 * HOUR), ...days(3, 5)]);
    driver.pipe([tick(SEND + HOUR)]);
    expect(mine()).toHaveLength(0);
  });

  it('is cancelled when the user comes back before the send hour', () => {
    open();
    driver.pipe([view('u1', 'x', DAY0 + HOUR), ...days(1, 4)]);
    driver.pipe([view('u1', 'x', SEND - HOUR)]);
    driver.pipe([tick(SEND + HOUR), tick(SEND + 2 * DAY)]);
    expect(mine()).toHaveLength(0);
  });

  it('sends at the best hour and with the recommender\'s items where they are connected', () => {
    open({}, { bestSendHour: () => 8, recommendItems: (_userId, k) => [{ itemId: 'r1' }, { itemId: 'r2' }].slice(0, k) });
    driver.pipe([view('u1', 'x', DAY0 + HOUR), ...days(1, 4)]);
    driver.pipe([tick(DAY0 + 5 * DAY)]);
    const [message] = mine();
    // 08:00 in Shanghai is 00:00 UTC: the planning midnight itself.
    expect(message.decidedAt).toBe(DAY0 + 4 * DAY);
    expect(message.payload).toMatchObject({ count: 2, items: [{ itemId: 'r1' }, { itemId: 'r2' }] });
  });

  it('keeps a planned message across a restart and sends it once', async () => {
    open();
    driver.pipe([view('u1', 'x', DAY0 + HOUR), ...days(1, 4)]);
    await driver.restart();
    driver.pipe([tick(SEND + HOUR)]);
    await driver.restart();
    driver.pipe([tick(SEND + DAY)]);
    expect(mine()).toHaveLength(1);
  });

  it('catches up the midnights missed while the stream was down, late but once', () => {
    open();
    driver.pipe([view('u1', 'x', DAY0 + HOUR), view('u2', 'x', DAY0 + DAY + HOUR)]);
    // Nothing for a week: u1's and u2's lapses are both planned when the stream resumes.
    driver.pipe([tick(DAY0 + 8 * DAY)]);
    driver.pipe([tick(DAY0 + 8 * DAY + HOUR), tick(DAY0 + 9 * DAY)]);
    expect(mine().map((n) => [n.userId, n.payload.lastActiveAt])).toEqual([
      ['u1', DAY0],
      ['u2', DAY0 + DAY],
    ]);
  });
});
