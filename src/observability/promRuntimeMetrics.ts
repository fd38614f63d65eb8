// Maps what the runtime reports after each batch onto the Prometheus metrics. Counts are added
// once per label per batch rather than once per event: labelled increments are not free.

import type { RuntimeMetrics } from '../runtime/runtimeMetrics.js';
import type { PushflowMetrics } from './metrics.js';

export function promRuntimeMetrics(metrics: PushflowMetrics): RuntimeMetrics {
  return {
    recordBatch(source, summary, seconds, now) {
      for (const [type, count] of summary.byType) metrics.eventsIn.inc({ source, type }, count);
      for (const [reason, count] of summary.invalidByField) metrics.eventsInvalid.inc({ source, reason }, count);
      if (summary.duplicates > 0) metrics.duplicates.inc({ source }, summary.duplicates);
      if (summary.late > 0) metrics.lateEvents.inc({ source }, summary.late);
      if (summary.events > 0) metrics.batchSize.observe(summary.events);
      metrics.batchProcessingSeconds.observe(seconds);
      for (const notification of summary.notifications) {
        metrics.notifications.inc({ type: notification.type, channel: notification.channel, outcome: 'queued' });
        metrics.eventToDecisionSeconds.observe(Math.max(0, now - notification.ingestedAt) / 1000);
      }
      for (const [reason, count] of summary.suppressed) {
        metrics.notificationsSuppressed.inc({ reason }, count);
      }
    },
    setWatermark(source, watermark, now) {
      if (Number.isFinite(watermark)) metrics.watermarkLagSeconds.set({ source }, (now - watermark) / 1000);
    },
    setOutboxDepth(depth) {
      metrics.outboxDepth.set(depth);
    },
    pipelineError(pipeline) {
      metrics.pipelineErrors.inc({ pipeline });
    },
  };
}
