import { filter, type OperatorFunction } from 'rxjs';
import type { BehaviorEvent, BehaviorType, PushflowEvent } from '../src/events/types.js';

/**
 * Lets through the behaviour events of the given types, typed as `BehaviorEvent`.
 *
 * The first step of most triggers: pick the user actions the trigger reacts to.
 *
 * @example
 * events$.pipe(ofBehavior('add_to_cart', 'purchase')).subscribe((e) => e.itemId);
 * @see ofKind
 */
export function ofBehavior(...types: BehaviorType[]): OperatorFunction<PushflowEvent, BehaviorEvent> {
  const wanted = new Set<string>(types);
  return filter((event): event is BehaviorEvent => event.kind === 'behavior' && wanted.has(event.type));
}
