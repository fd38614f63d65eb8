// Event-time progress of the stream: the watermark is the largest event time seen minus a
// bounded out-of-orderness, taken as the minimum over the source's active partitions (a slow
// partition holds it back). A partition silent for the idle timeout stops holding it back; when
// the whole source is silent that long, event time is taken to move with processing time, so
// event-time timers (an abandoned cart) still fire on a quiet stream.

export interface WatermarkOptions {
  maxOutOfOrdernessMs: number;
  idleTimeoutMs: number;
}

export interface PartitionProgress {
  maxEventTime: number;
  /** Processing time of the partition's latest event. */
  lastSeenAt: number;
}

export class WatermarkTracker {
  private readonly partitions = new Map<number, PartitionProgress>();
  private watermark = -Infinity;

  constructor(private readonly options: WatermarkOptions) {}

  /** Restores progress persisted with the last committed batch. */
  restore(watermark: number, partitions: Record<number, PartitionProgress>): void {
    this.watermark = watermark;
    for (const [partition, progress] of Object.entries(partitions)) this.partitions.set(Number(partition), { ...progress });
  }

  snapshot(): { watermark: number; partitions: Record<number, PartitionProgress> } {
    return { watermark: this.watermark, partitions: Object.fromEntries(this.partitions) };
  }

  current(): number {
    return this.watermark;
  }

  /** Records an event and returns the (never decreasing) watermark. */
  observe(partition: number, eventTime: number, now: number): number {
    let progress = this.partitions.get(partition);
    if (progress === undefined) {
      progress = { maxEventTime: eventTime, lastSeenAt: now };
      this.partitions.set(partition, progress);
    } else {
      if (eventTime > progress.maxEventTime) progress.maxEventTime = eventTime;
      progress.lastSeenAt = now;
    }
    return this.recompute(now);
  }

  /** Moves the watermark for the passing of processing time alone (idle partitions). */
  tick(now: number): number {
    return this.recompute(now);
  }

  private recompute(now: number): number {
    const { maxOutOfOrdernessMs: bound, idleTimeoutMs: idle } = this.options;
    let activeMin = Infinity;
    let latestEventTime = -Infinity;
    let latestSeenAt = -Infinity;
    for (const progress of this.partitions.values()) {
      if (now - progress.lastSeenAt < idle && progress.maxEventTime < activeMin) activeMin = progress.maxEventTime;
      if (progress.maxEventTime > latestEventTime) latestEventTime = progress.maxEventTime;
      if (progress.lastSeenAt > latestSeenAt) latestSeenAt = progress.lastSeenAt;
    }
    let candidate: number;
    if (activeMin !== Infinity) candidate = activeMin - bound;
    else if (latestEventTime !== -Infinity) candidate = latestEventTime - bound + (now - latestSeenAt - idle);
    else return this.watermark;
    if (candidate > this.watermark) this.watermark = candidate;
    return this.watermark;
  }
}
