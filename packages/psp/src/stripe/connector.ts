import type {
  AuthorizeRequest,
  AuthorizeResult,
  CaptureRequest,
  CaptureResult,
  FoundAuthorization,
  FoundAuthorizationStatus,
  PaymentGateway,
  RegisterCardRequest,
  RegisterCardResult,
  VoidRequest,
  VoidResult,
} from '../gateway';
import { type GatewayOutcome, notOk, ok } from '../outcome';
import type { CardDetails, CardToken, CardTokenizer } from '../tokenizer';
import { declineFromStripe } from './declines';
import { StripeHttp, type StripeHttpOptions, type StripeObject } from './http';

/**
 * Stripe through its HTTP API (payment intents, setup intents), the same code against Stripe,
 * stripe-mock and the PSP simulator. Every intent is flagged MOTO (`payment_method_options[card][moto]`):
 * card details taken over the phone are exempt from 3-D Secure, which a caller could not complete.
 */
export class StripeConnector implements PaymentGateway, CardTokenizer {
  readonly name = 'stripe';
  private readonly http: StripeHttp;

  constructor(options: StripeHttpOptions) {
    this.http = new StripeHttp(options);
  }

  async authorize(request: AuthorizeRequest): Promise<GatewayOutcome<AuthorizeResult>> {
    const answer = await this.http.request(
      'POST',
      '/v1/payment_intents',
      {
        amount: request.amount.minorUnits,
        currency: request.amount.currency.toLowerCase(),
        payment_method: request.cardToken,
        customer: request.customerReference,
        confirm: true,
        capture_method: request.capture ? 'automatic' : 'manual',
        payment_method_types: ['card'],
        payment_method_options: { card: { moto: true } },
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
      { amount_to_capture: request.amount?.minorUnits },
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

  async findAuthorization(idempotencyKey: string): Promise<GatewayOutcome<FoundAuthorization | null>> {
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

  async tokenize(card: CardDetails, options: { idempotencyKey?: string } = {}): Promise<GatewayOutcome<CardToken>> {
    const answer = await this.http.request(
      'POST',
      '/v1/payment_methods',
      {
        type: 'card',
        card: { number: card.number, exp_month: card.expMonth, exp_year: card.expYear, cvc: card.cvc },
      },
      options.idempotencyKey,
    );
    if (answer.kind !== 'ok') return notOk(answer);
    const details = (answer.value.card ?? {}) as StripeObject;
    return ok({
      token: String(answer.value.id),
      brand: String(details.brand ?? 'unknown'),
      bin: typeof details.iin === 'string' ? details.iin : '',
      last4: String(details.last4 ?? ''),
      expMonth: Number(details.exp_month),
      expYear: Number(details.exp_year),
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
