/**
 * How long to wait before trying again, for everything that retries: start-up, Kafka handlers, the
 * outbox relay, PSP calls, webhook deliveries, event-store conflicts. One formula, so that a
 * retry schedule is read and tuned the same way everywhere.
 */
export interface BackoffPolicy {
  /** Delay after the first failure, before jitter. */
  initialMs: number;
  /** Longest delay, before jitter. */
  maxMs: number;
  /** Growth after each further failure; default 2. */
  factor?: number;
}

/**
 * Delay before attempt `failedAttempts + 1`: initial × factor^(failedAttempts − 1), capped at max,
 * then jittered to between half and all of it, so that many clients that failed together (a database
 * restart, an endpoint that was down) do not all come back at the same instant. `random` returns
 * [0, 1); injected for tests.
 */
export function backoffDelayMs(
  failedAttempts: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(
    policy.maxMs,
    policy.initialMs * (policy.factor ?? 2) ** Math.max(0, failedAttempts - 1),
  );
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** Resolves true after `ms`, or false as soon as `signal` aborts (at once if it already has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    function onAbort(): void {
      clearTimeout(timer);
      resolve(false);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
