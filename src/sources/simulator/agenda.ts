// What happens next in simulated time: a min-heap of tasks keyed by event time. Ties go to the
// task scheduled first, so the order of simultaneous events never depends on heap internals and
// the stream stays byte-identical for a seed.

/** Something the world does at a point in simulated time (a session step, an order update...). */
export interface ScheduledTask {
  run(now: number): void;
}

export class Agenda {
  // Parallel arrays rather than entry objects: no allocation per scheduled step.
  private readonly times: number[] = [];
  private readonly orders: number[] = [];
  private readonly tasks: ScheduledTask[] = [];
  private scheduled = 0;

  get size(): number {
    return this.tasks.length;
  }

  schedule(time: number, task: ScheduledTask): void {
    const order = this.scheduled++;
    let index = this.tasks.length;
    this.times.push(time);
    this.orders.push(order);
    this.tasks.push(task);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!comesBefore(time, order, this.times[parent], this.orders[parent])) break;
      this.move(parent, index);
      index = parent;
    }
    this.put(index, time, order, task);
  }

  /** Time of the next task, or Infinity when nothing is scheduled. */
  peekTime(): number {
    return this.tasks.length > 0 ? this.times[0] : Infinity;
  }

  /** Removes and returns the next task; read its time with `peekTime()` first. */
  pop(): ScheduledTask | undefined {
    if (this.tasks.length === 0) return undefined;
    const next = this.tasks[0];
    const lastTime = this.times.pop()!;
    const lastOrder = this.orders.pop()!;
    const lastTask = this.tasks.pop()!;
    const size = this.tasks.length;
    if (size === 0) return next;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) break;
      const right = left + 1;
      const child =
        right < size && comesBefore(this.times[right], this.orders[right], this.times[left], this.orders[left])
          ? right
          : left;
      if (!comesBefore(this.times[child], this.orders[child], lastTime, lastOrder)) break;
      this.move(child, index);
      index = child;
    }
    this.put(index, lastTime, lastOrder, lastTask);
    return next;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.orders[to] = this.orders[from];
    this.tasks[to] = this.tasks[from];
  }

  private put(index: number, time: number, order: number, task: ScheduledTask): void {
    this.times[index] = time;
    this.orders[index] = order;
    this.tasks[index] = task;
  }
}

function comesBefore(time: number, order: number, otherTime: number, otherOrder: number): boolean {
  return time < otherTime || (time === otherTime && order < otherOrder);
}
