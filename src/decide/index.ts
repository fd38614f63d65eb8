// The decision stage (issue #7): the policy chain and its rules, the engine the runtime calls
// inside each batch, the best-send-time signal interface, and the view for `inspect user`.

export { DecisionEngine, notificationId, type DecisionResult, type DecisionEngineOptions, type IssuedIds } from './decisionEngine.js';
export { PolicyChain } from './policyChain.js';
export type { PolicyContext, PolicyRule, RuleVerdict } from './policy.js';
export { SUPPRESSION_REASONS, DEFERRAL_REASONS } from './policy.js';
export type { SendTimeSignals } from './sendTimeSignals.js';
export { deliveryStateForInspect, formatDeliveryState, type DeliveryInspection } from './deliveryStateForInspect.js';
