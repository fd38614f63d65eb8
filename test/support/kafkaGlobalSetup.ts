// Vitest global setup: one Kafka broker for the whole test run, shared by every test file.
// Files read its address with `inject('kafkaBrokers')`: a comma-joined broker list, or '' when
// the jars are absent, in which case Kafka suites skip (`describe.skipIf(!brokers)`). With
// PUSHFLOW_REQUIRE_KAFKA=1 (CI) absent jars are an error instead, so the suites cannot skip silently.

import type { TestProject } from 'vitest/node';
import { kafkaJarsPresent, startKafkaBroker } from './kafkaBroker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-joined `host:port` list of the shared test broker; '' when none was started. */
    kafkaBrokers: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A quick unit-only run can skip the broker's start-up (5-7 s); CI never does.
  if (process.env.PUSHFLOW_SKIP_KAFKA === '1' && process.env.PUSHFLOW_REQUIRE_KAFKA !== '1') {
    project.provide('kafkaBrokers', '');
    return async () => {};
  }
  if (!kafkaJarsPresent()) {
    if (process.env.PUSHFLOW_REQUIRE_KAFKA === '1') {
      throw new Error(
        'PUSHFLOW_REQUIRE_KAFKA=1 but the Kafka jars are missing (.cache/kafka/libs): ' +
          'run `bash scripts/kafka/fetch-jars.sh` first',
      );
    }
    console.warn('[kafka] jars not fetched (bash scripts/kafka/fetch-jars.sh): Kafka integration tests skip');
    project.provide('kafkaBrokers', '');
    return async () => {};
  }

  const started = Date.now();
  const broker = await startKafkaBroker();
  console.log(`[kafka] test broker at ${broker.brokers.join(',')} ready in ${Date.now() - started} ms`);
  project.provide('kafkaBrokers', broker.brokers.join(','));
  return () => broker.stop();
}
