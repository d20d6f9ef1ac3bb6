// The chaos run's load: what order systems and callers do while the faults happen. Payments are
// created over order-link's REST API; most are paid in a complete SIP call with the card keyed as
// RFC 4733 events, some are cancelled through the API, some are left for their transfer code to
// expire. Every API request is retried as a careful order system would (same Idempotency-Key, for as
// long as the answer is a 5xx or no answer), so that each payment the API accepted is known here and
// can be checked afterwards. Calls are not retried: a caller whose call broke just hangs up.
import { randomUUID } from 'node:crypto';
import type { CreatedPayment } from '@ivr/testkit/payment-system';
import type { SeededRandom } from '@ivr/testkit/seeded-random';
import { type CallContext, type CallPacing, placePaymentCall } from '../../bench/calls/payment-call';

export type PaymentKind = 'call' | 'cancel' | 'expire';

export interface TrackedPayment extends CreatedPayment {
  kind: PaymentKind;
  /** For calls: how the call went from the caller's side ("ok" or the failure). */
  call?: string;
}

export interface WorkloadOptions {
  /** Payments started per second. */
  rate: number;
  /** Share of each kind; the rest of 1 after call and cancel is left to expire. */
  callShare: number;
  cancelShare: number;
  /** How long an API request is retried before the order system gives up on it. */
  retryForMs: number;
}

/** Like a phone: a key held ~120 ms, then a gap of 80 ms. */
const PHONE: CallPacing = { toneMs: 120, gapMs: 80 };
const RETRY_PAUSE_MS = 500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Answer = { status: number; body: Record<string, unknown> };

export class Workload {
  readonly payments: TrackedPayment[] = [];
  /** Requests that got a 5xx or no answer and were sent again. */
  apiRetries = 0;
  /** Payments whose creation was never answered within retryForMs, or was refused (4xx). */
  readonly notCreated: string[] = [];
  readonly cancelAnswers = new Map<number, number>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly ctx: CallContext,
    private readonly random: SeededRandom,
    private readonly options: WorkloadOptions,
  ) {}

  /** Starts payments at the set rate until `over()` says so, then waits for all of them. */
  async run(over: () => boolean): Promise<void> {
    const started = Date.now();
    let placed = 0;
    while (!over()) {
      const due = Math.floor(((Date.now() - started) / 1000) * this.options.rate) + 1;
      for (; placed < due; placed++) this.track(this.onePayment(placed));
      await sleep(20);
    }
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private track(work: Promise<void>): void {
    const settled = work.catch((err: Error) => {
      this.notCreated.push(err.message);
    });
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
  }

  private kindOf(n: number): PaymentKind {
    if (n === 0) return 'call';
    const r = this.random.next();
    if (r < this.options.callShare) return 'call';
    return r < this.options.callShare + this.options.cancelShare ? 'cancel' : 'expire';
  }

  private async onePayment(n: number): Promise<void> {
    const kind = this.kindOf(n);
    if (kind === 'call') {
      let tracked: TrackedPayment | undefined;
      const result = await placePaymentCall(
        {
          ...this.ctx,
          createPayment: async () => {
            tracked = await this.createPayment('call');
            return tracked;
          },
        },
        `chaos-${n}-${randomUUID()}@chaos`,
        PHONE,
      );
      if (tracked) tracked.call = result.ok ? 'ok' : (result.failure ?? 'failed');
      return;
    }
    const payment = await this.createPayment(kind);
    if (kind === 'cancel') {
      await sleep(this.random.between(0, 3000));
      const key = randomUUID();
      const answer = await this.retrying('cancel', () =>
        this.ctx.system.rest('POST', `/v1/payments/${payment.paymentId}/cancel`, { reason: 'chaos' }, key),
      );
      this.cancelAnswers.set(answer.status, (this.cancelAnswers.get(answer.status) ?? 0) + 1);
    }
  }

  private async createPayment(kind: PaymentKind): Promise<TrackedPayment> {
    const { system } = this.ctx;
    const key = randomUUID();
    const orderId = `CHAOS-${system.run}-${this.payments.length}-${Math.floor(this.random.next() * 1e9)}`;
    const request = {
      amount: 1200,
      currency: 'JPY',
      mode: 'CAPTURE' as const,
      returnSipAddress: 'sip:operator@127.0.0.1:5999',
    };
    const answer = await this.retrying('create payment', () => system.requestPayment(request, key, orderId));
    if (answer.status !== 201 && answer.status !== 200) {
      throw new Error(`payment refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    const tracked: TrackedPayment = {
      paymentId: String(answer.body.paymentId),
      orderId,
      transferCode: String(answer.body.transferCode),
      kind,
    };
    this.payments.push(tracked);
    return tracked;
  }

  /** Sends a request again while the answer is a 5xx or there is none (order-link down or restarting). */
  private async retrying(what: string, send: () => Promise<Answer>): Promise<Answer> {
    const deadline = Date.now() + this.options.retryForMs;
    for (;;) {
      try {
        const answer = await send();
        if (answer.status < 500) return answer;
      } catch {
        // connection refused or reset: order-link is down; try again below
      }
      if (Date.now() > deadline) throw new Error(`${what}: no answer within ${this.options.retryForMs} ms`);
      this.apiRetries++;
      await sleep(RETRY_PAUSE_MS);
    }
  }
}
