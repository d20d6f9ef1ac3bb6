import {
  AuthorizationEventTypes as A,
  type AuthorizationApprovedPayload,
  type AuthorizationCapturedPayload,
  type AuthorizationDeclinedPayload,
  type AuthorizationFailedPayload,
  type AuthorizationOperationFailedPayload,
  type AuthorizationRefundedPayload,
  type AuthorizationVoidedPayload,
  CallEventTypes as C,
  type CallEndedPayload,
  type CallStartedPayload,
  type CardCapturedPayload,
  type CardRegisteredPayload,
  callModeOf,
  type OperatorRequestHandledPayload,
} from '@ivr/contracts';
import type { PaymentCommand } from './commands';

/** A consumed event reduced to what the process manager reads: its type, payload and time. */
export interface ForeignEvent {
  type: string;
  payload: unknown;
  occurredAt: string;
}

export interface Routed {
  paymentId: string;
  command: PaymentCommand;
}

/**
 * Maps a call or authorization event to the Payment command it implies, or null when the event
 * does not concern a payment (other types, or a call whose transfer code was never resolved).
 * Payloads were shape-checked against the contract by the consumer adapter.
 */
export function routeForeignEvent(e: ForeignEvent): Routed | null {
  const at = e.occurredAt;
  switch (e.type) {
    case C.started: {
      const p = e.payload as CallStartedPayload;
      const command = { type: 'LinkCall', callId: p.callId, callMode: callModeOf(p), at } as const;
      return { paymentId: p.paymentId, command };
    }
    case C.cardCaptured: {
      const p = e.payload as CardCapturedPayload;
      const { pspToken: _token, ...card } = p.card;
      return { paymentId: p.paymentId, command: { type: 'RecordCardCaptured', callId: p.callId, card, at } };
    }
    case C.operatorRequestHandled: {
      const p = e.payload as OperatorRequestHandledPayload;
      if (p.request !== 'CANCEL' || p.outcome !== 'DONE') return null;
      return { paymentId: p.paymentId, command: { type: 'RecordCancelledInIvr', callId: p.callId, at } };
    }
    case C.ended: {
      const p = e.payload as CallEndedPayload;
      if (!p.paymentId) return null;
      const decline = p.registrationDecline;
      return {
        paymentId: p.paymentId,
        command: {
          type: 'RecordCallEnded',
          callId: p.callId,
          reason: p.reason,
          ...(decline ? { pspCode: decline.pspCode, pspDeclineCode: decline.pspDeclineCode } : {}),
          at,
        },
      };
    }
    case A.approved: {
      const p = e.payload as AuthorizationApprovedPayload;
      return {
        paymentId: p.paymentId,
        command: {
          type: 'RecordAuthorizationApproved',
          authorizationCode: p.authorizationCode,
          pspReference: p.pspReference,
          captured: p.captured,
          ...(p.card ? { card: p.card } : {}),
          ...(p.capabilities ? { capabilities: p.capabilities } : {}),
          at,
        },
      };
    }
    case A.declined: {
      const p = e.payload as AuthorizationDeclinedPayload;
      return {
        paymentId: p.paymentId,
        command: {
          type: 'RecordAuthorizationDeclined',
          reason: p.reason,
          ...(p.pspCode ? { pspCode: p.pspCode } : {}),
          ...(p.pspDeclineCode ? { pspDeclineCode: p.pspDeclineCode } : {}),
          ...(p.pspReference ? { pspReference: p.pspReference } : {}),
          ...(p.card ? { card: p.card } : {}),
          at,
        },
      };
    }
    case A.failed: {
      const p = e.payload as AuthorizationFailedPayload;
      return { paymentId: p.paymentId, command: { type: 'RecordAuthorizationFailed', reason: p.reason, at } };
    }
    case A.cardRegistered: {
      const p = e.payload as CardRegisteredPayload;
      return {
        paymentId: p.paymentId,
        command: {
          type: 'RecordCardRegistered',
          storedCardReference: p.storedCardReference,
          ...(p.customerReference ? { customerReference: p.customerReference } : {}),
          ...(p.pspReference ? { pspReference: p.pspReference } : {}),
          ...(p.card ? { card: p.card } : {}),
          at,
        },
      };
    }
    case A.captured:
    case A.voided:
    case A.refunded: {
      const p = e.payload as AuthorizationCapturedPayload | AuthorizationVoidedPayload | AuthorizationRefundedPayload;
      // Captures and voids from before operations (no id) were never asked through order-link.
      if (!p.operationId) return null;
      const refundReference = 'refundReference' in p ? p.refundReference : undefined;
      return {
        paymentId: p.paymentId,
        command: {
          type: 'RecordOperationSucceeded',
          operationId: p.operationId,
          pspReference: p.pspReference,
          ...(refundReference ? { refundReference } : {}),
          at,
        },
      };
    }
    case A.operationFailed: {
      const p = e.payload as AuthorizationOperationFailedPayload;
      return {
        paymentId: p.paymentId,
        command: { type: 'RecordOperationFailed', operationId: p.operationId, reason: p.code, message: p.message, at },
      };
    }
    default:
      return null;
  }
}
