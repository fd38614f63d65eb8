// Builds the configured event source.

import type { PushflowConfig } from '../config/schema.js';
import { decodeOptionsFor } from '../events/decode.js';
import type { Source } from '../sources/source.js';
import { FileSource } from '../sources/fileSource.js';
import { KafkaSource } from '../sources/kafkaSource.js';
import { SimulatorSource } from '../sources/simulator/simulatorSource.js';
import type { PushflowMetrics } from '../observability/metrics.js';

export function buildSource(config: PushflowConfig, metrics?: PushflowMetrics): Source {
  switch (config.source.kind) {
    case 'file':
      return new FileSource({ path: config.file.path!, format: config.file.format, batchSize: config.file.batchSize });
    case 'kafka':
      return new KafkaSource({
        brokers: config.kafka.brokers,
        clientId: config.kafka.clientId,
        groupId: config.kafka.groupId,
        topic: config.kafka.inputTopic,
        format: 'json',
        sessionTimeoutMs: config.kafka.sessionTimeoutMs,
        prefetchBatches: config.kafka.prefetchBatches,
        decode: decodeOptionsFor(config.events, true),
        onLag: (partition, lag) => metrics?.consumerLag.set({ source: `kafka:${config.kafka.inputTopic}`, partition: String(partition) }, lag),
      });
    case 'simulator': {
      const simulator = config.simulator;
      return new SimulatorSource({
        seed: simulator.seed,
        users: simulator.users,
        items: simulator.items,
        ratePerSec: simulator.ratePerSec,
        batchSize: simulator.batchSize,
        startTime: Date.parse(simulator.startTime),
        outOfOrderMs: simulator.outOfOrderMs,
        duplicateRate: simulator.duplicateRate,
        invalidRate: simulator.invalidRate,
      });
    }
  }
}
