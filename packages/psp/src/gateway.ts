import type { PspProvider } from '@ivr/contracts';
import type { GatewayOutcome } from './outcome';

/**
 * A payment gateway as the authorization service needs it: tokens and references only, never card data
 * (the vault registers the card and hands over a reference). Every call that acts carries an idempotency
 * key: the gateway answers a repeated key with the first result and never acts twice, which is what makes
 * a retry after a timeout safe. Implementations: Stripe (`simulator`, `stripe`) and GMO-PG (`gmo-pg`);
 * `createPaymentGateway` picks one from a PSP account. The domain never sees gateway-specific types.
 */
export interface PaymentGateway {
  /** Which gateway this is, for logs and metrics. */
  readonly provider: PspProvider;
  readonly capabilities: GatewayCapabilities;
  /** Authorizes (capture false) or sells (capture true) with a card the vault registered. */
  authorize(request: AuthorizeRequest): Promise<GatewayOutcome<AuthorizeResult>>;
  /** Charges a card stored earlier by REGISTER_CARD, without the cardholder (merchant-initiated). */
  chargeStoredCard(request: ChargeStoredCardRequest): Promise<GatewayOutcome<AuthorizeResult>>;
  /** Takes the authorized amount, or less of it (see `capabilities.partialCapture`). */
  capture(request: CaptureRequest): Promise<GatewayOutcome<CaptureResult>>;
  /** Releases an authorization that was not captured. */
  void(request: VoidRequest): Promise<GatewayOutcome<VoidResult>>;
  /** Gives back all or part of what was captured. */
  refund(request: RefundRequest): Promise<GatewayOutcome<RefundResult>>;
  /** Keeps the card the vault registered for later charges (mode REGISTER_CARD). */
  registerCard(request: RegisterCardRequest): Promise<GatewayOutcome<RegisterCardResult>>;
  /**
   * Looks up what became of an authorize call, without acting. `ok(null)` when the gateway has no trace
   * of it. Used to reconcile an unknown outcome when repeating the call is not possible.
   */
  findAuthorization(query: FindAuthorizationQuery): Promise<GatewayOutcome<FoundAuthorization | null>>;
  /**
   * The refund made with this idempotency key, looked up without acting; `ok(null)` when there is none. For
   * gateways whose keys expire (Stripe: 24 h): past that, a lost refund is found this way rather than sent
   * again blindly. Absent where repeating is always safe (GMO-PG compares amounts).
   */
  findRefund?(query: FindRefundQuery): Promise<GatewayOutcome<RefundResult | null>>;
}

export interface FindRefundQuery {
  /** The payment at the PSP (Stripe PaymentIntent). */
  pspReference: string;
  idempotencyKey: string;
}

/** What a gateway can do beyond the common ground; callers check before asking. */
export interface GatewayCapabilities {
  /** A capture of less than the authorized amount. */
  partialCapture: boolean;
  /** Several captures of one authorization (Stripe: no, without multicapture; GMO-PG: no). */
  multipleCaptures: boolean;
  /** A refund of part of what was captured, and several of them up to the captured amount. */
  partialRefund: boolean;
  /**
   * How long the gateway answers a repeated idempotency key with the first result instead of acting
   * again (Stripe: 24 h). Infinity when keys never expire (GMO-PG: an OrderID is unique forever).
   * Past it, reconciliation only looks (`findAuthorization`), never repeats.
   */
  idempotencyRetentionMs: number;
}

export interface Amount {
  /** In the currency's minor unit (JPY has none). */
  minorUnits: number;
  /** ISO 4217, upper case. */
  currency: string;
}

export interface AuthorizeRequest {
  idempotencyKey: string;
  /** The platform's payment id, kept at the gateway for reconciliation and support (GMO-PG: the OrderID). */
  paymentId: string;
  orderReference: string;
  /** The vault's reference of the card (Stripe payment method id; GMO-PG member and card sequence). */
  cardToken: string;
  /** Gateway customer holding a stored card, when charging a registered card during a call. */
  customerReference?: string;
  amount: Amount;
  /** true: capture at once (sale); false: authorize only. */
  capture: boolean;
}

export interface ChargeStoredCardRequest {
  idempotencyKey: string;
  paymentId: string;
  orderReference: string;
  /** From RegisterCardResult. */
  customerReference: string;
  storedCardReference: string;
  amount: Amount;
  capture: boolean;
}

export interface AuthorizeResult {
  /** The gateway's reference of the payment (Stripe PaymentIntent id; GMO-PG OrderID); later calls use it. */
  pspReference: string;
  /** Issuer's authorization code when the gateway reports one; empty otherwise. */
  authorizationCode: string;
  captured: boolean;
  amount: Amount;
}

export interface CaptureRequest {
  idempotencyKey: string;
  pspReference: string;
  /** Partial capture; the full authorized amount when absent. */
  amount?: Amount;
  /**
   * false: more captures of this authorization will follow (only where `capabilities.multipleCaptures`);
   * true or absent: the last one, the rest of the authorization is released.
   */
  final?: boolean;
}

export interface CaptureResult {
  pspReference: string;
  capturedAmount: Amount;
}

export interface VoidRequest {
  idempotencyKey: string;
  pspReference: string;
}

export interface VoidResult {
  pspReference: string;
}

export interface RefundRequest {
  idempotencyKey: string;
  pspReference: string;
  amount: Amount;
  /**
   * What was captured and not yet refunded before this refund, as the product's ledger says. A gateway
   * without idempotency keys for refunds (GMO-PG) compares it with its own amount to tell a refund already
   * done (after an unknown outcome) from one still to do; a mismatch is refused, never guessed.
   */
  capturedBefore: Amount;
}

export interface RefundResult {
  pspReference: string;
  /** The gateway's reference of this refund (Stripe refund id; GMO-PG the transaction's new TranID). */
  refundReference: string;
  refundedAmount: Amount;
}

export interface RegisterCardRequest {
  idempotencyKey: string;
  paymentId: string;
  orderReference: string;
  cardToken: string;
}

export interface RegisterCardResult {
  /** The gateway's customer that holds the stored card (Stripe customer id; GMO-PG MemberID). */
  customerReference: string;
  /** The stored card's reference for later charges (Stripe payment method id; GMO-PG member and card sequence). */
  storedCardReference: string;
  /** The gateway's reference of the registration itself (Stripe SetupIntent id). */
  pspReference: string;
}

export interface FindAuthorizationQuery {
  /** The key the authorize call carried (Stripe searches its metadata). */
  idempotencyKey: string;
  /** The payment it was for (GMO-PG searches by the OrderID derived from it). */
  paymentId: string;
}

export type FoundAuthorizationStatus = 'authorized' | 'captured' | 'voided' | 'declined' | 'pending';

export interface FoundAuthorization {
  status: FoundAuthorizationStatus;
  pspReference: string;
  amount: Amount;
  authorizationCode: string;
}
