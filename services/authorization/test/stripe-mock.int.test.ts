import { AuthorizationStatus } from '@ivr/contracts/authorization/v1';
import { PaymentMode } from '@ivr/contracts/common/v1';
import { type StripeMock, startStripeMock } from '@ivr/psp-simulator';
import { authorizeRequest, grpcApi, type Harness, newPaymentId, startHarness } from './harness';

/**
 * The service against stripe-mock (Stripe's own mock; it validates every request against Stripe's
 * OpenAPI specification and answers canned fixtures). The fixtures are patched so that its intents
 * are authorized and its setup intents succeed; everything else is stripe-mock's own.
 */
const card = {
  pspToken: 'pm_card_visa',
  brand: 'visa',
  bin: '424242',
  last4: '4242',
  expiryMonth: 12,
  expiryYear: 2034,
};

describe('authorization against stripe-mock', () => {
  let mock: StripeMock;
  let h: Harness;
  beforeAll(async () => {
    mock = await startStripeMock({
      patchFixtures: (f) => {
        Object.assign(f.payment_intent ?? {}, { status: 'requires_capture', last_payment_error: null });
        Object.assign(f.setup_intent ?? {}, { status: 'succeeded', last_setup_error: null });
      },
    });
    h = await startHarness({ pspBaseUrl: mock.url, pspTimeoutMs: 5000 });
  }, 30_000);
  afterAll(async () => {
    await h?.close();
    await mock?.close();
  });

  it('authorizes, captures and voids through the real event store', async () => {
    const api = grpcApi(h.client);
    const paymentId = newPaymentId();
    const auth = await api.authorize(authorizeRequest(paymentId, card));
    expect(auth.ok && auth.value.authorization).toMatchObject({
      status: AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED,
      pspReference: expect.stringMatching(/^pi_/),
    });
    const capture = await api.capture({ paymentId, correlationId: '' });
    expect(capture.ok && capture.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);

    const toVoid = newPaymentId();
    await api.authorize(authorizeRequest(toVoid, card));
    const voided = await api.void({ paymentId: toVoid, correlationId: '' });
    expect(voided.ok && voided.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_VOIDED);
    const { rows } = await h.pool.query(`select type from "${h.schema}".events where stream_id = $1 order by version`, [
      toVoid,
    ]);
    expect(rows.map((r) => r.type)).toEqual([
      'AuthorizationRequested',
      'AuthorizationApproved',
      'AuthorizationOperationRequested',
      'AuthorizationVoided',
    ]);
  });

  it('registers a card (customer + setup intent)', async () => {
    const api = grpcApi(h.client);
    const result = await api.authorize(
      authorizeRequest(newPaymentId(), card, { mode: PaymentMode.PAYMENT_MODE_REGISTER_CARD, amount: undefined }),
    );
    expect(result.ok && result.value.authorization).toMatchObject({
      status: AuthorizationStatus.AUTHORIZATION_STATUS_REGISTERED,
      customerReference: expect.stringMatching(/^cus_/),
      pspReference: expect.stringMatching(/^seti_/),
    });
  });
});
