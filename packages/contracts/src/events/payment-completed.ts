import type { Language, PaymentMode, PaymentOutcome } from '../vocabulary';

/**
 * The public event on `ivr.payment-completed.v1`: one per terminal outcome, key = order id,
 * envelope type `PaymentCompleted`, aggregateType `Payment`, aggregateId = payment id.
 * Documented for order systems in docs/api/asyncapi.yaml and docs/api/schemas/payment-completed.v1.json;
 * webhooks carry the same payload. Never card data: brand, BIN6, last 4 and expiry only.
 */
export const PAYMENT_COMPLETED_TYPE = 'PaymentCompleted';

/** What a payment's outcome says beyond its kind: each field only where the outcome has it. */
export interface PaymentResultDetails {
  /** APPROVED in modes AUTHORIZE/CAPTURE only. */
  authorizationCode?: string;
  pspReference?: string;
  /** APPROVED in mode CAPTURE. */
  captured?: boolean;
  /**
   * APPROVED in mode REGISTER_CARD: the PSP's stored-card reference. A later payment with
   * `storedCard.storedCardReference` charges it without a call (merchant-initiated).
   */
  storedCardReference?: string;
  /** APPROVED in mode REGISTER_CARD: the PSP's customer holding the stored card (Stripe customer; GMO-PG MemberID). */
  customerReference?: string;
  /** DECLINED: normalized reason (see authorizations.ts); FAILED/ABANDONED/CANCELLED: why. */
  reason?: string;
  /**
   * DECLINED, or ABANDONED with reason CARD_REJECTED (refused at card registration): the PSP's own code and
   * detail (Stripe code/decline_code; GMO-PG ErrCode/ErrInfo).
   */
  pspCode?: string;
  pspDeclineCode?: string;
}

export interface PaymentCompletedPayload extends PaymentResultDetails {
  paymentId: string;
  orderId: string;
  orderSystem: string;
  /** The PSP account (merchant) the payment was paid with: `default` or the order system's `pa_...` id. */
  pspAccountId?: string;
  outcome: PaymentOutcome;
  mode: PaymentMode;
  language: Language;
  /** Minor units of `currency` (JPY 1200 = 1,200 yen; USD 1200 = 12.00 dollars). */
  amount: number;
  currency: string;
  card?: {
    brand: string;
    bin6: string;
    last4: string;
    expiryMonth: number;
    expiryYear: number;
  };
  /** Set when the payment charged a stored card without a call (merchant-initiated). */
  storedCard?: { storedCardReference: string; registrationPaymentId: string };
  metadata: Record<string, string>;
  requestedAt: string;
  completedAt: string;
}
