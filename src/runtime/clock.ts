// Processing time, behind an interface so that tests and the simulator can drive it by hand.

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: the test driver's processing time. */
export class VirtualClock implements Clock {
  constructor(private time = 0) {}

  now(): number {
    return this.time;
  }

  advance(ms: number): number {
    if (ms < 0) throw new RangeError(`cannot move a clock backwards (advance by ${ms} ms)`);
    this.time += ms;
    return this.time;
  }

  set(time: number): void {
    if (time < this.time) throw new RangeError(`cannot move a clock backwards (from ${this.time} to ${time})`);
    this.time = time;
  }
}
