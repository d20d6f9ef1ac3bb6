import { status } from '@grpc/grpc-js';
import { AuthorizationStatus, DeclineReason } from '@ivr/contracts/authorization/v1';
import { PaymentMode } from '@ivr/contracts/common/v1';
import {
  authorizeRequest,
  cardToken,
  charges,
  clearFaults,
  grpcApi,
  type Harness,
  newPaymentId,
  setFault,
  startHarness,
} from './harness';

let h: Harness;
let api: ReturnType<typeof grpcApi>;
beforeAll(async () => {
  h = await startHarness();
  api = grpcApi(h.client);
});
afterAll(() => h.close());
afterEach(() => clearFaults(h.sim));

const approvedCard = () => cardToken(h.sim, '4242424242424242');

describe('authorize, capture, void, register through gRPC', () => {
  it('authorizes with an authorization code, then captures once', async () => {
    const paymentId = newPaymentId();
    const auth = await api.authorize(authorizeRequest(paymentId, await approvedCard()));
    expect(auth.ok && auth.value.authorization).toMatchObject({
      paymentId,
      status: AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED,
      pspReference: expect.stringMatching(/^pi_/),
      authorizationCode: expect.stringMatching(/^\d{6}$/),
      amount: { minorUnits: 1200, currency: 'JPY' },
      card: expect.objectContaining({ last4: '4242', brand: 'visa' }),
    });
    const capture = await api.capture({ paymentId, correlationId: 'c-1' });
    expect(capture.ok && capture.value.authorization).toMatchObject({
      status: AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED,
      capturedAmount: { minorUnits: 1200, currency: 'JPY' },
    });
    const again = await api.capture({ paymentId, correlationId: '' });
    expect(again.ok && again.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);
    const counts = await charges(h.sim);
    expect(counts.byPaymentId[paymentId]).toBe(1);
    expect(counts.charges.filter((c) => c.paymentId === paymentId).every((c) => c.moto)).toBe(true);
  });

  it('sells in CAPTURE mode', async () => {
    const paymentId = newPaymentId();
    const sale = await api.authorize(
      authorizeRequest(paymentId, await approvedCard(), {
        mode: PaymentMode.PAYMENT_MODE_CAPTURE,
        amount: { minorUnits: 1999, currency: 'USD' },
      }),
    );
    expect(sale.ok && sale.value.authorization).toMatchObject({
      status: AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED,
      capturedAmount: { minorUnits: 1999, currency: 'USD' },
    });
  });

  it('voids an authorization; capture after void is FAILED_PRECONDITION', async () => {
    const paymentId = newPaymentId();
    await api.authorize(authorizeRequest(paymentId, await approvedCard()));
    const voided = await api.void({ paymentId, correlationId: '' });
    expect(voided.ok && voided.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_VOIDED);
    const capture = await api.capture({ paymentId, correlationId: '' });
    expect(!capture.ok && capture.error.code).toBe(status.FAILED_PRECONDITION);
  });

  it('registers a card, then charges the stored card in a later payment', async () => {
    const card = await cardToken(h.sim, '5555555555554444');
    const registration = newPaymentId();
    const registered = await api.authorize(
      authorizeRequest(registration, card, { mode: PaymentMode.PAYMENT_MODE_REGISTER_CARD, amount: undefined }),
    );
    expect(registered.ok && registered.value.authorization).toMatchObject({
      status: AuthorizationStatus.AUTHORIZATION_STATUS_REGISTERED,
      customerReference: expect.stringMatching(/^cus_/),
      storedCardReference: card.pspToken,
      pspReference: expect.stringMatching(/^seti_/),
    });
    const customerReference = registered.ok ? (registered.value.authorization?.customerReference ?? '') : '';
    const later = await api.authorize(authorizeRequest(newPaymentId(), card, { customerReference }));
    expect(later.ok && later.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED);
  });

  it.each([
    ['4000000000000002', DeclineReason.DECLINE_REASON_GENERIC_DECLINE, 'card_declined'],
    ['4000000000009995', DeclineReason.DECLINE_REASON_INSUFFICIENT_FUNDS, 'card_declined'],
    ['4000000000000069', DeclineReason.DECLINE_REASON_EXPIRED_CARD, 'expired_card'],
    ['4000000000000127', DeclineReason.DECLINE_REASON_INCORRECT_CVC, 'incorrect_cvc'],
    ['4000000000000119', DeclineReason.DECLINE_REASON_PROCESSING_ERROR, 'processing_error'],
  ])('declines %s with %s', async (number, reason, pspCode) => {
    const paymentId = newPaymentId();
    const result = await api.authorize(authorizeRequest(paymentId, await cardToken(h.sim, number)));
    expect(result.ok && result.value.authorization).toMatchObject({
      status: AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED,
      decline: { reason, pspCode },
    });
    expect((await charges(h.sim)).byPaymentId[paymentId]).toBeUndefined();
  });

  it('GetAuthorization answers the state, NOT_FOUND for an unknown payment', async () => {
    const paymentId = newPaymentId();
    await api.authorize(authorizeRequest(paymentId, await approvedCard()));
    const got = await api.get({ paymentId });
    expect(got.ok && got.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED);
    const missing = await api.get({ paymentId: 'pay_nobody' });
    expect(!missing.ok && missing.error.code).toBe(status.NOT_FOUND);
  });
});

describe('idempotency by payment id', () => {
  it('answers a repeated call with the first result and charges once, even when concurrent', async () => {
    const paymentId = newPaymentId();
    const request = authorizeRequest(paymentId, await approvedCard());
    const results = await Promise.all([api.authorize(request), api.authorize(request), api.authorize(request)]);
    const references = results.map((r) => (r.ok ? r.value.authorization?.pspReference : r.error.code));
    expect(new Set(references).size).toBe(1);
    expect(references[0]).toMatch(/^pi_/);
    expect((await charges(h.sim)).byPaymentId[paymentId]).toBe(1);
  });

  it('refuses the same payment id with other parameters with ALREADY_EXISTS, naming what differs', async () => {
    const paymentId = newPaymentId();
    const card = await approvedCard();
    await api.authorize(authorizeRequest(paymentId, card));
    const other = await api.authorize(
      authorizeRequest(paymentId, card, { amount: { minorUnits: 1300, currency: 'JPY' } }),
    );
    expect(!other.ok && other.error.code).toBe(status.ALREADY_EXISTS);
    expect(!other.ok && other.error.details).toContain('amount');
  });
});

describe('bad input', () => {
  it.each([
    [{ amount: { minorUnits: 0, currency: 'JPY' } }, 'amount.minor_units'],
    [{ amount: { minorUnits: -100, currency: 'USD' } }, 'amount.minor_units'],
    [{ amount: { minorUnits: 100, currency: 'ABC' } }, 'amount.currency'],
    [{ amount: undefined }, 'amount'],
    [{ card: undefined }, 'card.psp_token'],
    [{ paymentId: '' }, 'payment_id'],
    [{ mode: PaymentMode.PAYMENT_MODE_UNSPECIFIED }, 'mode'],
  ])('%j is INVALID_ARGUMENT naming %s, and records nothing', async (over, field) => {
    const paymentId = newPaymentId();
    const result = await api.authorize(authorizeRequest(paymentId, await approvedCard(), over));
    expect(!result.ok && result.error.code).toBe(status.INVALID_ARGUMENT);
    expect(!result.ok && result.error.details).toContain(field);
    const { rows } = await h.pool.query(`select count(*)::int as n from "${h.schema}".events where stream_id = $1`, [
      paymentId,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('an unknown token is a FAILED authorization (the PSP refused it), not retryable', async () => {
    const card = { ...(await approvedCard()), pspToken: 'pm_doesnotexist' };
    const result = await api.authorize(authorizeRequest(newPaymentId(), card));
    expect(result.ok && result.value.authorization).toMatchObject({
      status: AuthorizationStatus.AUTHORIZATION_STATUS_FAILED,
      failure: { code: 'psp_rejected:resource_missing', retryable: false },
    });
  });
});

describe('PSP faults', () => {
  it.each([['timeout'], ['http500'], ['http503'], ['malformed'], ['reset']])(
    '%s once: reconciled by the retry with the same key, approved, one charge',
    async (mode) => {
      const paymentId = newPaymentId();
      await setFault(h.sim, { mode, count: 1, path: '/v1/payment_intents' });
      const result = await api.authorize(authorizeRequest(paymentId, await approvedCard()));
      expect(result.ok && result.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED);
      const counts = await charges(h.sim);
      expect(counts.byPaymentId[paymentId]).toBe(1);
      expect(counts.byIdempotencyKey[`${paymentId}:authorize`]).toBe(1);
    },
  );

  it('timeouts on every try: PENDING; the reconciler settles it later without a second charge', async () => {
    const paymentId = newPaymentId();
    const card = await approvedCard();
    await setFault(h.sim, { mode: 'timeout', count: 3, path: '/v1/payment_intents' });
    const result = await api.authorize(authorizeRequest(paymentId, card));
    expect(result.ok && result.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_PENDING);
    expect((await charges(h.sim)).byPaymentId[paymentId]).toBe(1);
    await clearFaults(h.sim);
    await h.authorizations.reconcilePending(0);
    const settled = await api.get({ paymentId });
    expect(settled.ok && settled.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED);
    expect((await charges(h.sim)).byPaymentId[paymentId]).toBe(1);
    const { rows } = await h.pool.query(`select type from "${h.schema}".events where stream_id = $1 order by version`, [
      paymentId,
    ]);
    expect(rows.map((r) => r.type)).toEqual([
      'AuthorizationRequested',
      'AuthorizationOutcomeUnknown',
      'AuthorizationApproved',
    ]);
  });

  it('a repeated Authorize of a PENDING payment reconciles it, never charging twice', async () => {
    const paymentId = newPaymentId();
    const request = authorizeRequest(paymentId, await approvedCard());
    await setFault(h.sim, { mode: 'http500', count: 3, path: '/v1/payment_intents', process: true });
    const first = await api.authorize(request);
    expect(first.ok && first.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_PENDING);
    const second = await api.authorize(request);
    expect(second.ok && second.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED);
    expect((await charges(h.sim)).byPaymentId[paymentId]).toBe(1);
  });
});
