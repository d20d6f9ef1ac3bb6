// Captures, voids and refunds of an approved authorization: asked for (the lifecycle rule of
// @ivr/contracts, each with its own gateway idempotency key) and what the gateway answered.
import { isRefusal, resolveOperation } from '@ivr/contracts';
import type { AuthorizationCommand, OperationOutcome } from './commands';
import { IdempotencyConflict, InvalidArgument } from './errors';
import type { AuthorizationEvent } from './events';
import { checkPaymentId } from './payment-id';
import { type AuthorizationState, balanceOf } from './state';

const OPERATION_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

/** The gateway idempotency key of one operation: `<payment id>:capture:<operation id>` and so on. */
export const operationKey = (paymentId: string, operation: string, operationId: string) =>
  `${paymentId}:${operation.toLowerCase()}:${operationId}`;

/** The failure code of an operation the lifecycle rule refused before anything was sent. */
export const REFUSED_CODE = 'refused';

/**
 * A capture, void or refund: the same operation id again is answered as it stands; another one while one
 * is in flight, or one the lifecycle rule refuses, is recorded as failed (nothing is sent to the gateway).
 */
export function requestOperation(
  c: Extract<AuthorizationCommand, { type: 'RequestOperation' }>,
  state: AuthorizationState,
): AuthorizationEvent[] {
  checkPaymentId(c.paymentId);
  if (!OPERATION_ID.test(c.operationId)) {
    throw new InvalidArgument('operation_id', 'must be 1-100 characters of letters, digits and _ . : -');
  }
  if (c.amount && c.amount.currency !== state.amount?.currency && state.amount) {
    throw new InvalidArgument('amount.currency', `must be the payment's currency ${state.amount.currency}`);
  }
  const known = state.operations[c.operationId];
  if (known) {
    const same =
      known.operation === c.operation &&
      (c.amount === null || known.amount === c.amount.minorUnits || known.status === 'FAILED') &&
      (c.final === undefined || known.final === c.final || known.status === 'FAILED');
    if (!same) {
      throw new IdempotencyConflict(
        `operation ${c.operationId} of payment ${state.paymentId} was asked with other parameters; use a new operation id`,
      );
    }
    return [];
  }
  const paymentId = state.paymentId || c.paymentId;
  const refused = (message: string, field?: string): AuthorizationEvent[] => [
    {
      type: 'AuthorizationOperationFailed',
      data: {
        paymentId,
        operationId: c.operationId,
        operation: c.operation,
        code: REFUSED_CODE,
        message,
        ...(field ? { field } : {}),
        failedAt: c.at,
      },
    },
  ];
  if (!['APPROVED', 'CAPTURED', 'VOIDED', 'REFUNDED'].includes(state.status) || state.mode === 'REGISTER_CARD') {
    const what = state.status === 'NEW' ? 'has no authorization here' : `is ${state.status.toLowerCase()}`;
    return refused(`payment ${paymentId} ${what}: only an approved payment can be captured, voided or refunded`);
  }
  if (state.pendingOperationId) {
    return refused(`operation ${state.pendingOperationId} of this payment is still pending; one at a time`);
  }
  const resolved = resolveOperation(balanceOf(state), state.capabilities ?? c.capabilities, {
    operation: c.operation,
    amount: c.amount?.minorUnits,
    final: c.final,
  });
  if (isRefusal(resolved)) return refused(resolved.message, resolved.field);
  return [
    {
      type: 'AuthorizationOperationRequested',
      data: {
        paymentId,
        operationId: c.operationId,
        operation: resolved.operation,
        amount: resolved.amount,
        currency: state.amount?.currency ?? '',
        final: resolved.final,
        pspIdempotencyKey: operationKey(paymentId, resolved.operation, c.operationId),
        refundableBefore: balanceOf(state).captured - state.refundedMinorUnits,
        requestedAt: c.at,
      },
    },
  ];
}

export function recordOperationOutcome(
  operationId: string,
  outcome: OperationOutcome,
  at: string,
  state: AuthorizationState,
): AuthorizationEvent[] {
  const op = state.operations[operationId];
  // Settled already (a duplicate retry, the reconciler and a late answer racing): nothing more to record.
  if (op?.status !== 'PENDING') return [];
  const paymentId = state.paymentId;
  const currency = state.amount?.currency ?? '';
  switch (outcome.kind) {
    case 'done':
      switch (op.operation) {
        case 'CAPTURE':
          return [
            {
              type: 'AuthorizationCaptured',
              data: {
                paymentId,
                operationId,
                pspReference: outcome.pspReference,
                amount: op.amount,
                currency,
                final: op.final,
                capturedAt: at,
              },
            },
          ];
        case 'VOID':
          return [
            {
              type: 'AuthorizationVoided',
              data: { paymentId, operationId, pspReference: outcome.pspReference, voidedAt: at },
            },
          ];
        case 'REFUND':
          return [
            {
              type: 'AuthorizationRefunded',
              data: {
                paymentId,
                operationId,
                pspReference: outcome.pspReference,
                refundReference: outcome.refundReference ?? '',
                amount: op.amount,
                currency,
                refundedAt: at,
              },
            },
          ];
      }
      break;
    case 'failed':
      // Not sent (PSP unreachable, breaker open, account unreadable): the reconciler sends it again with the same key.
      if (outcome.retryable) return [];
      return [
        {
          type: 'AuthorizationOperationFailed',
          data: {
            paymentId,
            operationId,
            operation: op.operation,
            code: outcome.code,
            message: outcome.message,
            failedAt: at,
          },
        },
      ];
    case 'unknown':
      if (op.outcomeUncertain) return [];
      return [
        {
          type: 'AuthorizationOperationOutcomeUnknown',
          data: { paymentId, operationId, cause: outcome.cause, message: outcome.message, recordedAt: at },
        },
      ];
  }
  return [];
}
