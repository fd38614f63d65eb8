// `node dist/bench/decideShards.js [shards] [records kept in memory, comma-separated]`: what deciding on more than one core would give, on
// this machine. Each shard is a worker thread with its own LMDB folder, its share of the users and
// of the candidates (the decide bench's workload, split), deciding as the runtime does; the
// shards start their loops together and the figure is all candidates over the span from the first
// start to the last end. One shard is the decide bench itself. This is a measurement of headroom,
// not a product mode: pushflow decides on one thread today (docs/BENCHMARKS.md says what a
// sharded decide stage would need). With `inMemory`, the shards keep those per-notification
// records in memory only (bench/recordsInMemory.ts): upper bounds, not something pushflow may do.

import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { epochNow, overallMs, runTogether, startTogether, type TimedSpan } from './threadsTogether.js';
import { Outbox } from '../state/outbox.js';
import type { Notification } from '../src/sinks/sink.js';
import { fnv1a } from '../src/hash/fnv1a.js';
import { RECORD_KINDS, keepRecordsInMemory, type RecordKind } from './recordsInMemory.js';
import { BENCH_CANDIDATES, BENCH_USERS, closeWorkload, decideLoop, decideWorkload } from './decideBench.js';

/** A shard's loop: when it started and ended and how many candidates it decided. */
interface ShardSpan extends TimedSpan {
  candidates: number;
  outcomes: Record<string, number>;
  queuedDigest: number;
}

/**
 * An outbox that also sums a hash of what each queued notification is (id, channel, variant, send
 * time): the same sum means the same notifications, in any order. Its digest is taken before the
 * entry is written, so it holds when the outbox's writes are kept in memory too.
 */
class DigestingOutbox extends Outbox<Notification> {
  digest = 0;

  override add(notification: Notification): number {
    const { id, channel, variant, decidedAt } = notification;
    this.digest = (this.digest + fnv1a(`${id}|${channel}|${variant ?? ''}|${decidedAt}`)) >>> 0;
    return super.add(notification);
  }
}

interface ShardJob {
  shard: number;
  candidates: number;
  users: number;
  inMemory: RecordKind[];
}

export interface DecideShardsResult {
  shards: number;
  /** Records kept in memory only (none: the product's loop). */
  inMemory: RecordKind[];
  candidates: number;
  /** All shards' candidates over the span of their loops. */
  candidatesPerSec: number;
  /** Each shard's own rate. */
  shardRates: number[];
  /** All shards' outcomes (the same whichever records are kept in memory). */
  outcomes: Record<string, number>;
  /** A sum of hashes of every queued notification: equal sums, the same notifications. */
  queuedDigest: number;
}

export async function decideShards(shards: number, inMemory: RecordKind[] = []): Promise<DecideShardsResult> {
  const workers = Array.from({ length: shards }, (_, shard) => {
    const job: ShardJob = { shard, candidates: Math.floor(BENCH_CANDIDATES / shards), users: Math.floor(BENCH_USERS / shards), inMemory };
    return new Worker(new URL(import.meta.url), { workerData: { decideShard: job } });
  });
  // Every shard builds its workload first; then all loops start at once.
  const spans = await runTogether<ShardSpan>(workers);
  const candidates = spans.reduce((sum, span) => sum + span.candidates, 0);
  return {
    shards,
    inMemory,
    candidates,
    candidatesPerSec: Math.round(candidates / (overallMs(spans) / 1000)),
    shardRates: spans.map((span) => Math.round(span.candidates / ((span.end - span.start) / 1000))),
    outcomes: sumOutcomes(spans.map((span) => span.outcomes)),
    queuedDigest: spans.reduce((sum, span) => (sum + span.queuedDigest) >>> 0, 0),
  };
}

function sumOutcomes(each: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const outcomes of each) for (const [key, count] of Object.entries(outcomes)) total[key] = (total[key] ?? 0) + count;
  return total;
}

async function runShard(job: ShardJob): Promise<void> {
  if (job.inMemory.length > 0) keepRecordsInMemory(job.inMemory);
  const workload = decideWorkload(job.candidates, job.shard, true, job.users);
  const outbox = new DigestingOutbox(workload.store, 'bench:engine-outbox');
  await startTogether();
  const start = epochNow();
  const outcomes = decideLoop(workload, outbox);
  const end = epochNow();
  await closeWorkload(workload);
  const span: ShardSpan = { start, end, candidates: job.candidates, outcomes, queuedDigest: outbox.digest };
  parentPort!.postMessage(span);
}

// A worker started by `decideShards` carries its job; this module imported anywhere else runs nothing.
const job = isMainThread ? undefined : (workerData as { decideShard?: ShardJob } | null)?.decideShard;
if (job !== undefined) {
  await runShard(job);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const shards = Number(process.argv[2] ?? 2);
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`decideShards: shards must be a positive integer, got ${process.argv[2]}`);
  const inMemory = (process.argv[3] ?? '').split(',').filter((kind) => kind !== '');
  const unknown = inMemory.find((kind) => !(RECORD_KINDS as readonly string[]).includes(kind));
  if (unknown !== undefined) throw new Error(`decideShards: unknown record kind '${unknown}' (known: ${RECORD_KINDS.join(', ')})`);
  console.log(JSON.stringify(await decideShards(shards, inMemory as RecordKind[]), null, 2));
}
