// Retry delays: exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff
// and Jitter"): the n-th retry waits a uniformly random time up to min(max, initial x 2^(n-1)),
// which spreads the retries of many notifications so a recovering sink is not stampeded.

export interface BackoffOptions {
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** The delay before retry number `attempt` (1 = the first retry), given a uniform [0,1) draw. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: number): number {
  const ceiling = Math.min(options.maxBackoffMs, options.initialBackoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * random);
}
