import { backoffDelayMs, sleep } from '@ivr/backoff';
import type { Logger } from '@ivr/logging';
import { describeError } from './describe-error';

export interface RetryOptions {
  /** What is being waited for, for the log line: "PostgreSQL", "Kafka", "start-up". */
  what: string;
  /** Total tries including the first; default 5. */
  attempts?: number;
  /** First wait; doubles after each failure up to maxDelayMs, jittered (@ivr/backoff). Default 1000. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Gets one warn line per failed attempt; without it failures are silent until the last. */
  logger?: Logger;
  /** Errors for which trying again cannot help (bad configuration): thrown at once. */
  isPermanent?: (error: unknown) => boolean;
  /** Called after a failed attempt, before waiting (e.g. to clean up what the attempt built). */
  onFailure?: (error: unknown, attempt: number) => Promise<void> | void;
}

/** Thrown when every attempt failed; its message is the one line to log. */
export class RetryExhaustedError extends Error {
  override readonly name = 'RetryExhaustedError';
  constructor(
    readonly what: string,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(`${what} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${describeError(cause)}`);
  }
}

/**
 * Runs fn until it succeeds, with jittered exponential backoff, a bounded number of times. Each failure is one
 * log line with the reason and no stack, because "Kafka is not up yet" is expected, not a bug.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T> | T, options: RetryOptions): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const policy = { initialMs: options.baseDelayMs ?? 1000, maxMs: options.maxDelayMs ?? 30_000 };
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      await options.onFailure?.(error, attempt);
      if (options.isPermanent?.(error)) throw error;
      if (attempt >= attempts) throw new RetryExhaustedError(options.what, attempts, error);
      const delay = backoffDelayMs(attempt, policy);
      options.logger?.warn(
        { attempt, attempts, retry_in_ms: delay },
        `${options.what} failed: ${describeError(error)}; retry ${attempt}/${attempts - 1} in ${delay} ms`,
      );
      await sleep(delay);
    }
  }
}
