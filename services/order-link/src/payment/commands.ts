import type {
  Actor,
  CallEndReason,
  CallMode,
  CardSummary,
  PaymentApprovedPayload,
  PaymentDeclinedPayload,
  PaymentFailedPayload,
  PaymentOperation,
  PaymentRequestedPayload,
} from '@ivr/contracts';

/**
 * What can be asked of a Payment. Times (`at`) and ids come from the caller's injected clock and
 * id generator, so that decide() stays pure. Commands named Record* come from the process manager
 * folding call and authorization events; the others come from the APIs.
 */
export type PaymentCommand =
  | RequestPayment
  | LinkCall
  | RecordCardCaptured
  | RecordAuthorizationApproved
  | RecordAuthorizationDeclined
  | RecordAuthorizationFailed
  | RecordCardRegistered
  | RecordCallEnded
  | CancelPayment
  | ExpireTransferCode
  | RestartField
  | RecordCancelledInIvr
  | RequestOperation
  | RecordOperationSucceeded
  | RecordOperationFailed;

/** The event's request, with the transfer code's lifetime where the event has its expiry, and `at`. */
export interface RequestPayment
  extends Omit<PaymentRequestedPayload, 'pspAccountId' | 'transferCodeExpiresAt' | 'requestedAt'> {
  type: 'RequestPayment';
  /** The order system's PSP account when the payment is requested (`default` without one). */
  pspAccountId: string;
  transferCodeTtlMs: number;
  at: string;
}

export interface LinkCall {
  type: 'LinkCall';
  callId: string;
  callMode: CallMode;
  at: string;
}

export interface RecordCardCaptured {
  type: 'RecordCardCaptured';
  callId: string;
  card: CardSummary;
  at: string;
}

/** authorization's approval, as the event will say it (its stored-card fields come by RecordCardRegistered). */
export interface RecordAuthorizationApproved
  extends Omit<PaymentApprovedPayload, 'paymentId' | 'storedCardReference' | 'customerReference'> {
  type: 'RecordAuthorizationApproved';
}

export interface RecordAuthorizationDeclined extends Omit<PaymentDeclinedPayload, 'paymentId'> {
  type: 'RecordAuthorizationDeclined';
}

export interface RecordAuthorizationFailed extends Omit<PaymentFailedPayload, 'paymentId'> {
  type: 'RecordAuthorizationFailed';
}

export interface RecordCardRegistered {
  type: 'RecordCardRegistered';
  storedCardReference: string;
  customerReference?: string;
  pspReference?: string;
  card?: CardSummary;
  at: string;
}

export interface RecordCallEnded {
  type: 'RecordCallEnded';
  callId: string;
  reason: CallEndReason;
  /** CARD_REJECTED at registration: the PSP's own codes, kept for the merchant. */
  pspCode?: string;
  pspDeclineCode?: string;
  at: string;
}

export interface CancelPayment {
  type: 'CancelPayment';
  by: Actor;
  reason?: string;
  at: string;
}

/** Agent-assisted: the operator on the call asks the IVR to take the card field being keyed again. */
export interface RestartField {
  type: 'RestartField';
  by: Actor;
  at: string;
}

/** call-control stopped the capture of an agent-assisted call for a cancellation asked for (OperatorRequestHandled). */
export interface RecordCancelledInIvr {
  type: 'RecordCancelledInIvr';
  callId: string;
  at: string;
}

/** Sent by the expiry sweeper; a no-op unless the code is unused and past its expiry. */
export interface ExpireTransferCode {
  type: 'ExpireTransferCode';
  at: string;
}

/**
 * Capture, void or refund an approved payment (REST, gRPC, console). Refused when the lifecycle rule says
 * no (naming the field), when another operation is in flight, or when the payment is not approved.
 */
export interface RequestOperation {
  type: 'RequestOperation';
  operationId: string;
  operation: PaymentOperation;
  /** Absent: all that can be captured or refunded. */
  amount?: number;
  /** CAPTURE: the last capture (default true). */
  final?: boolean;
  reason?: string;
  requestedBy: Actor;
  at: string;
}

/** From authorization: the PSP did it. */
export interface RecordOperationSucceeded {
  type: 'RecordOperationSucceeded';
  operationId: string;
  pspReference?: string;
  refundReference?: string;
  at: string;
}

/** From authorization: refused by its rule or the PSP; nothing moved. */
export interface RecordOperationFailed {
  type: 'RecordOperationFailed';
  operationId: string;
  reason: string;
  message: string;
  at: string;
}
