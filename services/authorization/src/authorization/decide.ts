import { isPspAccountId } from '@ivr/contracts';
import type { AuthorizationCommand, GatewayOutcome } from './commands';
import { recordOperationOutcome, requestOperation } from './decide-operation';
import { IdempotencyConflict, InvalidArgument, InvalidState } from './errors';
import { type AuthorizationEvent, CONTRACT_DECLINE_REASON, cardSummary, type Mode } from './events';
import { validateMoney } from './money';
import { checkPaymentId } from './payment-id';
import type { AuthorizationState } from './state';

type RequestAuthorization = Extract<AuthorizationCommand, { type: 'RequestAuthorization' }>;

const TOKEN = /^[A-Za-z0-9_-]{1,255}$/;
const MODES: readonly Mode[] = ['AUTHORIZE', 'CAPTURE', 'REGISTER_CARD'];
const ABANDON_REASON = /^[A-Z][A-Z0-9_]{0,39}$/;
const REFUSAL_CODE = /^[a-z][a-z0-9_]{0,39}$/;

/** Failure code of an authorization abandoned before it was ever requested (see AbandonAuthorization). */
export const ABANDONED_CODE = 'abandoned';

/** The gateway idempotency key of a payment's authorization; each capture, void and refund gets its own. */
export const pspKey = (paymentId: string, step: 'authorize') => `${paymentId}:${step}`;

/**
 * Pure: the events a command produces on the current state, or a domain error. An empty list means
 * "nothing to do" (the same request again, an outcome already recorded): idempotency lives here.
 */
export function decide(command: AuthorizationCommand, state: AuthorizationState): AuthorizationEvent[] {
  switch (command.type) {
    case 'RequestAuthorization':
      return requestAuthorization(command, state);
    case 'RecordGatewayOutcome':
      return recordOutcome(command.outcome, command.at, state);
    case 'AbandonAuthorization':
      return abandon(command, state);
    case 'RefuseAuthorization':
      return refuse(command, state);
    case 'RequestOperation':
      return requestOperation(command, state);
    case 'RecordOperationOutcome':
      return recordOperationOutcome(command.operationId, command.outcome, command.at, state);
  }
}

function refuse(
  command: Extract<AuthorizationCommand, { type: 'RefuseAuthorization' }>,
  state: AuthorizationState,
): AuthorizationEvent[] {
  checkPaymentId(command.paymentId);
  if (!REFUSAL_CODE.test(command.code)) throw new InvalidArgument('code', 'must be a lower-case code');
  if (state.status !== 'NEW') return [];
  const data = {
    paymentId: command.paymentId,
    reason: 'INVALID_REQUEST',
    code: command.code,
    message: command.message,
    retryable: false,
    failedAt: command.at,
  };
  return [{ type: 'AuthorizationFailed', data }];
}

/**
 * Nothing requested yet: record a failure that nothing can undo, so that an Authorize still in flight
 * from the lost call (or a retry of it) finds it and never reaches the gateway. Anything already
 * requested stands: its outcome (or the reconciler, for a pending one) settles the payment.
 */
function abandon(
  command: Extract<AuthorizationCommand, { type: 'AbandonAuthorization' }>,
  state: AuthorizationState,
): AuthorizationEvent[] {
  checkPaymentId(command.paymentId);
  if (!ABANDON_REASON.test(command.reason)) {
    throw new InvalidArgument('reason', 'must be an upper-case code of up to 40 characters, e.g. CALL_LOST');
  }
  if (state.status !== 'NEW') return [];
  return [
    {
      type: 'AuthorizationFailed',
      data: {
        paymentId: command.paymentId,
        reason: command.reason,
        code: ABANDONED_CODE,
        message: `abandoned before an authorization was requested (${command.reason}); nothing was charged`,
        retryable: false,
        failedAt: command.at,
      },
    },
  ];
}

function requestAuthorization(command: RequestAuthorization, state: AuthorizationState): AuthorizationEvent[] {
  const request = validateRequest(command);
  // Fenced by AbandonAuthorization: the recorded failure is the answer, whatever the request says.
  if (state.status === 'FAILED' && state.failure?.code === ABANDONED_CODE) return [];
  if (state.status !== 'NEW') {
    const difference = differenceFrom(state, request);
    if (difference) {
      throw new IdempotencyConflict(
        `payment ${request.paymentId} was already requested with another ${difference}; use a new payment id for a different request`,
      );
    }
    // A failure that left nothing at the gateway may be tried again; anything else is answered as it stands.
    if (!(state.status === 'FAILED' && state.failure?.retryable)) return [];
  }
  return [
    {
      type: 'AuthorizationRequested',
      data: {
        paymentId: request.paymentId,
        mode: request.mode,
        amount: request.amount?.minorUnits ?? 0,
        currency: request.amount?.currency ?? '',
        orderReference: request.orderReference,
        card: cardSummary(request.card),
        cardToken: request.card.pspToken,
        customerReference: request.customerReference,
        ...(request.merchantInitiated ? { merchantInitiated: true } : {}),
        pspAccountId: request.pspAccountId,
        pspIdempotencyKey: pspKey(request.paymentId, 'authorize'),
        attempt: state.attempt + 1,
        requestedAt: command.at,
      },
    },
  ];
}

/** The request as checked: merchantInitiated said either way. */
type ValidRequest = Omit<RequestAuthorization, 'type' | 'at' | 'merchantInitiated'> & { merchantInitiated: boolean };

function validateRequest(c: RequestAuthorization): ValidRequest {
  checkPaymentId(c.paymentId);
  if (!MODES.includes(c.mode)) throw new InvalidArgument('mode', 'must be AUTHORIZE, CAPTURE or REGISTER_CARD');
  if (!c.card?.pspToken) throw new InvalidArgument('card.psp_token', 'is required');
  if (!TOKEN.test(c.card.pspToken)) throw new InvalidArgument('card.psp_token', 'is not a gateway token');
  if (c.customerReference !== null && !TOKEN.test(c.customerReference)) {
    throw new InvalidArgument('customer_reference', 'is not a gateway customer reference');
  }
  if (c.orderReference.length > 200) throw new InvalidArgument('order_reference', 'must be at most 200 characters');
  if (!isPspAccountId(c.pspAccountId))
    throw new InvalidArgument('psp_account_id', 'must be default or a pa_ account id');
  const amountOptional = c.mode === 'REGISTER_CARD' && (c.amount === null || c.amount.minorUnits === 0);
  return {
    paymentId: c.paymentId,
    mode: c.mode,
    amount: amountOptional ? null : validateMoney(c.amount, 'amount'),
    orderReference: c.orderReference,
    card: c.card,
    customerReference: c.customerReference,
    pspAccountId: c.pspAccountId,
    merchantInitiated: c.merchantInitiated === true,
  };
}

/** The first parameter that differs from the recorded request, or null when it is the same request. */
function differenceFrom(state: AuthorizationState, r: ValidRequest): string | null {
  if (state.mode !== r.mode) return 'mode';
  if (state.amount?.minorUnits !== r.amount?.minorUnits || state.amount?.currency !== r.amount?.currency)
    return 'amount';
  if (state.card?.pspToken !== r.card.pspToken) return 'card token';
  if (state.orderReference !== r.orderReference) return 'order reference';
  if (state.customerReference !== r.customerReference) return 'customer reference';
  if (state.pspAccountId !== r.pspAccountId) return 'PSP account';
  if (state.merchantInitiated !== r.merchantInitiated) return 'initiator';
  return null;
}

function recordOutcome(outcome: GatewayOutcome, at: string, state: AuthorizationState): AuthorizationEvent[] {
  // An outcome that arrives after another one was recorded (a duplicate retry, a concurrent call) changes nothing.
  if (state.status !== 'PENDING') return [];
  const paymentId = state.paymentId;
  switch (outcome.kind) {
    case 'approved':
      if (state.mode === 'REGISTER_CARD') throw new InvalidState('a card registration cannot be approved as a payment');
      return [
        {
          type: 'AuthorizationApproved',
          data: {
            paymentId,
            mode: state.mode ?? 'AUTHORIZE',
            amount: outcome.amount.minorUnits,
            currency: outcome.amount.currency,
            pspReference: outcome.pspReference,
            authorizationCode: outcome.authorizationCode,
            captured: outcome.captured,
            ...(state.card ? { card: cardSummary(state.card) } : {}),
            ...(outcome.capabilities ? { capabilities: outcome.capabilities } : {}),
            approvedAt: at,
          },
        },
      ];
    case 'registered':
      return [
        {
          type: 'CardRegistered',
          data: {
            paymentId,
            customerReference: outcome.customerReference,
            storedCardReference: outcome.storedCardReference,
            pspReference: outcome.pspReference,
            ...(state.card ? { card: cardSummary(state.card) } : {}),
            registeredAt: at,
          },
        },
      ];
    case 'declined': {
      const { reason, pspCode, pspDeclineCode, message, pspReference } = outcome;
      return [
        {
          type: 'AuthorizationDeclined',
          data: {
            paymentId,
            reason: CONTRACT_DECLINE_REASON[reason],
            detail: reason,
            pspCode,
            pspDeclineCode,
            message,
            ...(pspReference ? { pspReference } : {}),
            ...(state.card ? { card: cardSummary(state.card) } : {}),
            declinedAt: at,
          },
        },
      ];
    }
    case 'failed': {
      const { code, message, retryable } = outcome;
      // "Not reached" says nothing about an earlier call that went unanswered: stay pending, keep reconciling.
      if (retryable && state.outcomeUncertain) return [];
      const contractReason = code.startsWith('psp_rejected')
        ? 'INVALID_REQUEST'
        : code.startsWith('psp_unavailable')
          ? 'PSP_UNAVAILABLE'
          : 'PSP_ERROR';
      return [
        {
          type: 'AuthorizationFailed',
          data: { paymentId, reason: contractReason, code, message, retryable, failedAt: at },
        },
      ];
    }
    case 'unknown':
      return [
        {
          type: 'AuthorizationOutcomeUnknown',
          data: { paymentId, cause: outcome.cause, message: outcome.message, recordedAt: at },
        },
      ];
  }
}
