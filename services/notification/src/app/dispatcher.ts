import { type BackoffPolicy, backoffDelayMs } from '@ivr/backoff';
import { SECONDS_BUCKETS } from '@ivr/telemetry';
import type { Counter, Histogram, Meter } from '@opentelemetry/api';
import type { RetryPolicy } from '../webhooks/schedule';
import { SIGNATURE_HEADER, signatureHeader } from '../webhooks/signature';
import type { DeliveryQueue, DueDelivery, SendResult, WebhookTransport } from './ports';

/**
 * What an attempt that got no answer records and shows the order system: never an address, a port or a
 * system error code (they would map the inside of the network for whoever registered the URL).
 */
const FAILURES: Record<Extract<SendResult, { failure: unknown }>['failure'], (timeoutMs: number) => string> = {
  refused: () => 'the endpoint may not be sent to (not a public https address)',
  unreachable: () => 'the endpoint could not be reached',
  timeout: (timeoutMs) => `no answer within ${timeoutMs} ms`,
  unsigned: () => 'not sent: the signing secret cannot be read here (the operators are told); it will be retried',
};

export interface DispatcherOptions {
  repository: DeliveryQueue;
  /** Sends where the destination policy allows (production: public addresses over https on 443). */
  transport: WebhookTransport;
  policy: RetryPolicy;
  /** Per-attempt timeout: a slow endpoint counts as failed after this. */
  timeoutMs: number;
  /** Deliveries in flight at once, across endpoints: one slow endpoint cannot take them all. */
  concurrency: number;
  pollIntervalMs: number;
  now?: () => Date;
  random?: () => number;
  logger: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Counts attempts by result and times them (served at admin /metrics). */
  meter?: Meter;
}

/**
 * Sends due webhook deliveries and records each attempt. Every delivery runs on its own, so an
 * endpoint that is down, slow or answers 500 delays only its own deliveries. 2xx = delivered; anything
 * else (or a timeout) is retried with backoff until the retry window closes, then dead-lettered.
 * Requests go only where the transport's destination policy allows, checked on the address at each
 * connection (adapters/webhooks/sender.ts); redirects are answers, not followed.
 */
export class WebhookDispatcher {
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private polling: Promise<void> | undefined;
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly attempts: Counter | undefined;
  private readonly durations: Histogram | undefined;

  constructor(private readonly o: DispatcherOptions) {
    this.now = o.now ?? (() => new Date());
    this.random = o.random ?? Math.random;
    this.backoff = { initialMs: o.policy.baseDelayMs, maxMs: o.policy.maxDelayMs };
    this.attempts = o.meter?.createCounter('webhook_attempts_total', {
      description: 'Webhook delivery attempts by result: delivered, retry, dead',
    });
    this.durations = o.meter?.createHistogram('webhook_attempt_duration_seconds', {
      description: 'Time from sending a webhook to its answer (or timeout)',
      unit: 's',
      advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
    });
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.o.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Looks for due deliveries now (called when a new one was enqueued). */
  wake(): void {
    if (this.stopped || this.polling) return;
    this.polling = this.poll()
      .catch((err: Error) => this.o.logger.warn({ error: err.message }, 'webhook dispatch poll failed; retrying'))
      .finally(() => {
        this.polling = undefined;
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.polling;
    while (this.inFlight.size > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private async poll(): Promise<void> {
    for (;;) {
      const room = this.o.concurrency - this.inFlight.size;
      if (room <= 0 || this.stopped) return;
      // The lease outlives the attempt's timeout, so a live attempt is never claimed twice.
      const due = await this.o.repository.claimDue(this.now(), this.o.timeoutMs * 2 + 5000, room);
      if (due.length === 0) return;
      for (const d of due) {
        this.inFlight.add(d.deliveryId);
        void this.attempt(d)
          // The attempt could not be recorded (database restarting): its lease runs out and it is sent
          // again, at least once as documented. Never an unhandled rejection: that would end the process.
          .catch((err: Error) =>
            this.o.logger.warn({ deliveryId: d.deliveryId, error: err.message }, 'webhook attempt not recorded'),
          )
          .finally(() => {
            this.inFlight.delete(d.deliveryId);
            this.wake(); // a finished delivery may unblock the next one of the same payment
          });
      }
    }
  }

  private async attempt(d: DueDelivery): Promise<void> {
    const started = this.now();
    const t0 = performance.now();
    const secret = d.secret;
    if (secret === undefined)
      this.o.logger.warn(
        { deliveryId: d.deliveryId, endpointId: d.endpointId },
        "webhook not sent: the endpoint's secret is sealed with a key missing from WEBHOOK_SECRET_KEYS",
      );
    const result: SendResult =
      secret === undefined
        ? { failure: 'unsigned' }
        : await this.o.transport.post(
            d.url,
            {
              'content-type': 'application/json',
              'user-agent': 'ivr-notification/1',
              [SIGNATURE_HEADER]: signatureHeader(secret, d.body, Math.floor(started.getTime() / 1000)),
            },
            d.body,
            this.o.timeoutMs,
          );
    const statusCode = 'status' in result ? result.status : null;
    const error =
      'status' in result
        ? result.status >= 200 && result.status < 300
          ? null
          : `endpoint answered HTTP ${result.status}`
        : FAILURES[result.failure](this.o.timeoutMs);
    const elapsedMs = performance.now() - t0;
    const durationMs = Math.round(elapsedMs);
    const at = this.now();
    this.durations?.record(elapsedMs / 1000);
    if (error === null) {
      this.attempts?.add(1, { result: 'delivered' });
      await this.o.repository.recordAttempt(d.deliveryId, { at, statusCode, error, durationMs }, { delivered: true });
      return;
    }
    const retryAt = new Date(at.getTime() + backoffDelayMs(d.attempts + 1, this.backoff, this.random));
    const giveUp = retryAt > d.giveUpAt;
    this.attempts?.add(1, { result: giveUp ? 'dead' : 'retry' });
    if (giveUp)
      this.o.logger.warn(
        { deliveryId: d.deliveryId, endpointId: d.endpointId, error },
        'webhook delivery dead-lettered',
      );
    await this.o.repository.recordAttempt(
      d.deliveryId,
      { at, statusCode, error, durationMs },
      { delivered: false, retryAt: giveUp ? null : retryAt },
    );
  }
}
