import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { Language, PaymentMode } from '@ivr/contracts/common/v1';
import {
  CallMode,
  CreatePaymentRequest,
  CreatePaymentResponse,
  type Payment,
  type PaymentServiceClient,
  PaymentStatus,
  type ResolveTransferCodeResponse,
  type TransferCodeServiceClient,
} from '@ivr/contracts/orderlink/v1';
import { type Harness, startGrpc, startHarness } from './harness';

describe('order-link gRPC API', () => {
  let h: Harness;
  let grpc: Awaited<ReturnType<typeof startGrpc>>;
  let payments: PaymentServiceClient;
  let codes: TransferCodeServiceClient;
  const auth = (key?: string) => {
    const md = new Metadata();
    if (key !== undefined) md.set('authorization', `Bearer ${key}`);
    return md;
  };
  const create = (req: Partial<CreatePaymentRequest>, md: Metadata) =>
    new Promise<Payment>((resolve, reject) =>
      payments.createPayment(
        {
          idempotencyKey: 'grpc-key-1',
          orderId: 'G-1',
          amount: { minorUnits: 5000, currency: 'JPY' },
          description: '',
          mode: PaymentMode.PAYMENT_MODE_AUTHORIZE,
          language: Language.LANGUAGE_EN,
          returnSipAddress: 'sip:op-3@pbx.example.com',
          callMode: CallMode.CALL_MODE_AGENT_ASSISTED,
          metadata: {},
          ...req,
        },
        md,
        (err, res) => (err ? reject(err) : resolve(res.payment!)),
      ),
    );
  const resolveCode = (transferCode: string) =>
    new Promise<ResolveTransferCodeResponse>((resolve, reject) =>
      codes.resolveTransferCode({ transferCode }, (err, res) => (err ? reject(err) : resolve(res))),
    );

  beforeAll(async () => {
    h = await startHarness('olgrpc');
    grpc = await startGrpc(h);
    ({ payments, codes } = grpc);
  });
  afterAll(async () => {
    await grpc.stop();
    await h.close();
  });

  it('creates a payment idempotently and call-control resolves its transfer code', async () => {
    const p = await create({}, auth(h.key));
    expect(p).toMatchObject({
      orderId: 'G-1',
      status: PaymentStatus.PAYMENT_STATUS_REQUESTED,
      amount: { minorUnits: 5000, currency: 'JPY' },
    });
    expect((await create({}, auth(h.key))).paymentId).toBe(p.paymentId);
    await expect(create({ orderId: 'G-other' }, auth(h.key))).rejects.toMatchObject({ code: status.ALREADY_EXISTS });

    const resolved = await resolveCode(p.transferCode);
    expect(resolved).toMatchObject({
      paymentId: p.paymentId,
      orderId: 'G-1',
      amount: { minorUnits: 5000, currency: 'JPY' },
      mode: PaymentMode.PAYMENT_MODE_AUTHORIZE,
      language: Language.LANGUAGE_EN,
      returnSipAddress: 'sip:op-3@pbx.example.com',
      callMode: CallMode.CALL_MODE_AGENT_ASSISTED,
    });
  });

  it('answers unknown, expired and used codes with NOT_FOUND / FAILED_PRECONDITION, and junk with INVALID_ARGUMENT', async () => {
    await expect(resolveCode('999999999')).rejects.toMatchObject({ code: status.NOT_FOUND });
    await expect(resolveCode('12ab')).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    const p = await create({ idempotencyKey: 'grpc-key-2', orderId: 'G-2' }, auth(h.key));
    h.clock.advance(15 * 60 * 1000);
    await expect(resolveCode(p.transferCode)).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
  });

  it('validates like REST and names the field; refuses calls without a key', async () => {
    const err = (await create(
      { idempotencyKey: 'grpc-key-3', amount: { minorUnits: 10, currency: 'yen' } },
      auth(h.key),
    ).catch((e: ServiceError) => e)) as ServiceError;
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('currency');
    await expect(create({ idempotencyKey: '' }, auth(h.key))).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(create({ idempotencyKey: 'grpc-key-4' }, auth())).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
    // A revoked key is refused at once, as on REST.
    const revoked = await h.core.apiKeys.issue('shop', 'revoked', ['payments:write'], 'test');
    const admin = {
      actor: { kind: 'api_key' as const, id: 'test', orderSystem: 'shop' },
      orderSystem: 'shop',
      scopes: new Set(['api_keys:manage']),
    };
    await h.core.apiKeys.revoke(admin, revoked.keyId);
    await expect(create({ idempotencyKey: 'grpc-key-5' }, auth(revoked.key))).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
    });
    const list = await new Promise<Payment[]>((resolve, reject) =>
      payments.listPayments(
        { pageSize: 10, pageToken: '', status: PaymentStatus.PAYMENT_STATUS_UNSPECIFIED, orderId: 'G-1' },
        auth(h.key),
        (e, r) => (e ? reject(e) : resolve(r.payments)),
      ),
    );
    expect(list.map((p) => p.orderId)).toEqual(['G-1']);
  });

  it('refuses a client from an older contract that still asks for the three-way call, saying why and what to use', async () => {
    // CreatePaymentRequest as such a client encodes it: the removed field 8 (a bool) set to true.
    const request: CreatePaymentRequest = {
      idempotencyKey: 'grpc-key-removed',
      orderId: 'G-removed',
      amount: { minorUnits: 5000, currency: 'JPY' },
      description: '',
      mode: PaymentMode.PAYMENT_MODE_AUTHORIZE,
      language: Language.LANGUAGE_EN,
      returnSipAddress: 'sip:op-3@pbx.example.com',
      metadata: {},
      callMode: CallMode.CALL_MODE_UNSPECIFIED,
    };
    const older = (r: CreatePaymentRequest) =>
      Buffer.concat([Buffer.from(CreatePaymentRequest.encode(r).finish()), Buffer.from([8 << 3, 1])]);
    const err = await new Promise<ServiceError>((resolve, reject) =>
      payments.makeUnaryRequest(
        '/ivr.orderlink.v1.PaymentService/CreatePayment',
        older,
        (b: Buffer) => CreatePaymentResponse.decode(b),
        request,
        auth(h.key),
        (e) => (e ? resolve(e) : reject(new Error('created a payment with the removed field set'))),
      ),
    );
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toContain('three_way was removed');
    expect(err.details).toContain('call_mode = CALL_MODE_AGENT_ASSISTED');
    // Nothing was created under that key: the same request without the field goes through.
    expect((await create({ idempotencyKey: 'grpc-key-removed', orderId: 'G-removed' }, auth(h.key))).orderId).toBe(
      'G-removed',
    );
  });
});
