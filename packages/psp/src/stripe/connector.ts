import type {
  AuthorizeRequest,
  AuthorizeResult,
  CaptureRequest,
  CaptureResult,
  ChargeStoredCardRequest,
  FindAuthorizationQuery,
  FindRefundQuery,
  FoundAuthorization,
  FoundAuthorizationStatus,
  GatewayCapabilities,
  PaymentGateway,
  RefundRequest,
  RefundResult,
  RegisterCardRequest,
  RegisterCardResult,
  VoidRequest,
  VoidResult,
} from '../gateway';
import { type GatewayOutcome, notOk, ok } from '../outcome';
import { declineFromStripe } from './declines';
import type { FormValue } from './form';
import { StripeHttp, type StripeHttpOptions, type StripeObject } from './http';

export interface StripeConnectorOptions extends StripeHttpOptions {
  /** `simulator` when it talks to tools/psp-simulator (the same API); `stripe` by default. */
  provider?: 'simulator' | 'stripe';
  /** Stripe keeps idempotency keys for 24 h; a little less by default, so a late retry never acts twice. */
  idempotencyRetentionMs?: number;
  /**
   * Capture in parts (Stripe's multicapture: requested with every authorization, `final_capture=false` on
   * all captures but the last). Default: the PSP simulator does (it always grants it); Stripe does only for
   * accounts it enabled it on, so not by default.
   */
  multicapture?: boolean;
}

/** Stripe keeps keys for 24 hours (https://docs.stripe.com/api/idempotent_requests); we stop trusting them an hour earlier. */
export const STRIPE_IDEMPOTENCY_RETENTION_MS = 23 * 3_600_000;

/**
 * Stripe through its HTTP API (payment intents, setup intents), the same code against Stripe,
 * stripe-mock and the PSP simulator. Every intent is flagged MOTO (`payment_method_options[card][moto]`):
 * card details taken over the phone are exempt from 3-D Secure, which a caller could not complete.
 */
export class StripeConnector implements PaymentGateway {
  readonly provider: 'simulator' | 'stripe';
  readonly capabilities: GatewayCapabilities;
  private readonly http: StripeHttp;
  private readonly cardOptions: Record<string, FormValue>;

  constructor(options: StripeConnectorOptions) {
    this.http = new StripeHttp(options);
    this.provider = options.provider ?? 'stripe';
    const multicapture = options.multicapture ?? this.provider === 'simulator';
    this.cardOptions = multicapture ? { request_multicapture: 'if_available' } : {};
    this.capabilities = {
      partialCapture: true,
      multipleCaptures: multicapture,
      partialRefund: true,
      idempotencyRetentionMs: options.idempotencyRetentionMs ?? STRIPE_IDEMPOTENCY_RETENTION_MS,
    };
  }

  authorize(request: AuthorizeRequest): Promise<GatewayOutcome<AuthorizeResult>> {
    return this.paymentIntent(request, request.cardToken, request.customerReference, {
      payment_method_options: { card: { moto: true, ...(request.capture ? {} : this.cardOptions) } },
    });
  }

  /** Off-session: the cardholder is not there (a merchant-initiated charge of a card kept by REGISTER_CARD). */
  chargeStoredCard(request: ChargeStoredCardRequest): Promise<GatewayOutcome<AuthorizeResult>> {
    return this.paymentIntent(request, request.storedCardReference, request.customerReference, {
      off_session: true,
      ...(request.capture ? {} : { payment_method_options: { card: this.cardOptions } }),
    });
  }

  private async paymentIntent(
    request: Omit<AuthorizeRequest, 'cardToken' | 'customerReference'>,
    paymentMethod: string,
    customer: string | undefined,
    extra: Record<string, FormValue>,
  ): Promise<GatewayOutcome<AuthorizeResult>> {
    const answer = await this.http.request(
      'POST',
      '/v1/payment_intents',
      {
        amount: request.amount.minorUnits,
        currency: request.amount.currency.toLowerCase(),
        payment_method: paymentMethod,
        customer,
        confirm: true,
        capture_method: request.capture ? 'automatic' : 'manual',
        payment_method_types: ['card'],
        ...extra,
        metadata: {
          payment_id: request.paymentId,
          order_reference: request.orderReference,
          idempotency_key: request.idempotencyKey,
        },
        expand: ['latest_charge'],
      },
      request.idempotencyKey,
    );
    if (answer.kind !== 'ok') return notOk(answer);
    const intent = answer.value;
    const status = String(intent.status);
    if (status === 'requires_capture' || status === 'succeeded') {
      return ok({
        pspReference: String(intent.id),
        authorizationCode: authorizationCodeOf(intent),
        captured: status === 'succeeded',
        amount: amountOf(intent, 'amount'),
      });
    }
    return unexpectedIntent(intent, 'last_payment_error');
  }

  async capture(request: CaptureRequest): Promise<GatewayOutcome<CaptureResult>> {
    const answer = await this.http.request(
      'POST',
      `/v1/payment_intents/${encodeURIComponent(request.pspReference)}/capture`,
      // Stripe's multicapture: a capture that is not the last keeps the rest capturable.
      { amount_to_capture: request.amount?.minorUnits, ...(request.final === false ? { final_capture: false } : {}) },
      request.idempotencyKey,
    );
    if (answer.kind !== 'ok') return notOk(answer);
    // Stripe answers a capture it could not do with an error; a 200 is a capture.
    return ok({ pspReference: String(answer.value.id), capturedAmount: amountOf(answer.value, 'amount_received') });
  }

  async void(request: VoidRequest): Promise<GatewayOutcome<VoidResult>> {
    const answer = await this.http.request(
      'POST',
      `/v1/payment_intents/${encodeURIComponent(request.pspReference)}/cancel`,
      { cancellation_reason: 'requested_by_customer' },
      request.idempotencyKey,
    );
    if (answer.kind !== 'ok') return notOk(answer);
    return ok({ pspReference: String(answer.value.id) });
  }

  async refund(request: RefundRequest): Promise<GatewayOutcome<RefundResult>> {
    const answer = await this.http.request(
      'POST',
      '/v1/refunds',
      {
        payment_intent: request.pspReference,
        amount: request.amount.minorUnits,
        metadata: { idempotency_key: request.idempotencyKey },
      },
      request.idempotencyKey,
    );
    if (answer.kind !== 'ok') return notOk(answer);
    const refund = answer.value;
    if (refund.status === 'failed' || refund.status === 'canceled') {
      return {
        kind: 'rejected',
        code: `refund_${String(refund.status)}`,
        message: `refund ${String(refund.id)} ${String(refund.status)}`,
      };
    }
    return ok({
      pspReference: request.pspReference,
      refundReference: String(refund.id),
      refundedAmount: { minorUnits: Number(refund.amount), currency: String(refund.currency).toUpperCase() },
    });
  }

  /** The intent's refund whose metadata carries this idempotency key (every refund is made with it). */
  async findRefund({ pspReference, idempotencyKey }: FindRefundQuery): Promise<GatewayOutcome<RefundResult | null>> {
    const answer = await this.http.request('GET', '/v1/refunds', { payment_intent: pspReference, limit: 100 });
    if (answer.kind !== 'ok') return notOk(answer);
    const data = Array.isArray(answer.value.data) ? (answer.value.data as StripeObject[]) : [];
    const refund = data.find(
      (r) => (r.metadata as Record<string, unknown> | undefined)?.idempotency_key === idempotencyKey,
    );
    if (!refund || refund.status === 'failed' || refund.status === 'canceled') return ok(null);
    return ok({
      pspReference,
      refundReference: String(refund.id),
      refundedAmount: { minorUnits: Number(refund.amount), currency: String(refund.currency).toUpperCase() },
    });
  }

  /** A customer plus a confirmed off-session setup intent: the card stays usable for later charges. */
  async registerCard(request: RegisterCardRequest): Promise<GatewayOutcome<RegisterCardResult>> {
    const metadata = { payment_id: request.paymentId, order_reference: request.orderReference };
    const customer = await this.http.request(
      'POST',
      '/v1/customers',
      { metadata },
      `${request.idempotencyKey}:customer`,
    );
    if (customer.kind !== 'ok') return notOk(customer);
    const customerReference = String(customer.value.id);
    const setup = await this.http.request(
      'POST',
      '/v1/setup_intents',
      {
        confirm: true,
        customer: customerReference,
        payment_method: request.cardToken,
        usage: 'off_session',
        payment_method_types: ['card'],
        payment_method_options: { card: { moto: true } },
        metadata: { ...metadata, idempotency_key: request.idempotencyKey },
      },
      `${request.idempotencyKey}:setup`,
    );
    if (setup.kind !== 'ok') return notOk(setup);
    if (setup.value.status !== 'succeeded') return unexpectedIntent(setup.value, 'last_setup_error');
    return ok({
      customerReference,
      storedCardReference: String(setup.value.payment_method ?? request.cardToken),
      pspReference: String(setup.value.id),
    });
  }

  async findAuthorization({
    idempotencyKey,
  }: FindAuthorizationQuery): Promise<GatewayOutcome<FoundAuthorization | null>> {
    const query = `metadata['idempotency_key']:'${idempotencyKey.replace(/'/g, "\\'")}'`;
    const answer = await this.http.request('GET', '/v1/payment_intents/search', {
      query,
      limit: 1,
      expand: ['data.latest_charge'],
    });
    if (answer.kind !== 'ok') return notOk(answer);
    const data = answer.value.data;
    const intent = Array.isArray(data) ? (data[0] as StripeObject | undefined) : undefined;
    if (!intent) return ok(null);
    return ok({
      status: foundStatus(intent),
      pspReference: String(intent.id),
      amount: amountOf(intent, 'amount'),
      authorizationCode: authorizationCodeOf(intent),
    });
  }
}

function amountOf(intent: StripeObject, field: 'amount' | 'amount_received') {
  return { minorUnits: Number(intent[field]), currency: String(intent.currency).toUpperCase() };
}

function authorizationCodeOf(intent: StripeObject): string {
  const charge = intent.latest_charge;
  if (typeof charge === 'object' && charge !== null) {
    const code = (charge as StripeObject).authorization_code;
    if (typeof code === 'string') return code;
  }
  return '';
}

function foundStatus(intent: StripeObject): FoundAuthorizationStatus {
  switch (intent.status) {
    case 'requires_capture':
      return 'authorized';
    case 'succeeded':
      return 'captured';
    case 'canceled':
      return 'voided';
    case 'requires_payment_method': {
      const error = intent.last_payment_error;
      return typeof error === 'object' && error !== null && (error as StripeObject).type === 'card_error'
        ? 'declined'
        : 'pending';
    }
    default:
      return 'pending';
  }
}

/** An intent that answered 200 but neither succeeded nor reported a card error. */
function unexpectedIntent<T>(intent: StripeObject, errorField: string): GatewayOutcome<T> {
  const error = intent[errorField];
  if (typeof error === 'object' && error !== null && (error as StripeObject).type === 'card_error') {
    return { kind: 'declined', decline: declineFromStripe(error as StripeObject, String(intent.id)) };
  }
  if (intent.status === 'requires_action') {
    return {
      kind: 'declined',
      decline: {
        reason: 'authentication_required',
        pspCode: 'authentication_required',
        pspDeclineCode: '',
        message: 'The PSP asked for cardholder authentication, which a phone payment cannot give.',
        pspReference: String(intent.id),
      },
    };
  }
  if (intent.status === 'processing') {
    return { kind: 'unknown', cause: 'in_progress', message: `${String(intent.id)} is still processing at the PSP` };
  }
  return {
    kind: 'rejected',
    code: 'unexpected_status',
    message: `${String(intent.object ?? 'intent')} ${String(intent.id)} has status ${String(intent.status)}`,
  };
}
