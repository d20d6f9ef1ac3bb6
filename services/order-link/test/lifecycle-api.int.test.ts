import { randomUUID } from 'node:crypto';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { type EventEnvelope, PaymentEventTypes, Topics } from '@ivr/contracts';
import { Language, PaymentMode } from '@ivr/contracts/common/v1';
import {
  CallMode,
  type Payment,
  type PaymentOperation,
  PaymentOperationKind,
  PaymentOperationStatus,
  type PaymentServiceClient,
} from '@ivr/contracts/orderlink/v1';
import { handleForeignEvent } from '../src/adapters/kafka/process-manager-consumer';
import { call, consoleSignIn, type Harness, serveEntry, startGrpc, startHarness, validPayment } from './harness';

// The REST lifecycle of an approved payment, on real PostgreSQL: order-link decides, records and publishes;
// authorization is played here by answering each PaymentOperationRequested from the outbox with the event
// authorization would publish, through the process manager as Kafka would deliver it.

const envelope = (type: string, aggregateType: string, aggregateId: string, payload: object): EventEnvelope => ({
  specVersion: 1,
  eventId: randomUUID(),
  type,
  aggregateType,
  aggregateId,
  version: 1,
  occurredAt: new Date().toISOString(),
  payload,
});

let h: Harness;
let handle: (e: EventEnvelope) => Promise<void>;
beforeAll(async () => {
  h = await startHarness('ollc');
  handle = handleForeignEvent(h.core.payments, { warn: () => undefined });
});
afterAll(() => h.close());

const outbox = async (topic: string, key: string) =>
  (
    await h.pool.query(`select envelope from "${h.schema}".outbox where topic = $1 and key = $2 order by position`, [
      topic,
      key,
    ])
  ).rows.map((r) => r.envelope as EventEnvelope);

/** An approved payment in mode AUTHORIZE (the call and authorization events folded in). */
async function approvedPayment(
  orderId: string,
  capabilities?: object,
  metadata: Record<string, string> = {},
): Promise<string> {
  const created = await call(h, 'POST', '/v1/payments', {
    body: { ...validPayment(orderId), mode: 'AUTHORIZE', amount: 1200, metadata },
    idempotencyKey: `create-${orderId}`,
  });
  const paymentId = String(created.body.paymentId);
  await handle(
    envelope('AuthorizationApproved', 'Authorization', paymentId, {
      paymentId,
      mode: 'AUTHORIZE',
      amount: 1200,
      currency: 'JPY',
      authorizationCode: '123456',
      pspReference: 'pi_1',
      captured: false,
      ...(capabilities ? { capabilities } : {}),
    }),
  );
  return paymentId;
}

/**
 * Plays authorization for the next operation requested of `paymentId`: answers it with `outcome` once it
 * appears on the outbox (as the real one would, through Kafka), while the REST request waits.
 */
function authorizationAnswers(paymentId: string, outcome: 'done' | 'refused'): Promise<void> {
  return (async () => {
    for (let i = 0; i < 100; i++) {
      const asked = (await outbox(Topics.payments, paymentId)).filter(
        (e) => e.type === PaymentEventTypes.operationRequested,
      );
      const answered = (await h.core.queries.get(paymentId))?.lifecycle?.operations ?? [];
      const op = asked
        .map((e) => e.payload as { operationId: string; operation: string; amount: number })
        .find((p) => answered.find((o) => o.operationId === p.operationId)?.status === 'PENDING');
      if (op) {
        const type =
          outcome === 'refused'
            ? 'AuthorizationOperationFailed'
            : { CAPTURE: 'AuthorizationCaptured', VOID: 'AuthorizationVoided', REFUND: 'AuthorizationRefunded' }[
                op.operation
              ]!;
        await handle(
          envelope(type, 'Authorization', paymentId, {
            paymentId,
            operationId: op.operationId,
            operation: op.operation,
            pspReference: 'pi_1',
            refundReference: 're_1',
            amount: op.amount,
            currency: 'JPY',
            code: 'psp_rejected:charge_expired_for_capture',
            message: 'the authorization expired',
          }),
        );
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('no operation was requested');
  })();
}

describe('captures, voids and refunds over REST', () => {
  it('captures part, then refunds in parts, each answered once the PSP did it, each on the public topic', async () => {
    const paymentId = await approvedPayment('LC-1');
    const [capture] = await Promise.all([
      call(h, 'POST', `/v1/payments/${paymentId}/captures`, { body: { amount: 1000 }, idempotencyKey: 'lc-1-capture' }),
      authorizationAnswers(paymentId, 'done'),
    ]);
    expect(capture.status).toBe(201);
    expect(capture.headers.get('location')).toBe(`/v1/payments/${paymentId}/captures/${capture.body.id}`);
    expect(capture.body).toMatchObject({
      id: expect.stringMatching(/^cap_[a-f0-9]{26}$/),
      operation: 'CAPTURE',
      status: 'SUCCEEDED',
      amount: 1000,
      final: true,
      requestedBy: expect.stringMatching(/^api_key:/),
      balance: { state: 'CAPTURED', authorized: 1200, captured: 1000, capturable: 0, refundable: 1000 },
    });

    for (const [key, amount] of [
      ['lc-1-refund-a', 300],
      ['lc-1-refund-b', 200],
    ] as const) {
      const [refund] = await Promise.all([
        call(h, 'POST', `/v1/payments/${paymentId}/refunds`, { body: { amount }, idempotencyKey: key }),
        authorizationAnswers(paymentId, 'done'),
      ]);
      expect(refund.body).toMatchObject({ operation: 'REFUND', status: 'SUCCEEDED', amount, refundReference: 're_1' });
    }
    const payment = await call(h, 'GET', `/v1/payments/${paymentId}`);
    expect(payment.body.balance).toEqual({
      state: 'PARTIALLY_REFUNDED',
      authorized: 1200,
      captured: 1000,
      refunded: 500,
      capturable: 0,
      refundable: 500,
    });
    const refunds = await call(h, 'GET', `/v1/payments/${paymentId}/refunds`);
    expect((refunds.body.data as { amount: number }[]).map((r) => r.amount)).toEqual([300, 200]);

    const published = await outbox(Topics.paymentLifecycle, 'LC-1');
    expect(published.map((e) => e.type)).toEqual(['PaymentCaptured', 'PaymentRefunded', 'PaymentRefunded']);
    expect(published[2]).toMatchObject({
      aggregateType: 'Payment',
      aggregateId: paymentId,
      payload: {
        paymentId,
        orderId: 'LC-1',
        orderSystem: 'shop',
        operation: { operation: 'REFUND', status: 'SUCCEEDED', amount: 200 },
        balance: { state: 'PARTIALLY_REFUNDED', refunded: 500, refundable: 500 },
      },
    });
  });

  it('answers the same key and body with the operation as it stands, and the key with another body 409', async () => {
    const paymentId = await approvedPayment('LC-2');
    const first = await call(h, 'POST', `/v1/payments/${paymentId}/captures`, {
      body: { amount: 500 },
      idempotencyKey: 'lc-2-capture',
    });
    expect(first.status).toBe(202); // nobody answered: PENDING after the wait
    expect(first.body).toMatchObject({ status: 'PENDING' });
    await authorizationAnswers(paymentId, 'done');
    const again = await call(h, 'POST', `/v1/payments/${paymentId}/captures`, {
      body: { amount: 500 },
      idempotencyKey: 'lc-2-capture',
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body).toMatchObject({ id: first.body.id, status: 'SUCCEEDED' });
    const other = await call(h, 'POST', `/v1/payments/${paymentId}/captures`, {
      body: { amount: 400 },
      idempotencyKey: 'lc-2-capture',
    });
    expect(other.status).toBe(409);
    const asked = (await outbox(Topics.payments, paymentId)).filter(
      (e) => e.type === PaymentEventTypes.operationRequested,
    );
    expect(asked).toHaveLength(1);
  });

  it.each([
    ['captures more than authorized', 'captures', { amount: 1201 }, 400, 'amount'],
    ['captures in parts at a PSP that captures once', 'captures', { amount: 100, final: false }, 400, 'final'],
    ['refunds before any capture', 'refunds', {}, 409, undefined],
    ['sends an unknown field', 'refunds', { amount: 1, currency: 'JPY' }, 400, 'currency'],
    ['voids with an amount', 'voids', { amount: 5 }, 400, 'amount'],
  ])('%s: a problem naming the field, nothing sent', async (_why, collection, body, status, field) => {
    const paymentId = await approvedPayment(`LC-3-${collection}-${randomUUID().slice(0, 6)}`);
    const answer = await call(h, 'POST', `/v1/payments/${paymentId}/${collection}`, {
      body,
      idempotencyKey: `lc-3-${randomUUID()}`,
    });
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    if (field) expect(answer.body.errors).toEqual([expect.objectContaining({ field })]);
    const asked = (await outbox(Topics.payments, paymentId)).filter(
      (e) => e.type === PaymentEventTypes.operationRequested,
    );
    expect(asked).toEqual([]);
  });

  it('refuses to void a captured payment, and to refund more than captured', async () => {
    const paymentId = await approvedPayment('LC-4');
    await Promise.all([
      call(h, 'POST', `/v1/payments/${paymentId}/captures`, { body: { amount: 700 }, idempotencyKey: 'lc-4-cap' }),
      authorizationAnswers(paymentId, 'done'),
    ]);
    const voided = await call(h, 'POST', `/v1/payments/${paymentId}/voids`, { idempotencyKey: 'lc-4-void' });
    expect(voided).toMatchObject({ status: 409, body: { detail: expect.stringContaining('refund it instead') } });
    const refund = await call(h, 'POST', `/v1/payments/${paymentId}/refunds`, {
      body: { amount: 701 },
      idempotencyKey: 'lc-4-ref',
    });
    expect(refund).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ field: 'amount' })] } });
  });

  it('voids an authorization; a refusal by the PSP is a FAILED void with nothing moved', async () => {
    const paymentId = await approvedPayment('LC-5');
    const [failed] = await Promise.all([
      call(h, 'POST', `/v1/payments/${paymentId}/voids`, {
        body: { reason: 'customer changed their mind' },
        idempotencyKey: 'lc-5-void-1',
      }),
      authorizationAnswers(paymentId, 'refused'),
    ]);
    expect(failed).toMatchObject({
      status: 201,
      body: {
        status: 'FAILED',
        failure: { reason: 'psp_rejected:charge_expired_for_capture' },
        reason: 'customer changed their mind',
      },
    });
    const [voided] = await Promise.all([
      call(h, 'POST', `/v1/payments/${paymentId}/voids`, { idempotencyKey: 'lc-5-void-2' }),
      authorizationAnswers(paymentId, 'done'),
    ]);
    expect(voided.body).toMatchObject({ status: 'SUCCEEDED', balance: { state: 'VOIDED', capturable: 0 } });
    expect((await outbox(Topics.paymentLifecycle, 'LC-5')).map((e) => e.type)).toEqual([
      'PaymentVoidFailed',
      'PaymentVoided',
    ]);
  });

  it('refuses to capture a declined payment (409), nothing sent', async () => {
    const created = await call(h, 'POST', '/v1/payments', {
      body: { ...validPayment('LC-DECLINED'), mode: 'AUTHORIZE', amount: 1200 },
      idempotencyKey: 'create-LC-DECLINED',
    });
    const paymentId = String(created.body.paymentId);
    await handle(
      envelope('AuthorizationDeclined', 'Authorization', paymentId, {
        paymentId,
        reason: 'INSUFFICIENT_FUNDS',
        pspCode: 'card_declined',
        pspDeclineCode: 'insufficient_funds',
      }),
    );
    expect((await call(h, 'GET', `/v1/payments/${paymentId}`)).body.status).toBe('DECLINED');
    const answer = await call(h, 'POST', `/v1/payments/${paymentId}/captures`, { idempotencyKey: 'lc-declined-cap' });
    expect(answer).toMatchObject({ status: 409, body: { detail: expect.stringContaining('declined') } });
    const asked = (await outbox(Topics.payments, paymentId)).filter(
      (e) => e.type === PaymentEventTypes.operationRequested,
    );
    expect(asked).toEqual([]);
  });

  it('refuses a partial capture at a PSP that captures the whole authorization only, naming amount', async () => {
    const paymentId = await approvedPayment('LC-WHOLE', {
      provider: 'stripe',
      partialCapture: false,
      multipleCaptures: false,
      partialRefund: true,
    });
    const answer = await call(h, 'POST', `/v1/payments/${paymentId}/captures`, {
      body: { amount: 600 },
      idempotencyKey: 'lc-whole-cap',
    });
    expect(answer).toMatchObject({
      status: 400,
      body: { errors: [expect.objectContaining({ field: 'amount' })], detail: expect.stringContaining('stripe') },
    });
  });

  it('refunds only with the scope payments:refund (403 with payments:write alone)', async () => {
    const paymentId = await approvedPayment('LC-SCOPE');
    await Promise.all([
      call(h, 'POST', `/v1/payments/${paymentId}/captures`, { idempotencyKey: 'lc-scope-cap' }),
      authorizationAnswers(paymentId, 'done'),
    ]);
    const { key } = await h.core.apiKeys.issue('shop', 'no-refunds', ['payments:read', 'payments:write'], 'test');
    const refused = await call(h, 'POST', `/v1/payments/${paymentId}/refunds`, {
      key,
      idempotencyKey: 'lc-scope-refund',
    });
    expect(refused).toMatchObject({ status: 403, body: { detail: expect.stringContaining('payments:refund') } });
    const voided = await call(h, 'POST', `/v1/payments/${paymentId}/voids`, { key, idempotencyKey: 'lc-scope-void' });
    expect(voided.status).toBe(409); // payments:write may void; a captured payment cannot be
  });

  it("an unknown payment, or another order system's, is not found, naming the payment", async () => {
    const paymentId = await approvedPayment('LC-6');
    const { key } = await h.core.apiKeys.issue('other-shop', 'other', ['payments:read', 'payments:write'], 'test');
    for (const [id, k] of [
      [paymentId, key],
      [`pay_${'0'.repeat(26)}`, h.key],
    ] as const) {
      const answer = await call(h, 'POST', `/v1/payments/${id}/captures`, { key: k, idempotencyKey: randomUUID() });
      expect(answer).toMatchObject({ status: 404, body: { errors: [{ in: 'path', field: 'paymentId' }] } });
      expect((await call(h, 'GET', `/v1/payments/${id}/captures`, { key: k })).status).toBe(404);
    }
  });
});

describe('charging a stored card without a call', () => {
  it('charges a card this order system registered; refuses an unknown or foreign one naming the field', async () => {
    const created = await call(h, 'POST', '/v1/payments', {
      body: { ...validPayment('LC-REG'), mode: 'REGISTER_CARD', amount: 0 },
      idempotencyKey: 'lc-reg-1',
    });
    const registration = String(created.body.paymentId);
    await handle(
      envelope('CardRegistered', 'Authorization', registration, {
        paymentId: registration,
        storedCardReference: 'pm_stored_1',
        customerReference: 'cus_1',
        pspReference: 'seti_1',
      }),
    );
    const registered = await call(h, 'GET', `/v1/payments/${registration}`);
    expect(registered.body.outcome).toMatchObject({ storedCardReference: 'pm_stored_1', customerReference: 'cus_1' });

    const charge = await call(h, 'POST', '/v1/payments', {
      body: {
        orderId: 'LC-MIT',
        amount: 3000,
        currency: 'JPY',
        mode: 'CAPTURE',
        storedCard: { storedCardReference: 'pm_stored_1', customerReference: 'cus_1' },
      },
      idempotencyKey: 'lc-mit-1',
    });
    expect(charge.status).toBe(201);
    expect(charge.body).toMatchObject({
      status: 'REQUESTED',
      transferCode: '',
      transferCodeExpiresAt: null,
      storedCard: { storedCardReference: 'pm_stored_1', registrationPaymentId: registration },
    });
    const requested = (await outbox(Topics.payments, String(charge.body.paymentId)))[0];
    expect(requested?.payload).toMatchObject({
      storedCard: {
        registrationPaymentId: registration,
        storedCardReference: 'pm_stored_1',
        customerReference: 'cus_1',
      },
    });

    const { key } = await h.core.apiKeys.issue('other-shop-2', 'other', ['payments:write'], 'test');
    for (const [k, storedCard, field] of [
      [key, { storedCardReference: 'pm_stored_1' }, 'storedCard.storedCardReference'],
      [h.key, { storedCardReference: 'pm_never' }, 'storedCard.storedCardReference'],
      [h.key, { storedCardReference: 'pm_stored_1', customerReference: 'cus_2' }, 'storedCard.customerReference'],
    ] as const) {
      const refused = await call(h, 'POST', '/v1/payments', {
        key: k,
        body: { orderId: 'LC-MIT-X', amount: 100, currency: 'JPY', mode: 'AUTHORIZE', storedCard },
        idempotencyKey: randomUUID(),
      });
      expect(refused).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ field })] } });
    }
    const phone = await call(h, 'POST', '/v1/payments', {
      body: { orderId: 'LC-PHONE', amount: 100, currency: 'JPY', mode: 'AUTHORIZE' },
      idempotencyKey: randomUUID(),
    });
    expect(phone.status).toBe(400);
    expect((phone.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'language',
      'returnSipAddress',
    ]);
  });
});

describe('captures, voids and refunds over gRPC (PaymentService)', () => {
  let grpc: Awaited<ReturnType<typeof startGrpc>>;
  let payments: PaymentServiceClient;
  beforeAll(async () => {
    grpc = await startGrpc(h);
    payments = grpc.payments;
  });
  afterAll(() => grpc.stop());
  const md = () => {
    const m = new Metadata();
    m.set('authorization', `Bearer ${h.key}`);
    return m;
  };
  const unary = <Req>(method: 'capturePayment' | 'refundPayment' | 'voidPayment', req: Req) =>
    new Promise<PaymentOperation>((resolve, reject) =>
      (
        payments[method] as (
          r: Req,
          m: Metadata,
          cb: (e: ServiceError | null, r: { operation?: PaymentOperation }) => void,
        ) => void
      ).call(payments, req, md(), (err, res) => (err ? reject(err) : resolve(res.operation as PaymentOperation))),
    );

  it('charges a stored card without a call (CreatePayment.stored_card), and refuses one it never stored', async () => {
    const created = await call(h, 'POST', '/v1/payments', {
      body: { ...validPayment('LC-G-REG'), mode: 'REGISTER_CARD', amount: 0 },
      idempotencyKey: 'lc-g-reg-1',
    });
    const registration = String(created.body.paymentId);
    await handle(
      envelope('CardRegistered', 'Authorization', registration, {
        paymentId: registration,
        storedCardReference: 'pm_stored_g',
        customerReference: 'cus_g',
        pspReference: 'seti_g',
      }),
    );
    const createPayment = (idempotencyKey: string, storedCardReference: string) =>
      new Promise<Payment>((resolve, reject) =>
        payments.createPayment(
          {
            idempotencyKey,
            orderId: 'LC-G-MIT',
            amount: { minorUnits: 2000, currency: 'JPY' },
            description: '',
            mode: PaymentMode.PAYMENT_MODE_CAPTURE,
            language: Language.LANGUAGE_UNSPECIFIED,
            returnSipAddress: '',
            callMode: CallMode.CALL_MODE_UNSPECIFIED,
            metadata: {},
            storedCard: { storedCardReference, customerReference: '', registrationPaymentId: '' },
          },
          md(),
          (err, res) => (err ? reject(err) : resolve(res.payment as Payment)),
        ),
      );
    const charged = await createPayment('lc-g-mit-1', 'pm_stored_g');
    expect(charged).toMatchObject({
      transferCode: '',
      storedCard: { storedCardReference: 'pm_stored_g', registrationPaymentId: registration },
    });
    const requested = (await outbox(Topics.payments, charged.paymentId))[0];
    expect(requested?.payload).toMatchObject({
      storedCard: {
        registrationPaymentId: registration,
        storedCardReference: 'pm_stored_g',
        customerReference: 'cus_g',
      },
    });
    await expect(createPayment('lc-g-mit-2', 'pm_never')).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining('stored'),
    });
  });

  it('captures and refunds with the same rules and answers as REST', async () => {
    const paymentId = await approvedPayment('LC-G1');
    const [captured] = await Promise.all([
      unary('capturePayment', { idempotencyKey: 'lc-g1-cap', paymentId, notFinal: false, reason: '' }),
      authorizationAnswers(paymentId, 'done'),
    ]);
    expect(captured).toMatchObject({
      operation: PaymentOperationKind.PAYMENT_OPERATION_KIND_CAPTURE,
      status: PaymentOperationStatus.PAYMENT_OPERATION_STATUS_SUCCEEDED,
      amount: { minorUnits: 1200, currency: 'JPY' },
      balance: { state: 'CAPTURED', captured: 1200, refundable: 1200 },
    });
    await expect(
      unary('refundPayment', {
        idempotencyKey: 'lc-g1-ref',
        paymentId,
        amount: { minorUnits: 1300, currency: 'JPY' },
        reason: '',
      }),
    ).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('amount.minor_units') });
    await expect(unary('voidPayment', { idempotencyKey: 'lc-g1-void', paymentId, reason: '' })).rejects.toMatchObject({
      code: status.FAILED_PRECONDITION,
    });
    await expect(
      unary('capturePayment', {
        idempotencyKey: 'lc-g1-unknown',
        paymentId: `pay_${'1'.repeat(26)}`,
        notFinal: false,
        reason: '',
      }),
    ).rejects.toMatchObject({ code: status.NOT_FOUND });
  });
});

describe('captures, voids and refunds in the console', () => {
  let base: string;
  const as: Record<string, { cookie: string; csrf: string }> = {};
  const operatorIds: Record<string, string> = {};
  beforeAll(async () => {
    const served = await serveEntry(h);
    base = served.base;
    for (const [username, role] of [
      ['lc-admin', 'admin'],
      ['lc-op', 'operator'],
    ] as const) {
      const o = await served.deps.operators.create(
        { actor: 'cli:test', role: 'cli' },
        { username, displayName: username, role, team: null, sipAddress: '' },
        `${username}-password-123`,
      );
      operatorIds[username] = o.operatorId;
      as[username] = await consoleSignIn(base, username, `${username}-password-123`, h.core.clock.now());
    }
  });
  const consoleCall = async (who: string, method: string, path: string, body?: object) => {
    const res = await fetch(`${base}/console/api${path}`, {
      method,
      headers: {
        origin: base,
        cookie: as[who]!.cookie,
        'x-csrf-token': as[who]!.csrf,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the console's answers, read as the screen reads them
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };

  it('shows the balance and operations to everyone who sees the payment; only a supervisor or admin acts', async () => {
    const paymentId = await approvedPayment('LC-CONSOLE', undefined, { operatorId: operatorIds['lc-op']! });
    const seen = await consoleCall('lc-op', 'GET', `/payments/${paymentId}`);
    expect(seen.body.payment).toMatchObject({ balance: { state: 'AUTHORIZED', capturable: 1200 }, operations: [] });
    const refused = await consoleCall('lc-op', 'POST', `/payments/${paymentId}/operations`, { operation: 'CAPTURE' });
    expect(refused.status).toBe(403);

    const [captured] = await Promise.all([
      consoleCall('lc-admin', 'POST', `/payments/${paymentId}/operations`, { operation: 'CAPTURE', amount: 1000 }),
      authorizationAnswers(paymentId, 'done'),
    ]);
    expect(captured).toMatchObject({
      status: 201,
      body: {
        operation: { operation: 'CAPTURE', status: 'SUCCEEDED', requestedBy: `operator:${operatorIds['lc-admin']}` },
        payment: { balance: { state: 'CAPTURED', captured: 1000, refundable: 1000 } },
      },
    });
    const tooMuch = await consoleCall('lc-admin', 'POST', `/payments/${paymentId}/operations`, {
      operation: 'REFUND',
      amount: 1001,
    });
    expect(tooMuch).toMatchObject({ status: 400, body: { errors: [expect.objectContaining({ field: 'amount' })] } });
    const [refunded] = await Promise.all([
      consoleCall('lc-admin', 'POST', `/payments/${paymentId}/operations`, {
        operation: 'REFUND',
        amount: 400,
        reason: 'damaged item',
      }),
      authorizationAnswers(paymentId, 'done'),
    ]);
    expect(refunded.body.payment.balance).toMatchObject({ state: 'PARTIALLY_REFUNDED', refunded: 400 });

    const detail = await consoleCall('lc-op', 'GET', `/payments/${paymentId}`);
    expect(
      (detail.body.payment.operations as { operation: string; amount: number }[]).map((o) => [o.operation, o.amount]),
    ).toEqual([
      ['CAPTURE', 1000],
      ['REFUND', 400],
    ]);
    const types = (detail.body.timeline as { type: string; data: Record<string, unknown> }[]).map((e) => e.type);
    expect(types.filter((t) => t.startsWith('PaymentOperation'))).toEqual([
      'PaymentOperationRequested',
      'PaymentOperationSucceeded',
      'PaymentOperationRequested',
      'PaymentOperationSucceeded',
    ]);
  });
});
