import { backoffDelayMs, sleep as wait } from '@ivr/backoff';
import type { LifecycleCapabilities, PspProvider } from '@ivr/contracts';
import type {
  AuthorizeRequest,
  CaptureRequest,
  CaptureResult,
  ChargeStoredCardRequest,
  CircuitBreaker,
  FindAuthorizationQuery,
  FindRefundQuery,
  FoundAuthorization,
  GatewayCapabilities,
  PaymentGateway,
  GatewayOutcome as PspOutcome,
  RefundRequest,
  RefundResult,
  RegisterCardRequest,
  VoidRequest,
  VoidResult,
} from '@ivr/psp';
import type { Gateway } from '../../app/ports';
import type { GatewayOutcome } from '../../authorization';

export interface RetryPolicy {
  /** Extra tries after an unknown outcome or an unreachable gateway, always with the same idempotency key. */
  retries: number;
  /** First pause between tries, doubling, jittered (@ivr/backoff); `retries` bounds the total. */
  retryDelayMs: number;
}

export interface GatewayCallMetrics {
  onCall?(operation: string, outcome: string, provider: string): void;
}

/**
 * The gateway as the service uses it: each call goes through a circuit breaker, and a call whose
 * outcome is unknown (timeout, reset, 5xx, malformed answer) is retried with the same idempotency
 * key, which the gateway answers with the first result: reconciliation without a second charge.
 * Gateway results are translated into the domain's GatewayOutcome here.
 */
export class ResilientGateway implements Gateway {
  constructor(
    private readonly gateway: PaymentGateway,
    private readonly breaker: CircuitBreaker,
    private readonly policy: RetryPolicy,
    private readonly metrics: GatewayCallMetrics = {},
    private readonly sleep: (ms: number) => Promise<unknown> = wait,
  ) {}

  get breakerState(): string {
    return this.breaker.current;
  }

  get provider(): PspProvider {
    return this.gateway.provider;
  }

  get capabilities(): GatewayCapabilities {
    return this.gateway.capabilities;
  }

  async authorize(request: AuthorizeRequest): Promise<GatewayOutcome> {
    const outcome = await this.call('authorize', () => this.gateway.authorize(request));
    if (outcome.kind === 'ok') return { kind: 'approved', ...outcome.value, capabilities: this.lifecycle() };
    return toDomain(outcome);
  }

  /** A card kept by REGISTER_CARD, charged without the cardholder (for the order systems' lifecycle). */
  async chargeStoredCard(request: ChargeStoredCardRequest): Promise<GatewayOutcome> {
    const outcome = await this.call('charge_stored_card', () => this.gateway.chargeStoredCard(request));
    if (outcome.kind === 'ok') return { kind: 'approved', ...outcome.value, capabilities: this.lifecycle() };
    return toDomain(outcome);
  }

  /** What order-link learns with the approval: what this gateway can do next. */
  private lifecycle(): LifecycleCapabilities {
    const { partialCapture, multipleCaptures, partialRefund } = this.gateway.capabilities;
    return { provider: this.gateway.provider, partialCapture, multipleCaptures, partialRefund };
  }

  async registerCard(request: RegisterCardRequest): Promise<GatewayOutcome> {
    const outcome = await this.call('register_card', () => this.gateway.registerCard(request));
    if (outcome.kind === 'ok') return { kind: 'registered', ...outcome.value };
    return toDomain(outcome);
  }

  capture(request: CaptureRequest): Promise<PspOutcome<CaptureResult>> {
    return this.call('capture', () => this.gateway.capture(request));
  }

  void(request: VoidRequest): Promise<PspOutcome<VoidResult>> {
    return this.call('void', () => this.gateway.void(request));
  }

  refund(request: RefundRequest): Promise<PspOutcome<RefundResult>> {
    return this.call('refund', () => this.gateway.refund(request));
  }

  findAuthorization(query: FindAuthorizationQuery): Promise<PspOutcome<FoundAuthorization | null>> {
    return this.call('find_authorization', () => this.gateway.findAuthorization(query));
  }

  /** Where the gateway can look a refund up by its key (Stripe); undefined where it cannot. */
  get findRefund(): ((query: FindRefundQuery) => Promise<PspOutcome<RefundResult | null>>) | undefined {
    const find = this.gateway.findRefund?.bind(this.gateway);
    return find ? (query) => this.call('find_refund', () => find(query)) : undefined;
  }

  private async call<T>(operation: string, attempt: () => Promise<PspOutcome<T>>): Promise<PspOutcome<T>> {
    // Once one try may have reached the PSP, "unreachable" on a later try no longer means "nothing happened".
    let uncertain: PspOutcome<T> | undefined;
    for (let n = 0; ; n++) {
      let outcome: PspOutcome<T>;
      if (this.breaker.tryAcquire()) {
        outcome = await attempt();
        // A request still running at the PSP (409) is not a sign of a failing PSP.
        const failing =
          outcome.kind === 'unavailable' || (outcome.kind === 'unknown' && outcome.cause !== 'in_progress');
        if (failing) this.breaker.recordFailure();
        else this.breaker.recordSuccess();
      } else {
        outcome = {
          kind: 'unavailable',
          cause: 'circuit_open',
          message: `the PSP is failing; calls paused for ${this.breaker.retryAfterMs()} ms`,
        };
      }
      this.metrics.onCall?.(
        operation,
        outcome.kind === 'unknown' || outcome.kind === 'unavailable' ? outcome.cause : outcome.kind,
        this.gateway.provider,
      );
      if (outcome.kind === 'unknown') uncertain = outcome;
      const retry = (outcome.kind === 'unknown' || outcome.kind === 'unavailable') && outcome.cause !== 'circuit_open';
      if (!retry || n >= this.policy.retries) return outcome.kind === 'unavailable' && uncertain ? uncertain : outcome;
      await this.sleep(backoffDelayMs(n + 1, { initialMs: this.policy.retryDelayMs, maxMs: Number.POSITIVE_INFINITY }));
    }
  }
}

function toDomain(outcome: Exclude<PspOutcome<unknown>, { kind: 'ok' }>): GatewayOutcome {
  switch (outcome.kind) {
    case 'declined': {
      const d = outcome.decline;
      return {
        kind: 'declined',
        reason: d.reason,
        pspCode: d.pspCode,
        pspDeclineCode: d.pspDeclineCode,
        message: d.message,
        pspReference: d.pspReference ?? null,
      };
    }
    case 'rejected':
      return { kind: 'failed', code: `psp_rejected:${outcome.code}`, message: outcome.message, retryable: false };
    case 'unavailable':
      // Nothing reached the gateway: the same payment may be tried again.
      return { kind: 'failed', code: `psp_unavailable:${outcome.cause}`, message: outcome.message, retryable: true };
    case 'unknown':
      return { kind: 'unknown', cause: outcome.cause, message: outcome.message };
  }
}
