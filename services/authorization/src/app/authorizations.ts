import { DEFAULT_PSP_ACCOUNT_ID } from '@ivr/contracts';
import type { EventMetadata } from '@ivr/eventstore';
import { GatewayNotConfigured } from '@ivr/psp';
import {
  AuthorizationNotFound,
  type AuthorizationState,
  assertCapturable,
  assertVoidable,
  type GatewayOutcome,
  InvalidState,
  type MaskedCard,
  type Mode,
  type Money,
  pspKey,
  validateMoney,
} from '../authorization';
import {
  type AuthorizationStore,
  type Gateway,
  type Gateways,
  PspAccountUnavailable,
  UnknownPspAccount,
} from './ports';

export interface AuthorizeInput {
  paymentId: string;
  mode: Mode;
  amount: Money | null;
  orderReference: string;
  card: MaskedCard;
  customerReference: string | null;
  /** The merchant's PSP account; absent: the deployment's default. */
  pspAccountId?: string;
  correlationId?: string;
}

/** The gateway could not be reached or did not answer; nothing is lost and the call may be repeated. */
export class GatewayUnavailable extends Error {
  override readonly name = 'GatewayUnavailable';
}

export interface AuthorizationsOptions {
  repository: AuthorizationStore;
  /**
   * The gateway of each PSP account. Pending authorizations younger than its idempotency retention are
   * reconciled by repeating the call with the same key; older ones only by looking them up, since
   * gateways forget keys (Stripe: 24 h; GMO-PG's OrderID never).
   */
  gateways: Gateways;
  now: () => Date;
}

/**
 * The use cases: each loads the aggregate, decides, talks to the gateway when the decision says so,
 * and records the outcome. The order is what prevents double charges: the request is recorded
 * before the gateway is called, and every gateway call for one authorization carries the same key.
 */
export class Authorizations {
  constructor(private readonly options: AuthorizationsOptions) {}

  async authorize(input: AuthorizeInput): Promise<AuthorizationState> {
    const metadata = this.metadata(input.correlationId);
    const { state } = await this.options.repository.execute(
      input.paymentId,
      {
        type: 'RequestAuthorization',
        paymentId: input.paymentId,
        mode: input.mode,
        amount: input.amount,
        orderReference: input.orderReference,
        card: input.card,
        customerReference: input.customerReference,
        pspAccountId: input.pspAccountId ?? DEFAULT_PSP_ACCOUNT_ID,
        at: this.at(),
      },
      metadata,
    );
    return state.status === 'PENDING' ? this.settle(state, metadata) : state;
  }

  async capture(paymentId: string, amount: Money | null, correlationId?: string): Promise<AuthorizationState> {
    const state = await this.get(paymentId);
    if (state.status === 'CAPTURED') return state;
    const wanted = amount ? validateMoney(amount, 'amount') : state.amount;
    if (!wanted) throw new InvalidState(`payment ${paymentId} has no amount to capture`);
    assertCapturable(state, wanted);
    const gateway = await this.gatewayFor(state);
    const outcome = await gateway.capture({
      idempotencyKey: pspKey(paymentId, 'capture'),
      pspReference: state.pspReference,
      ...(amount ? { amount: wanted } : {}),
    });
    if (outcome.kind !== 'ok') throw this.failure('capture', paymentId, outcome);
    // The PSP confirmed the capture of what was asked (a 200); the request is the record.
    const command = { type: 'RecordCapture', pspReference: state.pspReference, amount: wanted, at: this.at() } as const;
    return (await this.options.repository.execute(paymentId, command, this.metadata(correlationId))).state;
  }

  async void(paymentId: string, correlationId?: string): Promise<AuthorizationState> {
    const state = await this.get(paymentId);
    if (state.status === 'VOIDED') return state;
    assertVoidable(state);
    const gateway = await this.gatewayFor(state);
    const outcome = await gateway.void({
      idempotencyKey: pspKey(paymentId, 'void'),
      pspReference: state.pspReference,
    });
    if (outcome.kind !== 'ok') throw this.failure('void', paymentId, outcome);
    const command = { type: 'RecordVoid', pspReference: state.pspReference, at: this.at() } as const;
    return (await this.options.repository.execute(paymentId, command, this.metadata(correlationId))).state;
  }

  /**
   * Fences a payment whose call was lost: records it FAILED when nothing was requested yet, else
   * leaves it as it stands. Never calls the gateway (a pending one is the reconciler's to settle).
   */
  async abandon(paymentId: string, reason: string, correlationId?: string): Promise<AuthorizationState> {
    const command = { type: 'AbandonAuthorization', paymentId, reason, at: this.at() } as const;
    const metadata = { ...this.metadata(correlationId), actor: 'abandon' };
    return (await this.options.repository.execute(paymentId, command, metadata)).state;
  }

  async get(paymentId: string): Promise<AuthorizationState> {
    const state = await this.options.repository.load(paymentId);
    if (state.status === 'NEW') throw new AuthorizationNotFound(paymentId);
    return state;
  }

  /**
   * Settles authorizations left pending (an unknown outcome, or a crash between the gateway's answer
   * and the append). Returns how many were looked at.
   */
  async reconcilePending(olderThanMs: number, limit = 100): Promise<number> {
    const now = this.options.now();
    const pending = await this.options.repository.listPending(new Date(now.getTime() - olderThanMs), limit);
    for (const { paymentId, since } of pending) {
      const state = await this.options.repository.load(paymentId);
      if (state.status !== 'PENDING') continue;
      let gateway: Gateway;
      try {
        gateway = await this.gatewayFor(state);
      } catch {
        continue; // its account cannot be read now: the next round tries again
      }
      const withinWindow = now.getTime() - since.getTime() < gateway.capabilities.idempotencyRetentionMs;
      // A registration charges nothing, so repeating it is harmless even past the window.
      if (withinWindow || state.mode === 'REGISTER_CARD') await this.settle(state, { actor: 'reconciler' });
      else await this.settleByLookup(state, gateway);
    }
    return pending.length;
  }

  /** Calls the gateway with the authorization's one idempotency key and records what it answered. */
  private async settle(state: AuthorizationState, metadata: EventMetadata): Promise<AuthorizationState> {
    const outcome = await this.callGateway(state);
    const command = { type: 'RecordGatewayOutcome', outcome, at: this.at() } as const;
    return (await this.options.repository.execute(state.paymentId, command, metadata)).state;
  }

  private async callGateway(state: AuthorizationState): Promise<GatewayOutcome> {
    let gateway: Gateway;
    try {
      gateway = await this.options.gateways.for(state.pspAccountId);
    } catch (error) {
      return accountFailure(state, error);
    }
    const card = state.card as MaskedCard;
    const common = {
      idempotencyKey: state.pspIdempotencyKey,
      paymentId: state.paymentId,
      orderReference: state.orderReference,
    };
    if (state.mode === 'REGISTER_CARD') return gateway.registerCard({ ...common, cardToken: card.pspToken });
    return gateway.authorize({
      ...common,
      cardToken: card.pspToken,
      ...(state.customerReference ? { customerReference: state.customerReference } : {}),
      amount: state.amount as Money,
      capture: state.mode === 'CAPTURE',
    });
  }

  /** Past the gateway's idempotency window: look, never act. Nothing found means nothing was charged. */
  private async settleByLookup(state: AuthorizationState, gateway: Gateway): Promise<void> {
    const found = await gateway.findAuthorization({
      idempotencyKey: state.pspIdempotencyKey,
      paymentId: state.paymentId,
    });
    if (found.kind !== 'ok') return;
    let outcome: GatewayOutcome;
    const f = found.value;
    if (!f) {
      outcome = {
        kind: 'failed',
        code: 'not_found_at_psp',
        message: 'the gateway has no trace of it',
        retryable: false,
      };
    } else if (f.status === 'authorized' || f.status === 'captured') {
      const captured = f.status === 'captured';
      outcome = {
        kind: 'approved',
        pspReference: f.pspReference,
        authorizationCode: f.authorizationCode,
        captured,
        amount: f.amount,
      };
    } else if (f.status === 'declined') {
      outcome = {
        kind: 'declined',
        reason: 'generic_decline',
        pspCode: 'card_declined',
        pspDeclineCode: '',
        message: 'declined (found by reconciliation)',
        pspReference: f.pspReference,
      };
    } else {
      return;
    }
    await this.options.repository.execute(
      state.paymentId,
      { type: 'RecordGatewayOutcome', outcome, at: this.at() },
      { actor: 'reconciler' },
    );
  }

  /** The gateway of the payment's PSP account; an account that cannot be used now is the caller's error to see. */
  private async gatewayFor(state: AuthorizationState): Promise<Gateway> {
    try {
      return await this.options.gateways.for(state.pspAccountId);
    } catch (error) {
      if (error instanceof PspAccountUnavailable) throw new GatewayUnavailable(error.message);
      if (error instanceof UnknownPspAccount || error instanceof GatewayNotConfigured)
        throw new InvalidState(error.message);
      throw error;
    }
  }

  private failure(operation: string, paymentId: string, outcome: { kind: string; message?: string }): Error {
    const message = `${operation} of payment ${paymentId}: ${outcome.message ?? outcome.kind}`;
    if (outcome.kind === 'rejected' || outcome.kind === 'declined')
      return new InvalidState(`the PSP refused the ${message}`);
    return new GatewayUnavailable(`the PSP did not confirm the ${message}; retry with the same payment id`);
  }

  private metadata(correlationId?: string): EventMetadata {
    return correlationId ? { correlationId } : {};
  }

  private at(): string {
    return this.options.now().toISOString();
  }
}

/**
 * An authorization whose PSP account cannot be used: nothing was sent. While an earlier call may have
 * reached the gateway the payment stays pending (an account read later settles it).
 */
function accountFailure(state: AuthorizationState, error: unknown): GatewayOutcome {
  if (error instanceof PspAccountUnavailable) {
    return { kind: 'failed', code: 'psp_unavailable:account', message: error.message, retryable: true };
  }
  if (error instanceof UnknownPspAccount || error instanceof GatewayNotConfigured) {
    if (state.outcomeUncertain)
      return { kind: 'failed', code: 'psp_unavailable:account', message: error.message, retryable: true };
    return { kind: 'failed', code: 'psp_account_unusable', message: error.message, retryable: false };
  }
  throw error;
}
