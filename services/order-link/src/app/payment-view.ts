import {
  type CallMode,
  type CardSummary,
  callModeOf,
  DEFAULT_PSP_ACCOUNT_ID,
  type Language,
  type PaymentLifecyclePayload,
  type PaymentMode,
} from '@ivr/contracts';
import { balanceView, type Payment, type PaymentStatus } from '../payment';

/** A payment as the REST API answers it (the OpenAPI `Payment` schema). */
export interface PaymentView {
  paymentId: string;
  orderId: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  description: string;
  mode: PaymentMode;
  language: Language;
  returnSipAddress: string;
  callMode: CallMode;
  metadata: Record<string, string>;
  /** Empty for a stored-card charge (no call). */
  transferCode: string;
  transferCodeExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** The order system the payment belongs to, and the PSP account (merchant) it is paid with. */
  orderSystem: string;
  pspAccountId: string;
  outcome: {
    authorizationCode?: string;
    pspReference?: string;
    captured?: boolean;
    storedCardReference?: string;
    customerReference?: string;
    reason?: string;
    pspCode?: string;
    pspDeclineCode?: string;
  } | null;
  card: CardSummary | null;
  /** Modes AUTHORIZE and CAPTURE, once approved: what was captured and refunded, and what still can be. */
  balance: PaymentLifecyclePayload['balance'] | null;
  /** A merchant-initiated charge: the stored card it charged. */
  storedCard: { storedCardReference: string; registrationPaymentId: string } | null;
}

export function toPaymentView(p: Payment): PaymentView {
  const q = p.request;
  const r = p.result;
  return {
    paymentId: q.paymentId,
    orderId: q.orderId,
    status: p.status,
    amount: q.amount,
    currency: q.currency,
    description: q.description,
    mode: q.mode,
    language: q.language,
    returnSipAddress: q.returnSipAddress,
    callMode: callModeOf(q),
    metadata: q.metadata,
    transferCode: q.transferCode,
    transferCodeExpiresAt: q.storedCard ? null : q.transferCodeExpiresAt,
    createdAt: q.requestedAt,
    updatedAt: p.updatedAt,
    completedAt: r?.completedAt ?? null,
    orderSystem: q.orderSystem,
    pspAccountId: q.pspAccountId ?? DEFAULT_PSP_ACCOUNT_ID,
    outcome: r
      ? {
          ...(r.authorizationCode ? { authorizationCode: r.authorizationCode } : {}),
          ...(r.pspReference ? { pspReference: r.pspReference } : {}),
          ...(r.outcome === 'APPROVED' && r.captured !== undefined ? { captured: r.captured } : {}),
          ...(r.storedCardReference ? { storedCardReference: r.storedCardReference } : {}),
          ...(r.customerReference ? { customerReference: r.customerReference } : {}),
          ...(r.reason ? { reason: r.reason } : {}),
          ...(r.pspCode ? { pspCode: r.pspCode } : {}),
          ...(r.pspDeclineCode ? { pspDeclineCode: r.pspDeclineCode } : {}),
        }
      : null,
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
