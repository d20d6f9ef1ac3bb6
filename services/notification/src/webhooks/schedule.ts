/**
 * When to try a failed delivery again: @ivr/backoff's delay (doubling, capped, jittered to between half
 * and all of it, so that deliveries that failed together do not come back together), for a window.
 */
export interface RetryPolicy {
  /** Delay after the first failure (before jitter). */
  baseDelayMs: number;
  /** Longest delay between two attempts. */
  maxDelayMs: number;
  /** How long after the first attempt retries continue before the delivery is dead-lettered (≥ 24 h in production). */
  retryWindowMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 10_000,
  maxDelayMs: 60 * 60 * 1000,
  retryWindowMs: 25 * 60 * 60 * 1000,
};
