// Bounded polling for tests against real processes: retry a check until it passes or a deadline
// passes, then fail with the check's own last error (never a sleep standing in for an assertion).

/** Thrown by a check when waiting longer cannot help (the process under test died): fails at once. */
export class GiveUp extends Error {}

/** Polls `check` until it stops throwing; rethrows its last error after `timeoutMs`, or a GiveUp at once. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (error instanceof GiveUp || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
