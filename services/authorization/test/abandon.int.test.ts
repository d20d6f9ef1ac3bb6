import { status } from '@grpc/grpc-js';
import { AuthorizationStatus } from '@ivr/contracts/authorization/v1';
import { PaymentMode } from '@ivr/contracts/common/v1';
import { authorizeRequest, cardToken, charges, grpcApi, type Harness, newPaymentId, startHarness } from './harness';

/** AbandonAuthorization (a lost call's fence) against the real service database and the PSP simulator. */
let h: Harness;
let api: ReturnType<typeof grpcApi>;
beforeAll(async () => {
  h = await startHarness();
  api = grpcApi(h.client);
});
afterAll(() => h.close());

const abandon = (paymentId: string) => api.abandon({ paymentId, reason: 'CALL_LOST', correlationId: 'call-1' });

async function outboxOf(paymentId: string) {
  const { rows } = await h.pool.query<{ envelope: { type: string; payload: Record<string, unknown> } }>(
    `select envelope from "${h.schema}".outbox where key = $1 order by position`,
    [paymentId],
  );
  return rows.map((r) => r.envelope);
}

describe('AbandonAuthorization before any Authorize', () => {
  it('records FAILED; a later Authorize answers that failure and the PSP is never asked', async () => {
    const paymentId = newPaymentId();
    const abandoned = await abandon(paymentId);
    expect(abandoned.ok && abandoned.value.authorization).toMatchObject({
      paymentId,
      status: AuthorizationStatus.AUTHORIZATION_STATUS_FAILED,
      failure: { code: 'abandoned', retryable: false },
    });

    const late = await api.authorize(authorizeRequest(paymentId, await cardToken(h.sim, '4242424242424242')));
    expect(late.ok && late.value.authorization).toMatchObject({
      status: AuthorizationStatus.AUTHORIZATION_STATUS_FAILED,
      failure: { code: 'abandoned', retryable: false },
      version: 1,
    });
    expect((await charges(h.sim)).byPaymentId[paymentId]).toBeUndefined();
    // What order-link reads: the contract's AuthorizationFailed, through the outbox.
    expect(await outboxOf(paymentId)).toEqual([
      expect.objectContaining({
        type: 'AuthorizationFailed',
        payload: expect.objectContaining({ paymentId, reason: 'CALL_LOST' }),
      }),
    ]);
  });

  it('fences a card registration the same way', async () => {
    const paymentId = newPaymentId();
    await abandon(paymentId);
    const late = await api.authorize(
      authorizeRequest(paymentId, await cardToken(h.sim, '4242424242424242'), {
        mode: PaymentMode.PAYMENT_MODE_REGISTER_CARD,
        amount: undefined,
      }),
    );
    expect(late.ok && late.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_FAILED);
    expect(await outboxOf(paymentId)).toHaveLength(1);
  });

  it('is idempotent', async () => {
    const paymentId = newPaymentId();
    await abandon(paymentId);
    const again = await abandon(paymentId);
    expect(again.ok && again.value.authorization?.version).toBe(1);
  });

  it('refuses a missing payment id', async () => {
    const res = await api.abandon({ paymentId: '', reason: 'CALL_LOST', correlationId: '' });
    expect(!res.ok && res.error.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('AbandonAuthorization after Authorize', () => {
  it('leaves an approved authorization as it is: one charge, no new event', async () => {
    const paymentId = newPaymentId();
    await api.authorize(authorizeRequest(paymentId, await cardToken(h.sim, '4242424242424242')));
    const res = await abandon(paymentId);
    expect(res.ok && res.value.authorization).toMatchObject({
      status: AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED,
      version: 2,
    });
    expect((await charges(h.sim)).byPaymentId[paymentId]).toBe(1);
  });
});
