import {
  type CallMode,
  type CardSummary,
  callModeOf,
  DEFAULT_PSP_ACCOUNT_ID,
  type Language,
  type PaymentMode,
} from '@ivr/contracts';
import type { Payment, PaymentStatus } from '../payment';

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
  transferCode: string;
  transferCodeExpiresAt: string;
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
    reason?: string;
    pspCode?: string;
    pspDeclineCode?: string;
  } | null;
  card: CardSummary | null;
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
    transferCodeExpiresAt: q.transferCodeExpiresAt,
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
          ...(r.reason ? { reason: r.reason } : {}),
          ...(r.pspCode ? { pspCode: r.pspCode } : {}),
          ...(r.pspDeclineCode ? { pspDeclineCode: r.pspDeclineCode } : {}),
        }
      : null,
    card: p.card ?? null,
  };
}
