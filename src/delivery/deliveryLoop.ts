// The life of a delivery loop: rounds run one after another from `start()` until `stop()`, and a
// round may sleep (idle poll, backoff) in a way that `wake()` (new entries committed) cuts short
// or not. `stop()` always ends a sleep and waits for the round in hand.

export class DeliveryLoop {
  private active = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;

  /** `round` runs repeatedly while the loop is active. */
  constructor(private readonly round: () => Promise<void>) {}

  get running(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.loop = this.run();
  }

  /** New work was committed: end a wakeable sleep now rather than at its poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops after the round in hand. */
  async stop(): Promise<void> {
    this.active = false;
    this.wakeUp?.();
    await this.loop;
  }

  /**
   * Waits `ms`, or less: `stop()` ends the wait, and so does `wake()` when `wakeable` (a backoff
   * is not: new work must not hurry a failing sink).
   */
  sleep(ms: number, wakeable = true): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wakeUp === wake) self.wakeUp = undefined;
        resolve();
      }
      const wake = wakeable ? done : () => {
        if (!self.active) done();
      };
      this.wakeUp = wake;
    });
  }

  private async run(): Promise<void> {
    while (this.active) await this.round();
  }
}
