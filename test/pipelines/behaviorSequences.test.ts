import { afterEach, describe, expect, it } from 'vitest';
import { PipelineTestDriver } from '../../src/runtime/pipelineTestDriver.js';
import { behaviorSequences } from '../../pipelines/behaviorSequences.js';
import { catalogAndUsers } from '../../pipelines/catalogAndUsers.js';
import { BehaviorSequenceStore } from '../../state/behaviorSequenceStore.js';
import type { StateStore } from '../../state/stateStore.js';
import { categoryCode, PURCHASE, sequenceTypeIndex, VIEW } from '../../src/behavior/eventSequence.js';

const T0 = Date.UTC(2026, 10, 1, 12);
const MIN = 60_000;
let seq = 0;
const behavior = (type: string, userId: string, time: number, categoryId?: string, itemId = 'i1') => ({
  kind: 'behavior',
  id: `e${seq++}`,
  type,
  userId,
  itemId,
  ...(categoryId === undefined ? {} : { categoryId }),
  time,
});

describe('behavior sequences pipeline', () => {
  let driver: PipelineTestDriver;
  const open = (bufferLength = 3, enabled = true) =>
    (driver = new PipelineTestDriver({
      pipelines: [catalogAndUsers, behaviorSequences],
      config: { time: { maxOutOfOrdernessMs: 0 }, behavior: { enabled, bufferLength, sequenceLength: 2 } },
    }));
  const store = () => new BehaviorSequenceStore((driver as unknown as { store: StateStore }).store, driver.config.behavior.bufferLength);
  afterEach(async () => driver?.close());

  it('keeps the last N events of each user in time order', () => {
    open(3);
    driver.pipe([1, 2, 3, 4, 5].map((i) => behavior('view', 'u1', T0 + i * MIN, `c${i}`)));
    driver.pipe([behavior('purchase', 'u2', T0, 'c9')]);
    const u1 = store().get('u1')!;
    expect([...u1.categories]).toEqual(['c3', 'c4', 'c5'].map(categoryCode));
    expect([...u1.times]).toEqual([3, 4, 5].map((i) => (T0 + i * MIN) / 1000));
    expect(u1.total).toBe(5);
    expect(u1.countsByType[VIEW]).toBe(5);
    expect(store().get('u2')!.types[0]).toBe(PURCHASE);
  });

  it('survives a restart and goes on appending', async () => {
    open(3);
    driver.pipe([behavior('view', 'u1', T0, 'a'), behavior('add_to_cart', 'u1', T0 + MIN, 'b')]);
    await driver.restart();
    driver.pipe([behavior('view', 'u1', T0 + 2 * MIN, 'c'), behavior('view', 'u1', T0 + 3 * MIN, 'd')]);
    const u1 = store().get('u1')!;
    expect([...u1.categories]).toEqual(['b', 'c', 'd'].map(categoryCode));
    expect(u1.types[0]).toBe(sequenceTypeIndex('add_to_cart'));
    expect(u1.total).toBe(4);
  });

  it('names the categories it stores, and takes a missing one from the catalog', () => {
    open(5);
    driver.pipe([
      { kind: 'catalog', id: 'c1', itemId: 'shoe', categoryId: 'footwear', time: T0 - MIN },
      behavior('view', 'u1', T0, undefined, 'shoe'),
      behavior('view', 'u1', T0 + MIN, '4756105'),
    ]);
    const u1 = store().get('u1')!;
    expect([...u1.categories].map((code) => store().categoryName(code))).toEqual(['footwear', '4756105']);
  });

  it('records user actions only, not order status updates', () => {
    open(5);
    driver.pipe([
      behavior('purchase', 'u1', T0, 'a'),
      { kind: 'behavior', id: 'os', type: 'order_status', userId: 'u1', orderId: 'o1', status: 'shipped', time: T0 + MIN },
    ]);
    expect(store().get('u1')!.length).toBe(1);
    expect(store().stamp('u1')).toBe(1);
  });

  it('stamps a user anew with each of their events (what invalidates cached scores)', () => {
    open(3);
    driver.pipe([behavior('view', 'u1', T0, 'a')]);
    const before = store().stamp('u1');
    driver.pipe([behavior('view', 'u2', T0 + MIN, 'a')]);
    expect(store().stamp('u1')).toBe(before);
    driver.pipe([behavior('view', 'u1', T0 + 2 * MIN, 'a')]);
    expect(store().stamp('u1')).toBe(before + 1);
    expect(store().stamp('nobody')).toBe(0);
  });

  it('does nothing when the behaviour model is disabled', () => {
    open(3, false);
    driver.pipe([behavior('view', 'u1', T0, 'a')]);
    expect(store().get('u1')).toBeUndefined();
  });
});
