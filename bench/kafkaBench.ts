// Kafka consumption of the 2-hour Taobao slice: the full pipeline (`pushflow run --source kafka
// --sink jsonl`) against a bare kafkajs consumer that only JSON-parses (kafkaBareConsumer.ts),
// both reading the same 3-partition topic on a local broker started for the run, alternated in
// the same run so that machine noise hits both alike. Reports medians, the ratio, and peak RSS.
//
// How rates are measured: from the end of the first batch to the last record (records after the
// first batch / that time), so that neither process start, group join nor the first fetch counts.
// The bare consumer takes its own timestamps; the pipeline is observed from outside by polling
// its /metrics `pushflow_batch_size_sum` (records committed, valid or not) every 25 ms, which
// puts each end of the window up to one poll interval late. The poll asks for that one metric
// (`?name[]=`): the full text costs a collection of every process metric each time, which at 40
// polls a second took about a tenth of the pipeline's main thread. Whole-run times from process
// start are reported too, and on Linux the CPU each thread spent per event over the same window
// (threadCpu.ts): steadier than rates on a shared machine. For context, the same events are also replayed from a JSON-lines file
// (`pushflow replay --format jsonl`, its own events/s): the pipeline's cost without Kafka.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { recordDecoder } from '../src/events/decode.js';
import { createKafkaClient, ensureTopics } from '../src/kafka/kafkaClient.js';
import { startKafkaBroker } from '../src/kafka/localBroker.js';
import { deadLetterTopic } from '../src/sinks/kafkaSink.js';
import { benchNodeArgs, median, runJsonChild } from './childProcess.js';
import { pipelineTrees, type PipelineTree } from './pipelineTrees.js';
import { cpuPerEvent, threadCpu, type CpuPerEvent, type ThreadCpu } from './threadCpu.js';

const PARTITIONS = 3;
const PRODUCE_BATCH = 10_000;
const POLL_MS = 25;
const RUN_TIMEOUT_MS = 300_000;

export interface KafkaBenchResult {
  file: string;
  /** The pipeline tree measured (bench/pipelineTrees.ts). */
  tree: string;
  rows: number;
  /** Rows recordDecoder rejected; produced as their raw text (the pipeline dead-letters them). */
  invalidRows: number;
  partitions: number;
  produce: { eventsPerSec: number; elapsedMs: number; megabytes: number };
  rounds: number;
  pipeline: {
    eventsPerSec: number;
    steadyMs: number;
    spawnToLastMs: number;
    peakRssMb: number;
    committed: Record<string, number>;
    runs: number[];
    /** CPU µs per event over the rate's window (Linux; bench/threadCpu.ts), medians: the fetch thread is the busiest later thread. */
    cpuUsPerEvent?: CpuPerEvent;
  };
  bareConsumer: {
    eventsPerSec: number;
    steadyMs: number;
    processStartToLastMs: number;
    peakRssMb: number;
    runs: number[];
    /** CPU µs per event over the rate's window (Linux), medians. */
    cpuUsPerEvent?: CpuPerEvent;
  };
  /** Pipeline rate / bare consumer rate (target: at least 0.5). */
  ratio: number;
  /** The same events through `pushflow replay --format jsonl`: the pipeline without Kafka. */
  replayOfSameEvents: { eventsPerSec: number; peakRssMb: number; runs: number[] };
}

interface PipelineRun {
  eventsPerSec: number;
  steadyMs: number;
  spawnToLastMs: number;
  peakRssMb: number;
  committed: Record<string, number>;
  cpuUsPerEvent?: CpuPerEvent;
}

export async function kafkaBench(file: string, rounds = 3, tree: PipelineTree = pipelineTrees()[0]): Promise<KafkaBenchResult> {
  const broker = await startKafkaBroker();
  try {
    const topic = `bench-events-${randomUUID().slice(0, 8)}`;
    const client = createKafkaClient({ brokers: broker.brokers, clientId: 'pushflow-bench' });
    const admin = client.admin();
    await admin.connect();
    await ensureTopics(admin, [
      { topic, numPartitions: PARTITIONS },
      { topic: deadLetterTopic(topic), numPartitions: 1 },
    ]);
    await admin.disconnect();

    const { messages, invalidRows } = taobaoAsEvents(file);
    const producer = client.producer();
    await producer.connect();
    const produceStarted = performance.now();
    for (let from = 0; from < messages.length; from += PRODUCE_BATCH) {
      await producer.send({ topic, acks: -1, messages: messages.slice(from, from + PRODUCE_BATCH) });
    }
    const produceMs = performance.now() - produceStarted;
    await producer.disconnect();

    const scratch = mkdtempSync(join(tmpdir(), 'pushflow-kafka-bench-'));
    const jsonl = join(scratch, 'events.jsonl');
    writeFileSync(jsonl, messages.map((m) => m.value).join('\n') + '\n');
    const bare = resolve('dist/bench/kafkaBareConsumer.js');
    const bareRuns: Record<string, any>[] = [];
    const pipelineRuns: PipelineRun[] = [];
    const replayRuns: Record<string, any>[] = [];
    try {
      for (let round = 0; round < rounds; round++) {
        bareRuns.push(await runJsonChild([bare, broker.brokers.join(','), topic, String(messages.length)]));
        pipelineRuns.push(await pipelineRun(broker.brokers, topic, messages.length, tree.env));
        const dataDir = join(scratch, `replay-${round}`);
        replayRuns.push(
          await runJsonChild([resolve('dist/src/cli/main.js'), 'replay', jsonl, '--format', 'jsonl', '--json', '--data-dir', dataDir], {
            PUSHFLOW_METRICS__ENABLED: 'false',
            ...tree.env,
          }),
        );
        rmSync(dataDir, { recursive: true, force: true });
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const pipelineRate = median(pipelineRuns.map((r) => r.eventsPerSec));
    const bareRate = median(bareRuns.map((r) => r.eventsPerSec));
    return {
      file,
      tree: tree.name,
      rows: messages.length,
      invalidRows,
      partitions: PARTITIONS,
      produce: {
        eventsPerSec: Math.round((messages.length / produceMs) * 1000),
        elapsedMs: Math.round(produceMs),
        megabytes: Math.round(messages.reduce((sum, m) => sum + m.value.length, 0) / 1e5) / 10,
      },
      rounds,
      pipeline: {
        eventsPerSec: pipelineRate,
        steadyMs: median(pipelineRuns.map((r) => r.steadyMs)),
        spawnToLastMs: median(pipelineRuns.map((r) => r.spawnToLastMs)),
        peakRssMb: Math.max(...pipelineRuns.map((r) => r.peakRssMb)),
        committed: pipelineRuns[0].committed,
        runs: pipelineRuns.map((r) => r.eventsPerSec),
        cpuUsPerEvent: medianCpu(pipelineRuns.map((r) => r.cpuUsPerEvent)),
      },
      bareConsumer: {
        eventsPerSec: bareRate,
        steadyMs: median(bareRuns.map((r) => r.steadyMs)),
        processStartToLastMs: median(bareRuns.map((r) => r.processStartToLastMs)),
        peakRssMb: Math.max(...bareRuns.map((r) => r.peakRssMb)),
        runs: bareRuns.map((r) => r.eventsPerSec),
        cpuUsPerEvent: medianCpu(bareRuns.map((r) => r.cpuUsPerEvent as CpuPerEvent | undefined)),
      },
      ratio: Math.round((pipelineRate / bareRate) * 100) / 100,
      replayOfSameEvents: {
        eventsPerSec: median(replayRuns.map((r) => r.eventsPerSec)),
        peakRssMb: Math.max(...replayRuns.map((r) => r.peakRssMb)),
        runs: replayRuns.map((r) => r.eventsPerSec),
      },
    };
  } finally {
    await broker.stop();
  }
}

function medianCpu(runs: Array<CpuPerEvent | undefined>): CpuPerEvent | undefined {
  if (runs.some((run) => run === undefined)) return undefined;
  const of = (field: keyof CpuPerEvent) => median(runs.map((run) => run![field]));
  return { mainThread: of('mainThread'), busiestLaterThread: of('busiestLaterThread'), startupThreads: of('startupThreads'), otherThreads: of('otherThreads') };
}

/** Each CSV row as a JSON event in our schema, keyed by user; rows that do not decode stay raw. */
function taobaoAsEvents(file: string): { messages: Array<{ key: string; value: string }>; invalidRows: number } {
  const decode = recordDecoder('taobao', { maxPayloadBytes: 65_536, maxFutureSkewMs: Infinity, minTime: Date.UTC(1990, 0, 1) });
  const now = Date.now();
  const messages: Array<{ key: string; value: string }> = [];
  let invalidRows = 0;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      if (raw.length === 0) return;
      const decoded = decode({ raw, offset: String(index) }, now);
      if (decoded.ok && 'userId' in decoded.event) {
        messages.push({ key: decoded.event.userId, value: JSON.stringify(decoded.event) });
      } else {
        invalidRows++;
        messages.push({ key: raw.split(',')[0], value: raw });
      }
    });
  return { messages, invalidRows };
}

/**
 * One `pushflow run` on a fresh data dir and consumer group, watched through /metrics until it has
 * committed `records` records; then SIGTERM and its JSON summary.
 */
async function pipelineRun(brokers: string[], topic: string, records: number, treeEnv: Record<string, string>): Promise<PipelineRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pushflow-kafka-bench-'));
  const spawnedAt = performance.now();
  const child = spawn(
    process.execPath,
    [...benchNodeArgs(), resolve('dist/src/cli/main.js'), 'run', '--source', 'kafka', '--sink', 'jsonl', '--data-dir', dataDir, '--json'],
    {
      env: {
        ...process.env,
        ...treeEnv,
        PUSHFLOW_KAFKA__BROKERS: brokers.join(','),
        PUSHFLOW_KAFKA__INPUT_TOPIC: topic,
        PUSHFLOW_KAFKA__GROUP_ID: `pushflow-bench-${randomUUID().slice(0, 8)}`,
        PUSHFLOW_METRICS__PORT: '0',
        // Event time moves with the events only: the 2017 data must not jump to today's clock.
        PUSHFLOW_TIME__IDLE_TIMEOUT_MS: '3600000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let exitedYet = false;
  void exited.then(() => (exitedYet = true));
  try {
    let port: number | undefined;
    let first: { records: number; at: number; cpu: ThreadCpu | undefined } | undefined;
    let last: { records: number; at: number; cpu: ThreadCpu | undefined } | undefined;
    const deadline = performance.now() + RUN_TIMEOUT_MS;
    while (last === undefined || last.records < records) {
      if (exitedYet) throw new Error(`pushflow run exited early:\n${stderr.slice(-2000)}`);
      if (performance.now() > deadline) throw new Error(`pushflow run: ${last?.records ?? 0} of ${records} records after ${RUN_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, POLL_MS));
      port ??= Number(/metrics on http:\/\/[^:\s]+:(\d+)\/metrics/.exec(stderr)?.[1]) || undefined;
      if (port === undefined) continue;
      const page = await (await fetch(`http://127.0.0.1:${port}/metrics?name[]=pushflow_batch_size`)).text();
      const committed = /^pushflow_batch_size_sum (\S+)$/m.exec(page);
      last = { records: committed ? Number(committed[1]) : 0, at: performance.now(), cpu: threadCpu(child.pid!) };
      if (first === undefined && last.records > 0) first = last;
    }
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`pushflow run exited ${code} after SIGTERM:\n${stderr.slice(-2000)}`);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { committed: Record<string, number>; peakRssMb: number };
    if (summary.committed.events !== records) throw new Error(`pushflow run committed ${summary.committed.events} of ${records} records`);
    const steadyMs = last.at - first!.at;
    if (steadyMs <= 0) throw new Error('pushflow run: all records were committed between two polls; no rate to report');
    return {
      eventsPerSec: Math.round(((last.records - first!.records) / steadyMs) * 1000),
      steadyMs: Math.round(steadyMs),
      spawnToLastMs: Math.round(last.at - spawnedAt),
      peakRssMb: summary.peakRssMb,
      committed: summary.committed,
      cpuUsPerEvent: cpuPerEvent(child.pid!, first!.cpu, last.cpu, last.records - first!.records),
    };
  } finally {
    if (!exitedYet) child.kill('SIGKILL');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// `node dist/bench/kafkaBench.js [FILE]` runs it alone.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await kafkaBench(process.argv[2] ?? '../shared/data/taobao/UserBehavior-2h-slice.csv'), null, 2));
}
