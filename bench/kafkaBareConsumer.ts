// The baseline the Kafka benchmark measures the pipeline against: a kafkajs consumer-group member
// configured as KafkaSource configures its own (same client factory, eachBatch, 1 s max wait,
// kafkajs' default fetch sizes, no auto-commit) that does nothing per message but JSON.parse.
// Runs as its own process, so that its peak RSS is its own; prints one JSON line and exits.
// Usage: node dist/bench/kafkaBareConsumer.js BROKERS TOPIC EXPECTED_RECORDS

import { randomUUID } from 'node:crypto';
import { createKafkaClient } from '../src/kafka/kafkaClient.js';
import { cpuPerEvent, threadCpu, type ThreadCpu } from './threadCpu.js';

const [brokerList, topic, expectedText] = process.argv.slice(2);
if (!brokerList || !topic || !expectedText) {
  process.stderr.write('usage: kafkaBareConsumer BROKERS TOPIC EXPECTED_RECORDS\n');
  process.exit(2);
}
const expected = Number(expectedText);
const client = createKafkaClient({ brokers: brokerList.split(','), clientId: 'pushflow-bench-bare' });
const consumer = client.consumer({ groupId: `pushflow-bench-bare-${randomUUID().slice(0, 8)}`, maxWaitTimeInMs: 1000 });

let records = 0;
let parseFailures = 0;
let peakRss = process.memoryUsage.rss();
/** Times in ms since this process started (performance.now()'s origin). */
let firstBatchAt: number | undefined;
/** Records done and the time, at the end of the first batch: where the steady rate is measured from. */
let afterFirstBatch: { records: number; at: number; cpu: ThreadCpu | undefined } | undefined;
let doneAt: number | undefined;
let cpuAtDone: ThreadCpu | undefined;
let finish!: () => void;
const finished = new Promise<void>((resolve) => (finish = resolve));

const consumeFrom = performance.now();
await consumer.connect();
await consumer.subscribe({ topics: [topic], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatch: async ({ batch }) => {
    firstBatchAt ??= performance.now();
    for (const message of batch.messages) {
      try {
        JSON.parse(message.value?.toString('utf8') ?? '');
      } catch {
        parseFailures++;
      }
      records++;
    }
    afterFirstBatch ??= { records, at: performance.now(), cpu: threadCpu(process.pid) };
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (records >= expected && doneAt === undefined) {
      doneAt = performance.now();
      cpuAtDone = threadCpu(process.pid);
      finish();
    }
  },
});
await finished;
await consumer.disconnect();

const steadyMs = doneAt! - afterFirstBatch!.at;
process.stdout.write(
  `${JSON.stringify({
    records,
    parseFailures,
    eventsPerSec: Math.round(((records - afterFirstBatch!.records) / steadyMs) * 1000),
    steadyMs: Math.round(steadyMs),
    firstRecordToLastMs: Math.round(doneAt! - firstBatchAt!),
    consumeStartToLastMs: Math.round(doneAt! - consumeFrom),
    processStartToLastMs: Math.round(doneAt!),
    peakRssMb: Math.round(peakRss / 1048576),
    cpuUsPerEvent: cpuPerEvent(process.pid, afterFirstBatch!.cpu, cpuAtDone, records - afterFirstBatch!.records),
  })}\n`,
);
