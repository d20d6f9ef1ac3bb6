/** When to try a failed delivery again: exponential backoff with full jitter, bounded, for a window. */
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

/**
 * Delay before attempt `failedAttempts + 1`. Jitter spreads retries of many deliveries that failed
 * together (an endpoint that was down), between half and the full exponential delay.
 * `random` returns [0, 1); injected for tests.
 */
export function nextDelayMs(failedAttempts: number, policy: RetryPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
