import {
  DEFAULT_LIFECYCLE_CAPABILITIES,
  DEFAULT_PSP_ACCOUNT_ID,
  type LifecycleCapabilities,
  type PaymentOperation,
} from '@ivr/contracts';
import type { EventMetadata } from '@ivr/eventstore';
import { GatewayNotConfigured, type GatewayOutcome as PspOutcome } from '@ivr/psp';
import {
  AuthorizationNotFound,
  type AuthorizationState,
  checkPaymentId,
  type GatewayOutcome,
  InvalidState,
  initialState,
  type MaskedCard,
  type Mode,
  type Money,
  type OperationOutcome,
  type OperationRecord,
} from '../authorization';
import type { Schedule } from './background';
import {
  type AuthorizationStore,
  type Gateway,
  type Gateways,
  type KnownAuthorization,
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
  /** A stored card charged without the cardholder (chargeStoredCard). */
  merchantInitiated?: boolean;
  correlationId?: string;
}

export interface ChargeStoredCardInput {
  paymentId: string;
  registrationPaymentId: string;
  storedCardReference: string;
  /** Checked against the registration's when given. */
  customerReference?: string;
  mode: Mode;
  amount: Money | null;
  orderReference: string;
  correlationId?: string;
}

export interface OperationInput {
  paymentId: string;
  operationId: string;
  operation: PaymentOperation;
  /** null: all that can be (captured or refunded). */
  amount: Money | null;
  final?: boolean;
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
  /** An operation left pending past the gateway's key retention: an operator must look (metric, log). */
  needsAttention?: (paymentId: string, operationId: string) => void;
}

/**
 * The use cases: each loads the aggregate, decides, talks to the gateway when the decision says so,
 * and records the outcome. The order is what prevents double charges: the request is recorded
 * before the gateway is called, and every gateway call for one authorization carries the same key.
 */
export class Authorizations {
  constructor(private readonly options: AuthorizationsOptions) {}

  /** `schedule`: where the gateway call runs (a Kafka handler's background pool); absent: awaited here. */
  async authorize(input: AuthorizeInput, schedule?: Schedule): Promise<AuthorizationState> {
    const metadata = this.metadata(input.correlationId);
    // Decided on a new stream without reading it (a payment is authorized once): a repeated request finds
    // the stream written, fails the append's version check and is decided again on what is stored.
    const { state, events, version } = await this.options.repository.execute(
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
        ...(input.merchantInitiated ? { merchantInitiated: true } : {}),
        at: this.at(),
      },
      metadata,
      { state: initialState(), version: 0 },
    );
    if (state.status !== 'PENDING') return state;
    // A caller on the line (call-control) retries with the same key and gets the settled answer at once; in
    // the background only the request that recorded it calls (a redelivery is the reconciler's to settle).
    // The outcome is decided on the state this request wrote (no read of the stream; if another writer
    // came between, the append's version check makes it read).
    const known = events.length > 0 ? { state, version } : undefined;
    if (!schedule) return this.settle(state, metadata, known);
    if (events.length > 0) await schedule(() => this.settle(state, metadata, known));
    return state;
  }

  /**
   * A merchant-initiated charge of a card stored by an earlier REGISTER_CARD payment (`registrationPaymentId`),
   * without a call: the card, the customer and the PSP account are the registration's. A registration this
   * service does not hold, or whose references differ, is recorded as a failed authorization (nothing sent).
   */
  async chargeStoredCard(input: ChargeStoredCardInput, schedule?: Schedule): Promise<AuthorizationState> {
    const registration = await this.options.repository.load(input.registrationPaymentId);
    const matches =
      registration.status === 'REGISTERED' &&
      registration.storedCardReference === input.storedCardReference &&
      (!input.customerReference || registration.customerReference === input.customerReference);
    if (!matches || !registration.card) {
      const command = {
        type: 'RefuseAuthorization',
        paymentId: input.paymentId,
        code: 'stored_card_unknown',
        message: `no card registered by payment ${input.registrationPaymentId} with that stored card reference`,
        at: this.at(),
      } as const;
      return (await this.options.repository.execute(input.paymentId, command, this.metadata(input.correlationId)))
        .state;
    }
    return this.authorize(
      {
        paymentId: input.paymentId,
        mode: input.mode,
        amount: input.amount,
        orderReference: input.orderReference,
        card: { ...registration.card, pspToken: registration.storedCardReference },
        customerReference: registration.customerReference,
        pspAccountId: registration.pspAccountId,
        merchantInitiated: true,
        ...(input.correlationId ? { correlationId: input.correlationId } : {}),
      },
      schedule,
    );
  }

  /**
   * A capture, void or refund of an approved payment (order-link's PaymentOperationRequested, or gRPC).
   * The request is recorded before the gateway is called, with the operation's own idempotency key; a
   * refusal by the lifecycle rule is recorded too (and nothing is sent). An unanswered call leaves the
   * operation pending for the reconciler, which repeats it with the same key.
   */
  async requestOperation(input: OperationInput, schedule?: Schedule): Promise<AuthorizationState> {
    checkPaymentId(input.paymentId);
    const metadata = this.metadata(input.correlationId);
    // Decided on the state just read (no second read in the transaction): a write that came between fails
    // the append's version check and the command is decided again on the stream as stored.
    const before = await this.options.repository.read(input.paymentId);
    const capabilities = await this.capabilitiesFor(before.state);
    const { state, events, version } = await this.options.repository.execute(
      input.paymentId,
      {
        type: 'RequestOperation',
        paymentId: input.paymentId,
        operationId: input.operationId,
        operation: input.operation,
        amount: input.amount,
        ...(input.final !== undefined ? { final: input.final } : {}),
        capabilities,
        at: this.at(),
      },
      metadata,
      before,
    );
    const op = state.operations[input.operationId];
    // Only the request that recorded it calls the gateway: a repeat while it is pending (a redelivery, a
    // client's retry) must not race the call in flight; the reconciler settles what that call leaves.
    const recorded = events.some((e) => e.type === 'AuthorizationOperationRequested');
    if (op?.status !== 'PENDING' || !recorded) return state;
    // The outcome is recorded on the state this request wrote, as authorize's is.
    const known = { state, version };
    if (!schedule) return this.settleOperation(state, op, metadata, known);
    await schedule(() => this.settleOperation(state, op, metadata, known));
    return state;
  }

  /** The gateway's capabilities as the lifecycle rule reads them; Stripe's ground when the account cannot be read. */
  private async capabilitiesFor(state: AuthorizationState): Promise<LifecycleCapabilities> {
    if (state.capabilities) return state.capabilities;
    try {
      const gateway = await this.options.gateways.for(state.pspAccountId);
      const { partialCapture, multipleCaptures, partialRefund } = gateway.capabilities;
      return { provider: gateway.provider, partialCapture, multipleCaptures, partialRefund };
    } catch {
      return DEFAULT_LIFECYCLE_CAPABILITIES;
    }
  }

  /** Calls the gateway for a pending operation with its one key and records what it answered. */
  private async settleOperation(
    state: AuthorizationState,
    op: OperationRecord,
    metadata: EventMetadata,
    known?: KnownAuthorization,
  ): Promise<AuthorizationState> {
    const outcome = await this.callOperation(state, op);
    const command = { type: 'RecordOperationOutcome', operationId: op.operationId, outcome, at: this.at() } as const;
    return (await this.options.repository.execute(state.paymentId, command, metadata, known)).state;
  }

  private async callOperation(state: AuthorizationState, op: OperationRecord): Promise<OperationOutcome> {
    let gateway: Gateway;
    try {
      gateway = await this.options.gateways.for(state.pspAccountId);
    } catch (error) {
      const failed = accountFailure(state, error);
      return failed.kind === 'failed' && !op.outcomeUncertain
        ? failed
        : { kind: 'failed', code: 'psp_unavailable:account', message: (error as Error).message, retryable: true };
    }
    const currency = state.amount?.currency ?? '';
    const money = (minorUnits: number) => ({ minorUnits, currency });
    const key = op.pspIdempotencyKey;
    const pspReference = state.pspReference;
    switch (op.operation) {
      case 'CAPTURE': {
        const answer = await gateway.capture({
          idempotencyKey: key,
          pspReference,
          amount: money(op.amount),
          final: op.final,
        });
        return operationOutcome(answer, (v) => ({ kind: 'done', pspReference: v.pspReference }));
      }
      case 'VOID': {
        const answer = await gateway.void({ idempotencyKey: key, pspReference });
        return operationOutcome(answer, (v) => ({ kind: 'done', pspReference: v.pspReference }));
      }
      case 'REFUND': {
        const answer = await gateway.refund({
          idempotencyKey: key,
          pspReference,
          amount: money(op.amount),
          capturedBefore: money(op.refundableBefore),
        });
        return operationOutcome(answer, (v) => ({
          kind: 'done',
          pspReference: v.pspReference,
          refundReference: v.refundReference,
        }));
      }
    }
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

  /** Whether this service has an authorization of the payment (requested, whatever became of it). */
  async knows(paymentId: string): Promise<boolean> {
    checkPaymentId(paymentId);
    return (await this.options.repository.load(paymentId)).status !== 'NEW';
  }

  async get(paymentId: string): Promise<AuthorizationState> {
    checkPaymentId(paymentId);
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
    return pending.length + (await this.reconcileOperations(now, olderThanMs, limit));
  }

  /**
   * Captures, voids and refunds left pending: sent again with their one key while the gateway still answers
   * a repeated key with the first result (GMO-PG: always, it looks the transaction up first). Past that
   * window a refund is looked up by its key where the gateway can (Stripe); the rest are left for an operator
   * (`needsAttention`): a repeat could act twice, a guess could lie.
   */
  private async reconcileOperations(now: Date, olderThanMs: number, limit: number): Promise<number> {
    const pending = await this.options.repository.listPendingOperations(new Date(now.getTime() - olderThanMs), limit);
    for (const { paymentId, operationId, since } of pending) {
      const state = await this.options.repository.load(paymentId);
      const op = state.operations[operationId];
      if (op?.status !== 'PENDING') continue;
      let gateway: Gateway;
      try {
        gateway = await this.gatewayFor(state);
      } catch {
        continue;
      }
      if (now.getTime() - since.getTime() < gateway.capabilities.idempotencyRetentionMs) {
        await this.settleOperation(state, op, { actor: 'reconciler' });
      } else if (op.operation === 'REFUND' && gateway.findRefund) {
        await this.settleRefundByLookup(state, op, gateway.findRefund);
      } else {
        this.options.needsAttention?.(paymentId, operationId);
      }
    }
    return pending.length;
  }

  /**
   * A refund left pending past the gateway's key retention: looked up by its key (Stripe: the refund whose
   * metadata carries it). Found: recorded done. None: nothing was given back under that key, so it is sent
   * again (the PSP no longer knows the key, but there is nothing to repeat). The lookup failing: next round.
   */
  private async settleRefundByLookup(
    state: AuthorizationState,
    op: OperationRecord,
    findRefund: NonNullable<Gateway['findRefund']>,
  ): Promise<void> {
    const found = await findRefund({ pspReference: state.pspReference, idempotencyKey: op.pspIdempotencyKey });
    if (found.kind !== 'ok') return;
    if (!found.value) {
      await this.settleOperation(state, op, { actor: 'reconciler' });
      return;
    }
    const refund = found.value;
    const outcome: OperationOutcome = {
      kind: 'done',
      pspReference: refund.pspReference,
      refundReference: refund.refundReference,
    };
    const command = { type: 'RecordOperationOutcome', operationId: op.operationId, outcome, at: this.at() } as const;
    await this.options.repository.execute(state.paymentId, command, { actor: 'reconciler' });
  }

  /** Calls the gateway with the authorization's one idempotency key and records what it answered. */
  private async settle(
    state: AuthorizationState,
    metadata: EventMetadata,
    known?: KnownAuthorization,
  ): Promise<AuthorizationState> {
    const outcome = await this.callGateway(state);
    const command = { type: 'RecordGatewayOutcome', outcome, at: this.at() } as const;
    return (await this.options.repository.execute(state.paymentId, command, metadata, known)).state;
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
    if (state.merchantInitiated) {
      return gateway.chargeStoredCard({
        ...common,
        customerReference: state.customerReference ?? '',
        storedCardReference: card.pspToken,
        amount: state.amount as Money,
        capture: state.mode === 'CAPTURE',
      });
    }
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

/** A gateway's answer to a capture, void or refund, in the domain's terms. */
function operationOutcome<T>(
  answer: PspOutcome<T>,
  done: (value: T) => Extract<OperationOutcome, { kind: 'done' }>,
): OperationOutcome {
  switch (answer.kind) {
    case 'ok':
      return done(answer.value);
    case 'declined':
      return {
        kind: 'failed',
        code: `psp_declined:${answer.decline.pspCode}`,
        message: answer.decline.message,
        retryable: false,
      };
    case 'rejected':
      return { kind: 'failed', code: `psp_rejected:${answer.code}`, message: answer.message, retryable: false };
    case 'unavailable':
      return { kind: 'failed', code: `psp_unavailable:${answer.cause}`, message: answer.message, retryable: true };
    case 'unknown':
      return { kind: 'unknown', cause: answer.cause, message: answer.message };
  }
}
