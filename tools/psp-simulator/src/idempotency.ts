import { createHmac, randomBytes } from 'node:crypto';
import { SimulatorError } from './stripe-errors';

/**
 * Stripe's Idempotency-Key semantics (https://docs.stripe.com/api/idempotent_requests):
 * - the first request with a key runs and its answer is stored (successes and card declines alike);
 * - a repeat with the same parameters gets the stored answer again, nothing runs twice;
 * - a repeat with other parameters is refused with 400 idempotency_error;
 * - a repeat while the first is still running is refused with 409 idempotency_error;
 * - requests that failed validation (400) or the server (5xx) store nothing and may be retried.
 *
 * Parameters are compared by an HMAC under a per-process random secret, so a payment-method request's
 * card number is never kept, not even as a plain hash that could be brute-forced.
 */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

type Entry = { state: 'running'; fingerprint: string } | { state: 'done'; fingerprint: string; answer: StoredAnswer };

export class IdempotencyStore {
  private readonly secret = randomBytes(32);
  private readonly entries = new Map<string, Entry>();

  fingerprint(method: string, path: string, params: unknown): string {
    return createHmac('sha256', this.secret)
      .update(`${method} ${path}\n${canonicalJson(params)}`)
      .digest('hex');
  }

  /** Runs `execute` once per (API key, idempotency key), or replays the stored answer. */
  async run(
    scope: string,
    key: string,
    fingerprint: string,
    execute: () => Promise<StoredAnswer>,
  ): Promise<StoredAnswer & { replayed: boolean }> {
    const id = `${scope}\u0000${key}`;
    const existing = this.entries.get(id);
    if (existing && existing.fingerprint !== fingerprint) {
      throw new SimulatorError(400, {
        type: 'idempotency_error',
        message:
          `Keys for idempotent requests can only be used with the same parameters they were first used with. ` +
          `Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    if (existing?.state === 'running') {
      throw new SimulatorError(409, {
        type: 'idempotency_error',
        message:
          'There is currently another in-progress request using this Idempotent Key (that probably means you ' +
          'submitted twice, and the other request is still going through): ' +
          `${key}. Please try again later.`,
      });
    }
    if (existing?.state === 'done') return { ...existing.answer, replayed: true };

    this.entries.set(id, { state: 'running', fingerprint });
    let answer: StoredAnswer;
    try {
      answer = await execute();
    } catch (error) {
      if (error instanceof SimulatorError && error.status === 402) {
        // Card errors are results, not failures: Stripe replays them for the same key.
        this.entries.set(id, {
          state: 'done',
          fingerprint,
          answer: { status: error.status, body: { error: error.body } },
        });
      } else {
        this.entries.delete(id);
      }
      throw error;
    }
    this.entries.set(id, { state: 'done', fingerprint, answer });
    return { ...answer, replayed: false };
  }

  clear(): void {
    this.entries.clear();
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
