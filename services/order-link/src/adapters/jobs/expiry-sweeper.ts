import type { Clock, PaymentCommands, PaymentReads } from '../../app/ports';

export interface SweeperLogger {
  warn(obj: object, msg: string): void;
}

/**
 * Expires payments whose transfer code went unused past its lifetime (PaymentExpired, and with it the
 * public PaymentCompleted with outcome EXPIRED). Several replicas may sweep at once: the event store's
 * optimistic concurrency lets one of them win, and decide() makes the other's command a no-op.
 */
export class ExpirySweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly queries: PaymentReads,
    private readonly payments: PaymentCommands,
    private readonly clock: Clock,
    private readonly logger: SweeperLogger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweepOnce()
        .then(() => undefined)
        .catch((err: Error) => this.logger.warn({ error: err.message }, 'expiry sweep failed; next round retries'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Returns how many payments it expired. */
  async sweepOnce(): Promise<number> {
    const now = this.clock.now();
    let expired = 0;
    for (const paymentId of await this.queries.dueForExpiry(now, 200)) {
      const { events } = await this.payments.execute(
        paymentId,
        { type: 'ExpireTransferCode', at: now.toISOString() },
        { actor: 'system:expiry-sweeper', correlationId: paymentId },
      );
      expired += events.length;
    }
    return expired;
  }
}
