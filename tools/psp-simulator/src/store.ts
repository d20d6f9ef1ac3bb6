import type { CardBrand, CardOutcome } from './test-cards';

/**
 * What the simulator remembers, in memory only. A payment method keeps brand, BIN, last 4, expiry and
 * the outcome class of its test card: the card number and security code are dropped as soon as the
 * request is parsed.
 */
export interface StoredPaymentMethod {
  id: string;
  created: number;
  brand: CardBrand;
  bin: string;
  last4: string;
  expMonth: number;
  expYear: number;
  outcome: CardOutcome;
  customer: string | null;
  metadata: Record<string, string>;
  /** Stripe refuses a second payment with a payment method that was used without being attached to a customer. */
  usedWithoutCustomer: boolean;
}

export type PaymentIntentStatus =
  | 'requires_payment_method'
  | 'requires_confirmation'
  | 'requires_capture'
  | 'succeeded'
  | 'canceled';

export interface LastPaymentError {
  type: 'card_error';
  code: string;
  decline_code: string;
  message: string;
}

export interface StoredPaymentIntent {
  id: string;
  created: number;
  amount: number;
  amountCapturable: number;
  amountReceived: number;
  currency: string;
  captureMethod: 'automatic' | 'manual';
  status: PaymentIntentStatus;
  paymentMethod: string | null;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  moto: boolean;
  offSession: boolean;
  latestCharge: string | null;
  /** The issuer's approval code of the latest charge (six digits; empty when declined). */
  authorizationCode: string;
  lastPaymentError: LastPaymentError | null;
  canceledAt: number | null;
  cancellationReason: string | null;
  /** The Idempotency-Key of the request that confirmed it, for the charge counts. */
  idempotencyKey: string | null;
  /** Given back so far by refunds (at most amountReceived). */
  amountRefunded: number;
  /**
   * Stripe's multicapture (`payment_method_options[card][request_multicapture]=if_available`, always
   * available here): captures with `final_capture=false` keep the rest capturable.
   */
  multicapture: boolean;
}

export interface StoredRefund {
  id: string;
  created: number;
  paymentIntent: string;
  paymentId: string | null;
  amount: number;
  currency: string;
  reason: string | null;
  metadata: Record<string, string>;
  idempotencyKey: string | null;
}

/** Where a payment's money stands at the simulator (`GET /_sim/ledger`), summed over its intents. */
export interface LedgerSummary {
  /** Successful confirmations (money reserved or taken): above 1 is a double charge. */
  charges: number;
  /** Reserved now, not captured (requires_capture). */
  held: number;
  /** Captured and not refunded. */
  settled: number;
  /** Given back by refunds. */
  refunded: number;
  /** Refunds made (each refund call that moved money). */
  refunds: number;
  /** An authorization released (canceled). */
  cancelled: boolean;
}

export interface StoredCustomer {
  id: string;
  created: number;
  email: string | null;
  name: string | null;
  description: string | null;
  metadata: Record<string, string>;
}

export interface StoredSetupIntent {
  id: string;
  created: number;
  status: 'requires_payment_method' | 'requires_confirmation' | 'succeeded' | 'canceled';
  paymentMethod: string | null;
  customer: string | null;
  usage: 'off_session' | 'on_session';
  moto: boolean;
  metadata: Record<string, string>;
  lastSetupError: LastPaymentError | null;
}

/** One successful confirmation of a payment intent: money the cardholder would see reserved or taken. */
export interface ChargeRecord {
  paymentIntent: string;
  idempotencyKey: string | null;
  /** metadata[payment_id] of the intent, the platform's own idempotency key. */
  paymentId: string | null;
  amount: number;
  currency: string;
  moto: boolean;
}

export class SimulatorStore {
  readonly paymentMethods = new Map<string, StoredPaymentMethod>();
  readonly paymentIntents = new Map<string, StoredPaymentIntent>();
  readonly customers = new Map<string, StoredCustomer>();
  readonly setupIntents = new Map<string, StoredSetupIntent>();
  readonly charges: ChargeRecord[] = [];
  readonly refunds: StoredRefund[] = [];

  reset(): void {
    this.refunds.length = 0;
    this.paymentMethods.clear();
    this.paymentIntents.clear();
    this.customers.clear();
    this.setupIntents.clear();
    this.charges.length = 0;
  }

  /** Counts for `GET /_sim/charges`; a key or intent above 1 is a double charge. */
  chargeCounts() {
    const byIdempotencyKey: Record<string, number> = {};
    const byPaymentIntent: Record<string, number> = {};
    const byPaymentId: Record<string, number> = {};
    for (const c of this.charges) {
      if (c.idempotencyKey) byIdempotencyKey[c.idempotencyKey] = (byIdempotencyKey[c.idempotencyKey] ?? 0) + 1;
      byPaymentIntent[c.paymentIntent] = (byPaymentIntent[c.paymentIntent] ?? 0) + 1;
      if (c.paymentId) byPaymentId[c.paymentId] = (byPaymentId[c.paymentId] ?? 0) + 1;
    }
    return { total: this.charges.length, byIdempotencyKey, byPaymentIntent, byPaymentId, charges: this.charges };
  }

  /**
   * Per payment id (metadata[payment_id]): what the PSP holds, took and gave back, for property tests
   * that compare it with the product's own ledger.
   */
  ledger(): Record<string, LedgerSummary> {
    const ledger: Record<string, LedgerSummary> = {};
    const of = (paymentId: string) => {
      ledger[paymentId] ??= { charges: 0, held: 0, settled: 0, refunded: 0, refunds: 0, cancelled: false };
      return ledger[paymentId];
    };
    for (const c of this.charges) if (c.paymentId) of(c.paymentId).charges += 1;
    for (const r of this.refunds) if (r.paymentId) of(r.paymentId).refunds += 1;
    for (const pi of this.paymentIntents.values()) {
      const paymentId = pi.metadata.payment_id;
      if (!paymentId) continue;
      const entry = of(paymentId);
      if (pi.status === 'requires_capture') entry.held += pi.amountCapturable;
      // A multicapture intent takes money while it still holds the rest.
      if (pi.status === 'succeeded' || pi.status === 'requires_capture')
        entry.settled += pi.amountReceived - pi.amountRefunded;
      entry.refunded += pi.amountRefunded;
      if (pi.status === 'canceled' && pi.latestCharge && pi.lastPaymentError === null) entry.cancelled = true;
    }
    return ledger;
  }
}
