/**
 * A circuit breaker for calls to a remote that may be failing. After `failureThreshold` failures in a
 * row it opens: calls are refused at once (the caller answers fast with a retryable error instead of
 * piling requests onto a struggling PSP). After `openMs` it lets one trial call through (half-open);
 * success closes it, failure opens it again. The clock is injected so tests need no waiting.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  failureThreshold: number;
  openMs: number;
  now?: () => number;
}

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether a call may go out now; in half-open state only one trial at a time. */
  tryAcquire(): boolean {
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.openMs) {
      this.state = 'half_open';
      this.trialInFlight = false;
    }
    if (this.state === 'closed') return true;
    if (this.state === 'half_open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return true;
    }
    return false;
  }

  recordSuccess(): void {
    this.state = 'closed';
    this.failures = 0;
    this.trialInFlight = false;
  }

  recordFailure(): void {
    this.failures += 1;
    this.trialInFlight = false;
    if (this.state === 'half_open' || this.failures >= this.options.failureThreshold) {
      this.state = 'open';
      this.openedAt = this.now();
    }
  }

  get current(): BreakerState {
    return this.state;
  }

  /** Milliseconds until a trial call is allowed again (0 when closed). */
  retryAfterMs(): number {
    if (this.state !== 'open') return 0;
    return Math.max(0, this.options.openMs - (this.now() - this.openedAt));
  }
}
