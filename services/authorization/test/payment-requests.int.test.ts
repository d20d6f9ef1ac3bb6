import { randomUUID } from 'node:crypto';
import { type EventEnvelope, PaymentEventTypes } from '@ivr/contracts';
import { PaymentMode } from '@ivr/contracts/common/v1';
import { createLogger } from '@ivr/logging';
import { paymentRequestsHandler } from '../src/adapters/kafka/payment-requests';
import { BackgroundCalls } from '../src/app/background';
import { authorizeRequest, cardToken, charges, grpcApi, type Harness, newPaymentId, startHarness } from './harness';

// order-link's requests as authorization's consumer handles them (the handler, on real PostgreSQL and the
// PSP simulator; Kafka delivery itself is runConsumer's, tested in @ivr/kafka): each operation once at the
// PSP however often it is delivered, merchant-initiated charges of stored cards, bad requests skipped.

let h: Harness;
let calls: BackgroundCalls;
let handle: (e: EventEnvelope) => Promise<void>;
const warnings: string[] = [];

beforeAll(async () => {
  h = await startHarness({ account: { id: 'default', provider: 'simulator', apiKey: 'sk_test_authorization' } });
  calls = new BackgroundCalls(8, (e) => warnings.push(String(e)));
  const logger = createLogger({ service: 'authorization-test' });
  const handler = paymentRequestsHandler(h.authorizations, calls.schedule, {
    warn: (obj, msg) => {
      warnings.push(msg);
      logger.warn(obj, msg);
    },
  });
  handle = async (e) => {
    await handler(e);
    await calls.drain();
  };
});
afterAll(() => h.close());

const envelope = (type: string, paymentId: string, payload: object): EventEnvelope => ({
  specVersion: 1,
  eventId: randomUUID(),
  type,
  aggregateType: 'Payment',
  aggregateId: paymentId,
  version: 1,
  occurredAt: new Date().toISOString(),
  payload,
});
const operation = (paymentId: string, operationId: string, op: 'CAPTURE' | 'VOID' | 'REFUND', amount: number) =>
  envelope(PaymentEventTypes.operationRequested, paymentId, {
    paymentId,
    operationId,
    operation: op,
    amount,
    currency: 'JPY',
    final: true,
    requestedBy: { kind: 'system', id: 'test' },
    at: new Date().toISOString(),
  });

describe('order-link requests, as the consumer handles them', () => {
  it('captures and refunds once each, however often the request is delivered', async () => {
    const api = grpcApi(h.client);
    const paymentId = newPaymentId();
    await api.authorize(authorizeRequest(paymentId, await cardToken(h.sim, '4242424242424242')));
    const capture = operation(paymentId, 'cap_a', 'CAPTURE', 1000);
    await Promise.all([handle(capture), handle(capture)]);
    await handle(capture);
    const refund = operation(paymentId, 'ref_a', 'REFUND', 400);
    await handle(refund);
    await handle(refund);
    const s = await h.authorizations.get(paymentId);
    expect(s).toMatchObject({ status: 'CAPTURED', capturedAmount: { minorUnits: 1000 }, refundedMinorUnits: 400 });
    const ledger = (await (await fetch(`${h.sim.url}/_sim/ledger`)).json()) as {
      byPaymentId: Record<string, { settled: number; refunded: number; refunds: number }>;
    };
    expect(ledger.byPaymentId[paymentId]).toMatchObject({ settled: 600, refunded: 400, refunds: 1 });
  });

  it('charges a stored card without a call, off-session, with the registration account and customer', async () => {
    const api = grpcApi(h.client);
    const registration = newPaymentId();
    const registered = await api.authorize(
      authorizeRequest(registration, await cardToken(h.sim, '5555555555554444'), {
        mode: PaymentMode.PAYMENT_MODE_REGISTER_CARD,
        amount: undefined,
      }),
    );
    const r = registered.ok ? registered.value.authorization : undefined;
    const paymentId = newPaymentId();
    const requested = envelope(PaymentEventTypes.requested, paymentId, {
      paymentId,
      orderId: 'order-mit',
      orderSystem: 'shop',
      amount: 2500,
      currency: 'JPY',
      mode: 'AUTHORIZE',
      storedCard: {
        registrationPaymentId: registration,
        storedCardReference: r?.storedCardReference,
        customerReference: r?.customerReference,
      },
    });
    await handle(requested);
    await handle(requested);
    expect(await h.authorizations.get(paymentId)).toMatchObject({
      status: 'APPROVED',
      merchantInitiated: true,
      customerReference: r?.customerReference,
      amount: { minorUnits: 2500 },
    });
    const made = (await charges(h.sim)).charges.filter((c) => c.paymentId === paymentId);
    expect(made).toHaveLength(1);
    expect(made[0]?.moto).toBe(false);
  });

  it('records a charge of a card it never stored as failed, sending nothing', async () => {
    const registration = newPaymentId();
    await grpcApi(h.client).authorize(
      authorizeRequest(registration, await cardToken(h.sim, '5555555555554444'), {
        mode: PaymentMode.PAYMENT_MODE_REGISTER_CARD,
        amount: undefined,
      }),
    );
    const paymentId = newPaymentId();
    await handle(
      envelope(PaymentEventTypes.requested, paymentId, {
        paymentId,
        orderId: 'order-x',
        amount: 100,
        currency: 'JPY',
        mode: 'CAPTURE',
        storedCard: { registrationPaymentId: registration, storedCardReference: 'pm_nope', customerReference: '' },
      }),
    );
    expect(await h.authorizations.get(paymentId)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'stored_card_unknown', retryable: false },
    });
    expect((await charges(h.sim)).byPaymentId[paymentId]).toBeUndefined();
  });

  it("leaves another deployment's payments alone: nothing recorded, nothing published, nothing sent", async () => {
    const paymentId = newPaymentId();
    warnings.length = 0;
    await handle(operation(paymentId, 'cap_other', 'CAPTURE', 100));
    await handle(
      envelope(PaymentEventTypes.requested, paymentId, {
        paymentId,
        orderId: 'order-other',
        amount: 100,
        currency: 'JPY',
        mode: 'CAPTURE',
        storedCard: { registrationPaymentId: newPaymentId(), storedCardReference: 'pm_x', customerReference: '' },
      }),
    );
    await expect(h.authorizations.get(paymentId)).rejects.toThrow(/not found|no authorization/i);
    expect(warnings).toEqual(['payment request skipped', 'payment request skipped']);
    expect((await charges(h.sim)).byPaymentId[paymentId]).toBeUndefined();
  });

  it('skips what can never be carried out, and ignores everything else', async () => {
    warnings.length = 0;
    await handle(envelope(PaymentEventTypes.operationRequested, 'pay_x', { paymentId: 'pay_x', operation: 'DOUBLE' }));
    await handle(envelope(PaymentEventTypes.cancelled, 'pay_x', { paymentId: 'pay_x' }));
    await handle(envelope(PaymentEventTypes.requested, 'pay_y', { paymentId: 'pay_y', mode: 'AUTHORIZE' }));
    expect(warnings).toEqual(['payment request skipped']);
  });
});
