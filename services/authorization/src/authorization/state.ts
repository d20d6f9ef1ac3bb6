import {
  type Balance,
  DEFAULT_PSP_ACCOUNT_ID,
  type GatewayDeclineReason,
  type LifecycleCapabilities,
  type OperationStatus,
  type PaymentOperation,
} from '@ivr/contracts';
import type { AuthorizationEvent, MaskedCard, Mode } from './events';
import type { Money } from './money';

export type AuthorizationStatus =
  | 'NEW'
  | 'PENDING'
  | 'APPROVED'
  | 'CAPTURED'
  | 'DECLINED'
  | 'FAILED'
  | 'VOIDED'
  | 'REFUNDED'
  | 'REGISTERED';

/** One capture, void or refund of the payment, by its operation id. */
export interface OperationRecord {
  operationId: string;
  operation: PaymentOperation;
  /** Minor units of the payment's currency; 0 for VOID. */
  amount: number;
  final: boolean;
  status: OperationStatus;
  /** The key every PSP call of this operation carries. */
  pspIdempotencyKey: string;
  /** REFUND: captured and not refunded before it (GMO-PG tells done from to-do by it). */
  refundableBefore: number;
  /** A PSP call of it went unanswered: "unreachable" later is no proof that nothing happened. */
  outcomeUncertain: boolean;
  failure: { code: string; message: string; field?: string } | null;
  refundReference: string;
}

export interface AuthorizationState {
  status: AuthorizationStatus;
  paymentId: string;
  mode: Mode | null;
  amount: Money | null;
  orderReference: string;
  card: MaskedCard | null;
  customerReference: string | null;
  /** A stored card charged without the cardholder. */
  merchantInitiated: boolean;
  /** The merchant's PSP account; `default` until a request names another. */
  pspAccountId: string;
  pspIdempotencyKey: string;
  attempt: number;
  /** A gateway call of this authorization ended without an answer: it may have been carried out. */
  outcomeUncertain: boolean;
  pspReference: string;
  authorizationCode: string;
  capturedAmount: Money | null;
  /** Refunded so far, in minor units of the payment's currency. */
  refundedMinorUnits: number;
  /** A final capture was made (or the sale captured at once): nothing more can be captured. */
  finalCaptured: boolean;
  /** What the gateway said it can do, at the approval. */
  capabilities: LifecycleCapabilities | null;
  /** Captures, voids and refunds by operation id, in the order asked. */
  operations: Record<string, OperationRecord>;
  /** The operation sent and not settled; one at a time per payment. */
  pendingOperationId: string | null;
  decline: { reason: GatewayDeclineReason; pspCode: string; pspDeclineCode: string; message: string } | null;
  failure: { code: string; message: string; retryable: boolean } | null;
  storedCardReference: string;
  /** Events folded so far: the stream's version. */
  version: number;
}

export const initialState = (): AuthorizationState => ({
  status: 'NEW',
  paymentId: '',
  mode: null,
  amount: null,
  orderReference: '',
  card: null,
  customerReference: null,
  merchantInitiated: false,
  pspAccountId: DEFAULT_PSP_ACCOUNT_ID,
  pspIdempotencyKey: '',
  attempt: 0,
  outcomeUncertain: false,
  pspReference: '',
  authorizationCode: '',
  capturedAmount: null,
  refundedMinorUnits: 0,
  finalCaptured: false,
  capabilities: null,
  operations: {},
  pendingOperationId: null,
  decline: null,
  failure: null,
  storedCardReference: '',
  version: 0,
});

export function evolve(state: AuthorizationState, event: AuthorizationEvent): AuthorizationState {
  const next = { ...state, version: state.version + 1 };
  switch (event.type) {
    case 'AuthorizationRequested': {
      const d = event.data;
      return {
        ...next,
        status: 'PENDING',
        paymentId: d.paymentId,
        mode: d.mode,
        amount: d.currency ? { minorUnits: d.amount, currency: d.currency } : null,
        orderReference: d.orderReference,
        card: {
          pspToken: d.cardToken,
          brand: d.card.brand,
          bin: d.card.bin6,
          last4: d.card.last4,
          expiryMonth: d.card.expiryMonth,
          expiryYear: d.card.expiryYear,
        },
        customerReference: d.customerReference,
        merchantInitiated: d.merchantInitiated === true,
        pspAccountId: d.pspAccountId ?? DEFAULT_PSP_ACCOUNT_ID,
        pspIdempotencyKey: d.pspIdempotencyKey,
        attempt: d.attempt,
        failure: null,
      };
    }
    case 'AuthorizationApproved':
      return {
        ...next,
        status: event.data.captured ? 'CAPTURED' : 'APPROVED',
        pspReference: event.data.pspReference,
        authorizationCode: event.data.authorizationCode,
        capturedAmount: event.data.captured ? { minorUnits: event.data.amount, currency: event.data.currency } : null,
        finalCaptured: event.data.captured,
        capabilities: event.data.capabilities ?? null,
      };
    case 'AuthorizationDeclined': {
      const { detail: reason, pspCode, pspDeclineCode, message, pspReference } = event.data;
      return {
        ...next,
        status: 'DECLINED',
        decline: { reason, pspCode, pspDeclineCode, message },
        pspReference: pspReference ?? '',
      };
    }
    case 'AuthorizationFailed': {
      const { code, message, retryable } = event.data;
      // paymentId too: an abandoned authorization starts with this event (no request before it).
      return { ...next, status: 'FAILED', paymentId: event.data.paymentId, failure: { code, message, retryable } };
    }
    case 'AuthorizationOutcomeUnknown':
      return { ...next, outcomeUncertain: true };
    case 'CardRegistered':
      return {
        ...next,
        status: 'REGISTERED',
        customerReference: event.data.customerReference,
        storedCardReference: event.data.storedCardReference,
        pspReference: event.data.pspReference ?? '',
      };
    case 'AuthorizationOperationRequested': {
      const d = event.data;
      const record: OperationRecord = {
        operationId: d.operationId,
        operation: d.operation,
        amount: d.amount,
        final: d.final,
        status: 'PENDING',
        pspIdempotencyKey: d.pspIdempotencyKey,
        refundableBefore: d.refundableBefore,
        outcomeUncertain: false,
        failure: null,
        refundReference: '',
      };
      return {
        ...next,
        operations: { ...state.operations, [d.operationId]: record },
        pendingOperationId: d.operationId,
      };
    }
    case 'AuthorizationCaptured': {
      const { amount, currency, operationId } = event.data;
      const captured = (state.capturedAmount?.minorUnits ?? 0) + amount;
      return {
        ...settle(next, operationId, 'SUCCEEDED'),
        status: 'CAPTURED',
        capturedAmount: { minorUnits: captured, currency },
        // Captures from before the lifecycle were one per payment.
        finalCaptured: event.data.final ?? true,
      };
    }
    case 'AuthorizationVoided':
      return { ...settle(next, event.data.operationId, 'SUCCEEDED'), status: 'VOIDED' };
    case 'AuthorizationRefunded': {
      const refunded = state.refundedMinorUnits + event.data.amount;
      const after = settle(next, event.data.operationId, 'SUCCEEDED', { refundReference: event.data.refundReference });
      const all = refunded >= (state.capturedAmount?.minorUnits ?? 0);
      return { ...after, refundedMinorUnits: refunded, status: all ? 'REFUNDED' : state.status };
    }
    case 'AuthorizationOperationFailed': {
      const { operationId, code, message, field } = event.data;
      const failure = { code, message, ...(field ? { field } : {}) };
      // A refusal before anything was sent has no request event: it is recorded here, failed.
      const known = state.operations[operationId];
      const record: OperationRecord = known ?? {
        operationId,
        operation: event.data.operation,
        amount: 0,
        final: true,
        status: 'FAILED',
        pspIdempotencyKey: '',
        refundableBefore: 0,
        outcomeUncertain: false,
        failure: null,
        refundReference: '',
      };
      return {
        ...next,
        paymentId: state.paymentId || event.data.paymentId,
        operations: { ...state.operations, [operationId]: { ...record, status: 'FAILED', failure } },
        pendingOperationId: state.pendingOperationId === operationId ? null : state.pendingOperationId,
      };
    }
    case 'AuthorizationOperationOutcomeUnknown': {
      const known = state.operations[event.data.operationId];
      if (!known) return next;
      return {
        ...next,
        operations: { ...state.operations, [known.operationId]: { ...known, outcomeUncertain: true } },
      };
    }
  }
}

/** The operation's new status (captures and voids from before the lifecycle have no operation id). */
function settle(
  state: AuthorizationState,
  operationId: string | undefined,
  status: OperationStatus,
  extra: Partial<OperationRecord> = {},
): AuthorizationState {
  const known = operationId ? state.operations[operationId] : undefined;
  if (!known) return state;
  return {
    ...state,
    operations: { ...state.operations, [known.operationId]: { ...known, ...extra, status } },
    pendingOperationId: state.pendingOperationId === known.operationId ? null : state.pendingOperationId,
  };
}

/** The payment's money as the lifecycle rule of @ivr/contracts reads it. */
export function balanceOf(state: AuthorizationState): Balance {
  const approved = ['APPROVED', 'CAPTURED', 'VOIDED', 'REFUNDED'].includes(state.status);
  return {
    authorized: approved ? (state.amount?.minorUnits ?? 0) : 0,
    captured: state.capturedAmount?.minorUnits ?? 0,
    refunded: state.refundedMinorUnits,
    voided: state.status === 'VOIDED',
    finalCaptured: state.finalCaptured,
  };
}
