import { callModeOf } from '@ivr/contracts';
import { requestView } from '../../../app/payment-view';
import { balanceView } from '../../../payment';
import type { ConsolePayment } from '../../pg/console-queries';

/**
 * What of a payment or event reaches the operator's browser. Allow-lists, not deny-lists: a field
 * added to an event later stays on the server until someone decides the screen may have it. No card
 * digit (not even BIN or last four) is sent: the operator confirms a card by brand and expiry.
 */
type Json = Record<string, unknown>;

const pick = (o: Json, keys: string[]): Json =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));

export function cardForScreen(card: unknown): Json | null {
  if (!card || typeof card !== 'object') return null;
  return pick(card as Json, ['brand', 'expiryMonth', 'expiryYear']);
}

const FIELDS: Record<string, string[]> = {
  PaymentRequested: [
    'orderId',
    'amount',
    'currency',
    'description',
    'mode',
    'language',
    'transferCode',
    'transferCodeExpiresAt',
  ],
  PaymentTransferredToIvr: ['callId'],
  PaymentCardCaptured: ['callId'],
  PaymentApproved: ['authorizationCode', 'pspReference', 'captured', 'storedCardReference'],
  PaymentDeclined: ['reason', 'pspCode'],
  PaymentFailed: ['reason'],
  PaymentCancelled: ['reason', 'cancelledBy'],
  PaymentExpired: [],
  PaymentAbandoned: ['callEndReason'],
  PaymentFieldRestartRequested: [],
  PaymentCancellationRequested: ['reason'],
  PaymentOperationRequested: ['operationId', 'operation', 'amount', 'currency', 'final', 'reason'],
  PaymentOperationSucceeded: ['operationId', 'operation', 'amount', 'currency', 'final', 'refundReference'],
  PaymentOperationFailed: ['operationId', 'operation', 'reason', 'message'],
  PaymentViewed: ['via'],
  CallStarted: ['callId'],
  CallStepEntered: ['step'],
  CaptureProgressed: ['field', 'digitsEntered', 'brand', 'valid', 'invalidReason', 'attemptsLeft'],
  CardCaptured: [],
  CallEnded: ['reason'],
  CallReturnedToOperator: ['method', 'outcome', 'sipStatus'],
  OperatorLegAnswered: ['purpose'],
  OperatorLegFailed: ['purpose', 'reason', 'sipStatus'],
  OperatorLegEnded: ['reason'],
  OperatorRequestHandled: ['request', 'outcome', 'field'],
};

/** Types whose call mode the screen shows, read the one way that also understands older events. */
const WITH_CALL_MODE = new Set(['PaymentRequested', 'PaymentTransferredToIvr', 'CallStarted']);

/** An event's data as the screen may see it; unknown types carry nothing. */
export function eventDataForScreen(type: string, data: unknown): Json {
  if (!data || typeof data !== 'object') return {};
  const d = data as Json;
  const out = pick(d, FIELDS[type] ?? []);
  if (WITH_CALL_MODE.has(type)) out.callMode = callModeOf(d);
  const card = cardForScreen(d.card);
  if (card) out.card = card;
  return out;
}

export function paymentForScreen(p: ConsolePayment) {
  const q = p.payment.request;
  const r = p.payment.result;
  return {
    ...requestView(p.payment),
    /** Agent-assisted, in the IVR: a cancellation was asked of the IVR and is not done yet. */
    cancellationRequested: p.payment.cancellation !== undefined && p.payment.status === 'IN_IVR',
    transferCodeExpiresAt: q.transferCodeExpiresAt,
    operatorId: p.operatorId,
    operatorName: p.operatorName,
    card: cardForScreen(p.payment.card),
    result: r
      ? pick(r as unknown as Json, [
          'outcome',
          'authorizationCode',
          'pspReference',
          'captured',
          'storedCardReference',
          'reason',
          'pspCode',
          'pspDeclineCode',
          'completedAt',
        ])
      : null,
    /** Approved in mode AUTHORIZE or CAPTURE: where the money stands, and each capture, void and refund. */
    balance: balanceView(p.payment),
    operations: (p.payment.lifecycle?.operations ?? []).map((op) => ({
      operationId: op.operationId,
      operation: op.operation,
      status: op.status,
      amount: op.amount,
      final: op.final,
      reason: op.reason ?? null,
      failureReason: op.failure?.reason ?? null,
      refundReference: op.refundReference ?? null,
      requestedAt: op.requestedAt,
      completedAt: op.completedAt ?? null,
    })),
  };
}

export type ScreenPayment = ReturnType<typeof paymentForScreen>;
