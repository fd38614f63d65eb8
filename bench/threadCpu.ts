// CPU time by thread of a running process, from Linux's /proc: the Kafka benchmark reports it per
// event over the same window as its rates, because on a shared machine a rate moves with the load
// while the CPU a thread spends per event mostly does not. Elsewhere (no /proc) it reports nothing.
//
// Node names none of its threads, so they are told apart by when they started: first, together,
// come V8's helpers (optimizing compiler, GC); later libuv's pool, native add-ons' threads and
// worker threads, of which the busiest is KafkaSource's fetch thread.

import { readdirSync, readFileSync } from 'node:fs';

export interface ThreadTimes {
  /** CPU ms, user + system; 10 ms resolution (USER_HZ is 100 on Linux). */
  cpuMs: number;
  /** When the thread started, in clock ticks since boot. */
  startTick: number;
}

/** By thread id. */
export type ThreadCpu = Map<number, ThreadTimes>;

const MS_PER_TICK = 10;
/** Threads started within this many ticks of the first thread after the main one came with it (V8's). */
const STARTUP_TICKS = 1;

export function threadCpu(pid: number): ThreadCpu | undefined {
  try {
    const threads: ThreadCpu = new Map();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields from the state on (the command name before it may hold spaces and parentheses).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      threads.set(Number(tid), { cpuMs: (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK, startTick: Number(fields[19]) });
    }
    return threads;
  } catch {
    return undefined;
  }
}

/** µs of CPU per event between two readings of one process. */
export interface CpuPerEvent {
  mainThread: number;
  /** Of the threads started after the process: KafkaSource's fetch thread in the pipeline. */
  busiestLaterThread: number;
  /** Threads started with the process (V8's compiler and GC helpers). */
  startupThreads: number;
  otherThreads: number;
}

export function cpuPerEvent(pid: number, before: ThreadCpu | undefined, after: ThreadCpu | undefined, events: number): CpuPerEvent | undefined {
  const main = after?.get(pid);
  if (before === undefined || after === undefined || main === undefined || events <= 0) return undefined;
  const others = [...after].filter(([tid]) => tid !== pid);
  const firstStart = Math.min(...others.map(([, times]) => times.startTick));
  let startup = 0;
  const later: number[] = [];
  for (const [tid, times] of others) {
    const spent = times.cpuMs - (before.get(tid)?.cpuMs ?? 0);
    if (times.startTick - firstStart <= STARTUP_TICKS) startup += spent;
    else later.push(spent);
  }
  const busiest = Math.max(0, ...later);
  const perEvent = (ms: number) => Math.round((ms * 1000 * 100) / events) / 100;
  return {
    mainThread: perEvent(main.cpuMs - before.get(pid)!.cpuMs),
    busiestLaterThread: perEvent(busiest),
    startupThreads: perEvent(startup),
    otherThreads: perEvent(later.reduce((sum, ms) => sum + ms, 0) - busiest),
  };
}
