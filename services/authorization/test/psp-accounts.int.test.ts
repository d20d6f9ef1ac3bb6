import { AuthorizationStatus } from '@ivr/contracts/authorization/v1';
import {
  DEFAULT_SHOP,
  DEFAULT_SITE,
  type GmoPgSimulator,
  saveTestCard,
  startGmoPgSimulator,
} from '@ivr/gmo-pg-simulator';
import { gmoCardReference, gmoMemberId, gmoOrderId, PspAccountSource } from '@ivr/psp';
import { authorizeRequest, cardToken, charges, grpcApi, type Harness, newPaymentId, startHarness } from './harness';

// Every payment uses its merchant's PSP account (docs/decisions/0010-psp-per-merchant.md): the default
// account (the PSP simulator's Stripe API) for payments without one, a merchant's GMO-PG account (read
// from order-link's PspAccountService: here a stand-in client) for the payments that name it, for the
// authorization and every later call (capture, void), whatever the default is meanwhile.
const MERCHANT = 'pa_00000000000000000000abcd';

describe('PSP account per merchant', () => {
  let gmo: GmoPgSimulator;
  let h: Harness;
  const asked: string[] = [];

  beforeAll(async () => {
    gmo = await startGmoPgSimulator({ port: 0 });
    h = await startHarness({
      endpoints: { 'gmo-pg': gmo.url },
      accounts: new PspAccountSource({
        defaultAccount: { id: 'default', provider: 'simulator', apiKey: 'sk_test_authorization' },
        // order-link's PspAccountService, as authorization's client sees it.
        client: {
          getPspAccount: ({ accountId }, callback) => {
            asked.push(accountId);
            if (accountId !== MERCHANT) return callback({ code: 5 }, undefined as never);
            callback(null, {
              accountId,
              provider: 'gmo-pg',
              credentials: { $case: 'gmoPg', value: { ...DEFAULT_SHOP, ...DEFAULT_SITE } },
            });
          },
        },
        ttlMs: 60_000,
      }),
    });
  });
  afterAll(async () => {
    await h.close();
    await gmo.close();
  });

  it("authorizes and captures at the merchant's GMO-PG, the default account's payments at the simulator", async () => {
    const api = grpcApi(h.client);
    const saved = await saveTestCard(gmo.url, DEFAULT_SITE, gmoMemberId(`merchant-${process.pid}`), '4111111111111111');
    const gmoCard = {
      pspToken: gmoCardReference(saved.memberId, saved.cardSeq),
      brand: 'visa',
      bin: '411111',
      last4: '1111',
      expiryMonth: 12,
      expiryYear: new Date().getUTCFullYear() + 2,
    };
    const merchantPayment = authorizeRequest(newPaymentId(), gmoCard, { pspAccountId: MERCHANT });
    const defaultPayment = authorizeRequest(newPaymentId(), await cardToken(h.sim, '4242424242424242'));

    const a = await api.authorize(merchantPayment);
    expect(a.ok && a.value.authorization).toMatchObject({
      status: AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED,
      pspAccountId: MERCHANT,
      pspReference: gmoOrderId(merchantPayment.paymentId),
    });
    const b = await api.authorize(defaultPayment);
    expect(b.ok && b.value.authorization).toMatchObject({
      status: AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED,
      pspAccountId: 'default',
    });

    const captured = await api.capture({ paymentId: merchantPayment.paymentId, correlationId: '' });
    expect(captured.ok && captured.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED);

    const order = (await (await fetch(`${gmo.url}/_sim/orders/${gmoOrderId(merchantPayment.paymentId)}`)).json()) as {
      status: string;
      summary: { charges: number; settled: number };
    };
    expect(order).toMatchObject({ status: 'SALES', summary: { charges: 1, settled: 1200 } });
    const simulator = await charges(h.sim);
    expect(simulator.byPaymentId[defaultPayment.paymentId]).toBe(1);
    expect(simulator.byPaymentId[merchantPayment.paymentId]).toBeUndefined();
    // One read of the merchant's account, kept for the capture.
    expect(asked).toEqual([MERCHANT]);
  });

  it('an account order-link does not know is a failure, nothing sent to any PSP', async () => {
    const api = grpcApi(h.client);
    const request = authorizeRequest(newPaymentId(), await cardToken(h.sim, '4242424242424242'), {
      pspAccountId: 'pa_0000000000000000000000ff',
    });
    const answer = await api.authorize(request);
    expect(answer.ok && answer.value.authorization).toMatchObject({
      status: AuthorizationStatus.AUTHORIZATION_STATUS_FAILED,
      failure: { code: 'psp_account_unusable', retryable: false },
    });
    expect((await charges(h.sim)).byPaymentId[request.paymentId]).toBeUndefined();
  });
});
