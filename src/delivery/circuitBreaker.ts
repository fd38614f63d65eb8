// A circuit breaker per sink: after `failureThreshold` consecutive failed sends the sink is left
// alone for `openMs` (its notifications wait in the outbox, no attempts are spent), then one
// probe is let through; its success closes the breaker, its failure opens it again. Kept in
// memory: after a restart every sink starts closed.

export type BreakerState = 'closed' | 'open' | 'half_open';

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;

  constructor(
    readonly name: string,
    private readonly failureThreshold: number,
    private readonly openMs: number,
    private readonly onChange?: (name: string, state: BreakerState) => void,
  ) {}

  current(): BreakerState {
    return this.state;
  }

  /** Whether a send may start now; moves an open breaker whose time is up to half-open. */
  canAttempt(now: number): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open') {
      if (now < this.openedAt + this.openMs) return false;
      this.set('half_open');
    }
    return !this.probing;
  }

  /** Items a send may carry now: one probe when half-open. */
  batchLimit(batchSize: number): number {
    return this.state === 'half_open' ? 1 : batchSize;
  }

  /** When an open breaker lets the next probe through. */
  retryAt(): number {
    return this.state === 'open' ? this.openedAt + this.openMs : 0;
  }

  begin(): void {
    if (this.state === 'half_open') this.probing = true;
  }

  success(): void {
    this.probing = false;
    this.failures = 0;
    if (this.state !== 'closed') this.set('closed');
  }

  failure(now: number): void {
    this.probing = false;
    this.failures++;
    if (this.state === 'half_open' || this.failures >= this.failureThreshold) {
      this.openedAt = now;
      if (this.state !== 'open') this.set('open');
    }
  }

  private set(state: BreakerState): void {
    this.state = state;
    this.onChange?.(this.name, state);
  }
}
