import { filter, type OperatorFunction } from 'rxjs';
import type { EventKind, PushflowEvent } from '../src/events/types.js';

/**
 * Lets through the events of one kind (`behavior`, `catalog`, `user`, `feedback`), narrowed
 * to that kind's type.
 *
 * @example
 * events$.pipe(ofKind('catalog')).subscribe((item) => item.price);
 * @see ofBehavior
 */
export function ofKind<K extends EventKind>(kind: K): OperatorFunction<PushflowEvent, Extract<PushflowEvent, { kind: K }>> {
  return filter((event): event is Extract<PushflowEvent, { kind: K }> => event.kind === kind);
}
