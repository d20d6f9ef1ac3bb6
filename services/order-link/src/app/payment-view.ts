import {
  type CardSummary,
  callModeOf,
  DEFAULT_PSP_ACCOUNT_ID,
  type PaymentLifecyclePayload,
  type PaymentRequestedPayload,
  type PaymentResultDetails,
} from '@ivr/contracts';
import { balanceView, type Payment, type PaymentStatus, resultDetails } from '../payment';

/** A payment as the REST API answers it (the OpenAPI `Payment` schema): the request as the event holds it, and what became of it. */
export interface PaymentView
  extends Pick<
    PaymentRequestedPayload,
    | 'paymentId'
    | 'orderId'
    | 'amount'
    | 'currency'
    | 'description'
    | 'mode'
    | 'language'
    | 'returnSipAddress'
    | 'callMode'
    | 'metadata'
    | 'transferCode'
    | 'orderSystem'
  > {
  status: PaymentStatus;
  /** Empty for a stored-card charge (no call), as is `transferCode`. */
  transferCodeExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** The PSP account (merchant) the payment is paid with. */
  pspAccountId: string;
  outcome: PaymentResultDetails | null;
  card: CardSummary | null;
  /** Modes AUTHORIZE and CAPTURE, once approved: what was captured and refunded, and what still can be. */
  balance: PaymentLifecyclePayload['balance'] | null;
  /** A merchant-initiated charge: the stored card it charged. */
  storedCard: { storedCardReference: string; registrationPaymentId: string } | null;
}

/** What the REST API and the operator console both show of a payment: its request, status and times. */
export function requestView(p: Payment) {
  const q = p.request;
  return {
    paymentId: q.paymentId,
    orderId: q.orderId,
    orderSystem: q.orderSystem,
    pspAccountId: q.pspAccountId ?? DEFAULT_PSP_ACCOUNT_ID,
    status: p.status,
    amount: q.amount,
    currency: q.currency,
    description: q.description,
    mode: q.mode,
    language: q.language,
    returnSipAddress: q.returnSipAddress,
    callMode: callModeOf(q),
    transferCode: q.transferCode,
    createdAt: q.requestedAt,
    updatedAt: p.updatedAt,
  };
}

export function toPaymentView(p: Payment): PaymentView {
  const q = p.request;
  const r = p.result;
  return {
    ...requestView(p),
    metadata: q.metadata,
    transferCodeExpiresAt: q.storedCard ? null : q.transferCodeExpiresAt,
    completedAt: r?.completedAt ?? null,
    outcome: r ? resultDetails(r) : null,
    card: p.card ?? null,
    balance: balanceView(p),
    storedCard: q.storedCard
      ? {
          storedCardReference: q.storedCard.storedCardReference,
          registrationPaymentId: q.storedCard.registrationPaymentId,
        }
      : null,
  };
}
