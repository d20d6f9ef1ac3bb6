import type { GatewayOutcome } from './outcome';

/**
 * A payment gateway as the authorization service needs it. Every call carries an idempotency key:
 * the gateway must answer a repeated key with the first result and never act twice, which is what
 * makes a retry after a timeout safe. A second gateway (GMO Payment Gateway, Adyen, ...) implements
 * this interface; the domain never sees gateway-specific types.
 */
export interface PaymentGateway {
  /** Short name for logs and metrics, e.g. `stripe`. */
  readonly name: string;
  authorize(request: AuthorizeRequest): Promise<GatewayOutcome<AuthorizeResult>>;
  capture(request: CaptureRequest): Promise<GatewayOutcome<CaptureResult>>;
  void(request: VoidRequest): Promise<GatewayOutcome<VoidResult>>;
  registerCard(request: RegisterCardRequest): Promise<GatewayOutcome<RegisterCardResult>>;
  /**
   * Looks up what became of an authorize call by its idempotency key, without acting. `ok(null)` when
   * the gateway has no trace of it. Used to reconcile an unknown outcome when retrying is not possible.
   */
  findAuthorization(idempotencyKey: string): Promise<GatewayOutcome<FoundAuthorization | null>>;
}

export interface Amount {
  /** In the currency's minor unit (JPY has none). */
  minorUnits: number;
  /** ISO 4217, upper case. */
  currency: string;
}

export interface AuthorizeRequest {
  idempotencyKey: string;
  /** The platform's payment id, kept at the gateway for reconciliation and support. */
  paymentId: string;
  orderReference: string;
  /** Gateway token of the card (Stripe payment method id). */
  cardToken: string;
  /** Gateway customer holding a stored card, when charging a registered card. */
  customerReference?: string;
  amount: Amount;
  /** true: capture at once (sale); false: authorize only. */
  capture: boolean;
}

export interface AuthorizeResult {
  /** The gateway's reference of the authorization (Stripe PaymentIntent id); capture and void use it. */
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

export interface RegisterCardRequest {
  idempotencyKey: string;
  paymentId: string;
  orderReference: string;
  cardToken: string;
}

export interface RegisterCardResult {
  /** The gateway's customer that holds the stored card (Stripe customer id). */
  customerReference: string;
  /** The stored card's reference for later charges (Stripe payment method id). */
  storedCardReference: string;
  /** The gateway's reference of the registration itself (Stripe SetupIntent id). */
  pspReference: string;
}

export type FoundAuthorizationStatus = 'authorized' | 'captured' | 'voided' | 'declined' | 'pending';

export interface FoundAuthorization {
  status: FoundAuthorizationStatus;
  pspReference: string;
  amount: Amount;
  authorizationCode: string;
}
