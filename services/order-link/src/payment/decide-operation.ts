// What an approved payment's money becomes: captures, voids and refunds asked for (the lifecycle rule
// of @ivr/contracts) and what authorization answered. decide() hands these commands here.
import { isRefusal, resolveOperation, PaymentEventTypes as T } from '@ivr/contracts';
import type { RecordOperationFailed, RecordOperationSucceeded, RequestOperation } from './commands';
import { PaymentRejected } from './errors';
import type { PaymentEvent } from './events';
import { operationOf, type Payment, pendingOperation } from './state';

/**
 * A capture, void or refund, decided on the payment's money by the lifecycle rule of @ivr/contracts (the
 * same rule authorization applies before calling the PSP): refused here, naming the field, nothing is sent.
 * The same operation id again is answered as it stands (its Idempotency-Key was checked by the caller).
 */
export function requestOperation(c: RequestOperation, p: Payment): PaymentEvent[] {
  const known = operationOf(p, c.operationId);
  if (known) {
    if (known.operation !== c.operation) {
      throw new PaymentRejected('ALREADY_EXISTS', `operation ${c.operationId} is a ${known.operation.toLowerCase()}`);
    }
    return [];
  }
  const what = c.operation.toLowerCase();
  if (p.status !== 'APPROVED') {
    throw new PaymentRejected(
      'INVALID_STATE',
      `the payment is ${p.status.toLowerCase()}: only an approved payment can be captured, voided or refunded`,
    );
  }
  if (!p.lifecycle) {
    throw new PaymentRejected('INVALID_STATE', `a card registration moves no money: there is nothing to ${what}`);
  }
  const pending = pendingOperation(p);
  if (pending) {
    throw new PaymentRejected(
      'INVALID_STATE',
      `${pending.operation.toLowerCase()} ${pending.operationId} of this payment is still pending; one at a time, retry once it has settled`,
    );
  }
  const resolved = resolveOperation(p.lifecycle.balance, p.lifecycle.capabilities, c);
  if (isRefusal(resolved)) {
    throw resolved.kind === 'invalid_argument'
      ? new PaymentRejected('INVALID_ARGUMENT', resolved.message, resolved.field)
      : new PaymentRejected('INVALID_STATE', resolved.message);
  }
  return [
    {
      type: T.operationRequested,
      data: {
        paymentId: p.request.paymentId,
        operationId: c.operationId,
        operation: resolved.operation,
        amount: resolved.amount,
        currency: p.request.currency,
        final: resolved.final,
        ...(c.reason ? { reason: c.reason } : {}),
        requestedBy: c.requestedBy,
        at: c.at,
      },
    },
  ];
}

/** authorization's answer to a pending operation; [] when it is not pending (a late or repeated event). */
export function recordOperationOutcome(
  c: RecordOperationSucceeded | RecordOperationFailed,
  p: Payment,
): PaymentEvent[] {
  const op = operationOf(p, c.operationId);
  if (op?.status !== 'PENDING') return [];
  const id = p.request.paymentId;
  if (c.type === 'RecordOperationSucceeded') {
    return [
      {
        type: T.operationSucceeded,
        data: {
          paymentId: id,
          operationId: op.operationId,
          operation: op.operation,
          amount: op.amount,
          currency: p.request.currency,
          final: op.final,
          ...(c.pspReference ? { pspReference: c.pspReference } : {}),
          ...(c.refundReference ? { refundReference: c.refundReference } : {}),
          at: c.at,
        },
      },
    ];
  }
  return [
    {
      type: T.operationFailed,
      data: {
        paymentId: id,
        operationId: op.operationId,
        operation: op.operation,
        reason: c.reason,
        message: c.message,
        at: c.at,
      },
    },
  ];
}
