// A gate a source awaits before each batch: closed by backpressure, opened when it clears.

export class PauseGate {
  private waiting: Promise<void> | undefined;
  private release: (() => void) | undefined;

  get isClosed(): boolean {
    return this.waiting !== undefined;
  }

  close(): void {
    if (this.waiting !== undefined) return;
    this.waiting = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    const release = this.release;
    this.waiting = undefined;
    this.release = undefined;
    release?.();
  }

  /** Resolves at once when open, else when opened. */
  passed(): Promise<void> {
    return this.waiting ?? Promise.resolve();
  }
}
