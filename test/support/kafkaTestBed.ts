// What every test of the real binary on the real broker sets up and tears down: a client with an
// admin and a producer, a temporary folder, and the children and topic recorders the tests start
// (killed and stopped afterwards, whatever happened). Call inside a `describe`.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createKafkaClient, type KafkaAdmin, type KafkaClient, type KafkaProducer } from '../../src/kafka/kafkaClient.js';
import type { PushflowChild } from './pushflowChild.js';
import type { TopicRecorder } from './topicRecorder.js';

export interface KafkaTestBed {
  client: KafkaClient;
  admin: KafkaAdmin;
  producer: KafkaProducer;
  /** A fresh temporary folder, removed after the suite. */
  dir: string;
  /** Children to SIGKILL after the suite if still running. */
  children: PushflowChild[];
  /** Recorders to stop after the suite. */
  recorders: TopicRecorder[];
}

export function kafkaTestBed(brokers: string[], label: string): KafkaTestBed {
  const bed = { children: [], recorders: [] } as unknown as KafkaTestBed;
  beforeAll(async () => {
    bed.client = createKafkaClient({ brokers, clientId: `${label}-test` });
    bed.admin = bed.client.admin();
    await bed.admin.connect();
    bed.producer = bed.client.producer();
    await bed.producer.connect();
    bed.dir = mkdtempSync(join(tmpdir(), `pushflow-${label}-`));
  });
  afterAll(async () => {
    for (const child of bed.children) if (child.running()) child.kill('SIGKILL');
    await Promise.all(bed.children.map((child) => child.exited));
    await Promise.all(bed.recorders.map((recorder) => recorder.stop()));
    await bed.producer?.disconnect();
    await bed.admin?.disconnect();
    if (bed.dir) rmSync(bed.dir, { recursive: true, force: true });
  });
  return bed;
}
