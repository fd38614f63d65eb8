// Prometheus counters of the learning loops, created once per registry on first use: the
// experiment counts per arm (the same numbers `pushflow report experiments` shows), feedback
// events by type, attributed purchases, and bandit choices.

import { Counter, type Registry } from 'prom-client';

export interface LearningMetrics {
  /** event: sent, withheld, delivered, opened, clicked, attributed, converted, opted_out, exposed. */
  experimentEvents: Counter<'experiment' | 'arm' | 'event'>;
  feedback: Counter<'type'>;
  attributedPurchases: Counter<'type'>;
  banditChoices: Counter<'type' | 'variant'>;
}

const created = new WeakMap<Registry, LearningMetrics>();

export function learningMetrics(registry: Registry): LearningMetrics {
  let metrics = created.get(registry);
  if (metrics !== undefined) return metrics;
  const registers = [registry];
  metrics = {
    experimentEvents: new Counter({
      name: 'pushflow_experiment_events_total',
      help: 'Experiment counts per arm: exposed users, messages sent or withheld (holdout), delivered, opened, clicked, attributed purchases, converted users, opted-out users.',
      labelNames: ['experiment', 'arm', 'event'] as const,
      registers,
    }),
    feedback: new Counter({
      name: 'pushflow_feedback_events_total',
      help: 'Feedback events learnt from, by type (delivered, opened, clicked, unsubscribed).',
      labelNames: ['type'] as const,
      registers,
    }),
    attributedPurchases: new Counter({
      name: 'pushflow_attributed_purchases_total',
      help: 'Purchases attributed (last touch, within learning.attributionHours) to a notification, by its type.',
      labelNames: ['type'] as const,
      registers,
    }),
    banditChoices: new Counter({
      name: 'pushflow_bandit_choices_total',
      help: 'Template variants chosen by the bandit, by notification type and variant.',
      labelNames: ['type', 'variant'] as const,
      registers,
    }),
  };
  created.set(registry, metrics);
  return metrics;
}
