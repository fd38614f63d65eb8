import { describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/events/validate.js';

const NOW = Date.UTC(2026, 10, 2);
const T = Date.UTC(2026, 10, 1);
const ok = (input: unknown) => {
  const result = validateEvent(input, NOW);
  if (!result.ok) throw new Error(result.reason);
  return result.event;
};
const fails = (input: unknown) => {
  const result = validateEvent(input, NOW);
  if (result.ok) throw new Error('expected a failure');
  return result;
};

describe('validateEvent', () => {
  it('accepts every kind and normalizes ISO times and numeric ids', () => {
    expect(ok({ kind: 'behavior', id: 'a', type: 'view', userId: 7, itemId: 9, time: '2026-11-01T00:00:00Z' })).toEqual({
      kind: 'behavior',
      id: 'a',
      type: 'view',
      userId: '7',
      itemId: '9',
      time: T,
    });
    expect(ok({ kind: 'catalog', id: 'c', itemId: 'i', price: 9.5, stock: 0, currency: 'CNY', title: 'x', time: T })).toMatchObject({ price: 9.5, stock: 0 });
    expect(ok({ kind: 'user', id: 'u', userId: 'u', locale: 'zh-CN', timeZone: 'Asia/Shanghai', consent: { sms: false }, time: T })).toMatchObject({
      consent: { sms: false },
    });
    expect(ok({ kind: 'feedback', id: 'f', type: 'opened', userId: 'u', notificationId: 'n', channel: 'push', time: T })).toMatchObject({ type: 'opened' });
    expect(ok({ kind: 'behavior', id: 'o', type: 'order_status', userId: 'u', orderId: 'o1', status: 'shipped', time: T })).toMatchObject({ status: 'shipped' });
  });

  it('drops fields the model does not know', () => {
    expect(ok({ kind: 'behavior', id: 'a', type: 'search', userId: 'u', query: 'shoes', time: T, extra: 1 })).not.toHaveProperty('extra');
  });

  it.each([
    [[1, 2], 'event'],
    [{ id: 'a', time: T }, 'kind'],
    [{ kind: 'behavior', type: 'view', userId: 'u', itemId: 'i', time: T }, 'id'],
    [{ kind: 'behavior', id: 'a', type: 'teleport', userId: 'u', time: T }, 'type'],
    [{ kind: 'behavior', id: 'a', type: 'view', userId: 'u', time: T }, 'itemId'],
    [{ kind: 'behavior', id: 'a', type: 'view', userId: { x: 1 }, itemId: 'i', time: T }, 'userId'],
    [{ kind: 'behavior', id: 'a', type: 'view', userId: 'u', itemId: 'i' }, 'time'],
    [{ kind: 'behavior', id: 'a', type: 'view', userId: 'u', itemId: 'i', time: 'soon' }, 'time'],
    [{ kind: 'behavior', id: 'a', type: 'view', userId: 'u', itemId: 'i', time: Date.UTC(1970, 0, 2) }, 'time'],
    [{ kind: 'behavior', id: 'a', type: 'view', userId: 'u', itemId: 'i', time: NOW + 86_400_000 }, 'time'],
    [{ kind: 'behavior', id: 'a', type: 'purchase', userId: 'u', itemId: 'i', quantity: -1, time: T }, 'quantity'],
    [{ kind: 'behavior', id: 'a', type: 'purchase', userId: 'u', itemId: 'i', price: 1e12, time: T }, 'price'],
    [{ kind: 'behavior', id: 'a', type: 'search', userId: 'u', time: T }, 'query'],
    [{ kind: 'behavior', id: 'a', type: 'order_status', userId: 'u', orderId: 'o', status: 'lost', time: T }, 'status'],
    [{ kind: 'catalog', id: 'c', itemId: 'i', price: Number.NaN, time: T }, 'price'],
    [{ kind: 'catalog', id: 'c', itemId: 'i', stock: 1.5, time: T }, 'stock'],
    [{ kind: 'catalog', id: 'c', itemId: 'i', currency: 'yuan', time: T }, 'currency'],
    [{ kind: 'user', id: 'u', userId: 'u', timeZone: 'Mars/Olympus', time: T }, 'timeZone'],
    [{ kind: 'user', id: 'u', userId: 'u', consent: { email: 'yes' }, time: T }, 'consent.email'],
    [{ kind: 'user', id: 'u', userId: 'u', channels: { email: 'nope' }, time: T }, 'channels.email'],
    [{ kind: 'feedback', id: 'f', type: 'opened', userId: 'u', time: T }, 'notificationId'],
    [{ kind: 'behavior', id: 'x'.repeat(300), type: 'view', userId: 'u', itemId: 'i', time: T }, 'id'],
  ])('rejects %j naming the field %s', (input, field) => {
    const failure = fails(input);
    expect(failure.field).toBe(field);
    expect(failure.reason.startsWith(`${field}: `)).toBe(true);
  });
});
