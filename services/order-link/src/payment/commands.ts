import type { Actor, CallEndReason, CallMode, CardSummary, DeclineReason, Language, PaymentMode } from '@ivr/contracts';

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
  | RecordCancelledInIvr;

export interface RequestPayment {
  type: 'RequestPayment';
  paymentId: string;
  orderId: string;
  orderSystem: string;
  /** The order system's PSP account when the payment is requested (`default` without one). */
  pspAccountId: string;
  amount: number;
  currency: string;
  description: string;
  mode: PaymentMode;
  language: Language;
  returnSipAddress: string;
  callMode: CallMode;
  metadata: Record<string, string>;
  transferCode: string;
  transferCodeTtlMs: number;
  requestedBy: Actor;
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

export interface RecordAuthorizationApproved {
  type: 'RecordAuthorizationApproved';
  authorizationCode: string;
  pspReference: string;
  captured: boolean;
  card?: CardSummary;
  at: string;
}

export interface RecordAuthorizationDeclined {
  type: 'RecordAuthorizationDeclined';
  reason: DeclineReason;
  pspCode?: string;
  pspDeclineCode?: string;
  pspReference?: string;
  card?: CardSummary;
  at: string;
}

export interface RecordAuthorizationFailed {
  type: 'RecordAuthorizationFailed';
  reason: string;
  at: string;
}

export interface RecordCardRegistered {
  type: 'RecordCardRegistered';
  storedCardReference: string;
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
