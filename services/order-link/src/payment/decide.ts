import { PaymentEventTypes as T } from '@ivr/contracts';
import type { PaymentCommand, RequestPayment } from './commands';
import { recordOperationOutcome, requestOperation } from './decide-operation';
import { PaymentRejected } from './errors';
import type { PaymentEvent } from './events';
import { isTerminal, type Payment, type PaymentState } from './state';

const CURRENCY = /^[A-Z]{3}$/;

/**
 * Decides which events a command produces. Pure: the clock and ids arrive in the command.
 *
 * Commands from the APIs (request, cancel) are refused with PaymentRejected when they do not apply.
 * Commands from the process manager (Record*, LinkCall, ExpireTransferCode) answer [] when they no
 * longer apply (a late or repeated event), because events from different topics arrive in any order
 * and redelivery is normal.
 */
export function decide(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  if (command.type === 'RequestPayment') return request(command, state);
  if (state === null) throw new PaymentRejected('NOT_FOUND', 'payment not found');
  const p: Payment = state;
  const id = p.request.paymentId;
  const open = !isTerminal(p.status);

  switch (command.type) {
    case 'LinkCall':
      if (p.status !== 'REQUESTED') return [];
      return [
        {
          type: T.transferredToIvr,
          data: { paymentId: id, callId: command.callId, callMode: command.callMode, at: command.at },
        },
      ];

    case 'RecordCardCaptured':
      if (p.status !== 'REQUESTED' && p.status !== 'IN_IVR') return [];
      return [
        {
          type: T.cardCaptured,
          data: { paymentId: id, callId: command.callId, card: command.card, at: command.at },
        },
      ];

    case 'RecordAuthorizationApproved':
      // The authorization topic is not ordered with the call topic: an outcome may overtake CardCaptured.
      if (!open || p.request.mode === 'REGISTER_CARD') return [];
      return [
        {
          type: T.approved,
          data: {
            paymentId: id,
            authorizationCode: command.authorizationCode,
            pspReference: command.pspReference,
            captured: command.captured,
            ...(command.card ? { card: command.card } : {}),
            ...(command.capabilities ? { capabilities: command.capabilities } : {}),
            at: command.at,
          },
        },
      ];

    case 'RecordCardRegistered':
      if (!open || p.request.mode !== 'REGISTER_CARD') return [];
      return [
        {
          type: T.approved,
          data: {
            paymentId: id,
            authorizationCode: '',
            pspReference: command.pspReference ?? '',
            captured: false,
            storedCardReference: command.storedCardReference,
            ...(command.customerReference ? { customerReference: command.customerReference } : {}),
            ...(command.card ? { card: command.card } : {}),
            at: command.at,
          },
        },
      ];

    case 'RecordAuthorizationDeclined':
      if (!open) return [];
      return [
        {
          type: T.declined,
          data: {
            paymentId: id,
            reason: command.reason,
            ...(command.pspCode ? { pspCode: command.pspCode } : {}),
            ...(command.pspDeclineCode ? { pspDeclineCode: command.pspDeclineCode } : {}),
            ...(command.pspReference ? { pspReference: command.pspReference } : {}),
            ...(command.card ? { card: command.card } : {}),
            at: command.at,
          },
        },
      ];

    case 'RecordAuthorizationFailed':
      if (!open) return [];
      return [{ type: T.failed, data: { paymentId: id, reason: command.reason, at: command.at } }];

    case 'RecordCallEnded':
      // Once a card is captured the authorization outcome is still coming: the call ending is normal.
      if (p.status !== 'IN_IVR' || p.callId !== command.callId) return [];
      return [
        {
          type: T.abandoned,
          data: {
            paymentId: id,
            callId: command.callId,
            callEndReason: command.reason,
            ...(command.pspCode ? { pspCode: command.pspCode } : {}),
            ...(command.pspDeclineCode ? { pspDeclineCode: command.pspDeclineCode } : {}),
            at: command.at,
          },
        },
      ];

    case 'CancelPayment':
      if (p.status === 'CANCELLED') return [];
      if (p.request.storedCard && p.status === 'REQUESTED') {
        throw new PaymentRejected(
          'INVALID_STATE',
          'the stored card is being charged at the PSP and can no longer be cancelled; void or refund it once approved',
        );
      }
      if (p.status === 'IN_IVR' && p.callMode === 'AGENT_ASSISTED' && p.callId) {
        // The operator is on the call: the IVR stops the capture and tells the caller, then it is cancelled.
        if (p.cancellation) return [];
        return [
          {
            type: T.cancellationRequested,
            data: {
              paymentId: id,
              callId: p.callId,
              requestedBy: command.by,
              ...(command.reason ? { reason: command.reason } : {}),
              at: command.at,
            },
          },
        ];
      }
      if (p.status !== 'REQUESTED') {
        throw new PaymentRejected(
          'INVALID_STATE',
          isTerminal(p.status)
            ? `payment is already ${p.status.toLowerCase()}`
            : 'payment is in progress in the IVR and can no longer be cancelled',
        );
      }
      return [
        {
          type: T.cancelled,
          data: {
            paymentId: id,
            cancelledBy: command.by,
            ...(command.reason ? { reason: command.reason } : {}),
            at: command.at,
          },
        },
      ];

    case 'RestartField':
      if (p.status !== 'IN_IVR' || p.callMode !== 'AGENT_ASSISTED' || !p.callId) {
        throw new PaymentRejected(
          'INVALID_STATE',
          p.status === 'IN_IVR'
            ? 'only an agent-assisted call can be restarted from here: the operator is not on this call'
            : `the caller is not keying the card now (the payment is ${p.status.toLowerCase()})`,
        );
      }
      return [
        {
          type: T.fieldRestartRequested,
          data: { paymentId: id, callId: p.callId, requestedBy: command.by, at: command.at },
        },
      ];

    case 'RecordCancelledInIvr':
      if (!open || !p.cancellation || p.callId !== command.callId) return [];
      return [
        {
          type: T.cancelled,
          data: {
            paymentId: id,
            cancelledBy: p.cancellation.by,
            ...(p.cancellation.reason ? { reason: p.cancellation.reason } : {}),
            at: command.at,
          },
        },
      ];

    case 'ExpireTransferCode':
      // A merchant-initiated charge has no transfer code: authorization's answer ends it.
      if (p.request.storedCard) return [];
      if (p.status !== 'REQUESTED' || Date.parse(command.at) < Date.parse(p.request.transferCodeExpiresAt)) return [];
      return [{ type: T.expired, data: { paymentId: id, transferCode: p.request.transferCode, at: command.at } }];

    case 'RequestOperation':
      return requestOperation(command, p);

    case 'RecordOperationSucceeded':
    case 'RecordOperationFailed':
      return recordOperationOutcome(command, p);
  }
}

function request(c: RequestPayment, state: PaymentState): PaymentEvent[] {
  if (state !== null) throw new PaymentRejected('ALREADY_EXISTS', 'payment already exists');
  if (!Number.isSafeInteger(c.amount) || c.amount < 0) {
    throw new PaymentRejected('INVALID_ARGUMENT', 'amount must be a non-negative integer in minor units', 'amount');
  }
  if (c.amount === 0 && c.mode !== 'REGISTER_CARD') {
    throw new PaymentRejected('INVALID_ARGUMENT', 'amount must be positive unless mode is REGISTER_CARD', 'amount');
  }
  if (!CURRENCY.test(c.currency))
    throw new PaymentRejected('INVALID_ARGUMENT', 'currency must be an ISO 4217 code', 'currency');
  if (c.orderId.length === 0) throw new PaymentRejected('INVALID_ARGUMENT', 'orderId must not be empty', 'orderId');
  if (!c.storedCard && !c.returnSipAddress.startsWith('sip:') && !c.returnSipAddress.startsWith('sips:')) {
    throw new PaymentRejected('INVALID_ARGUMENT', 'returnSipAddress must be a sip: or sips: URI', 'returnSipAddress');
  }
  if (!(c.transferCodeTtlMs > 0))
    throw new PaymentRejected('INVALID_ARGUMENT', 'transfer code lifetime must be positive');
  if (c.storedCard && c.mode === 'REGISTER_CARD') {
    throw new PaymentRejected(
      'INVALID_ARGUMENT',
      'a stored card is charged in mode AUTHORIZE or CAPTURE; REGISTER_CARD registers a new one by phone',
      'mode',
    );
  }
  return [
    {
      type: T.requested,
      data: {
        paymentId: c.paymentId,
        orderId: c.orderId,
        orderSystem: c.orderSystem,
        pspAccountId: c.pspAccountId,
        amount: c.amount,
        currency: c.currency,
        description: c.description,
        mode: c.mode,
        language: c.language,
        returnSipAddress: c.returnSipAddress,
        callMode: c.callMode,
        metadata: c.metadata,
        transferCode: c.storedCard ? '' : c.transferCode,
        // No call for a stored card: its (absent) code is expired from the start.
        transferCodeExpiresAt: c.storedCard ? c.at : new Date(Date.parse(c.at) + c.transferCodeTtlMs).toISOString(),
        requestedBy: c.requestedBy,
        requestedAt: c.at,
        ...(c.storedCard ? { storedCard: c.storedCard } : {}),
      },
    },
  ];
}
