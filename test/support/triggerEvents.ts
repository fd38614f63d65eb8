// Event factories for the trigger pipeline tests: valid events in our schema with unique ids.

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** A Monday, 00:00 UTC (08:00 in Asia/Shanghai, the default zone). */
export const DAY0 = Date.UTC(2026, 10, 2);
/** Processing time of the drivers: after every event time the tests use, so none is clock-skewed. */
export const LATER = Date.UTC(2027, 0, 1);

let seq = 0;
const nextId = (prefix: string) => `${prefix}${seq++}`;

export function behavior(type: string, userId: string, itemId: string | undefined, time: number, extra: object = {}) {
  return { kind: 'behavior', id: nextId('b'), type, userId, ...(itemId === undefined ? {} : { itemId }), time, ...extra };
}

export const view = (userId: string, itemId: string, time: number, extra: object = {}) => behavior('view', userId, itemId, time, extra);

/** A view by a bystander, of an item nobody else sees, to move event time along. */
export const tick = (time: number) => behavior('view', 'bystander', nextId('elsewhere-'), time);

export function catalog(itemId: string, time: number, fields: object) {
  return { kind: 'catalog', id: nextId('c'), itemId, time, ...fields };
}

export function user(userId: string, time: number, fields: object) {
  return { kind: 'user', id: nextId('u'), userId, time, ...fields };
}
