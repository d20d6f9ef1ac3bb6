import { type ServiceError, status } from '@grpc/grpc-js';
import {
  type GetPspAccountResponse,
  PspAccountServiceClient,
  type ResolveTransferCodeResponse,
} from '@ivr/contracts/orderlink/v1';
import { clientCredentials } from '@ivr/testkit/certificates';
import { call, type Harness, startGrpc, startHarness, validPayment } from './harness';

// Each order system's PSP account (docs/decisions/0010-psp-per-merchant.md): set through the API by an
// administrator's key, credentials sealed at rest and never answered, recorded on every new payment, and
// read by the services that call the PSP only (authorization in full, the vault GMO-PG's site only).
// The credentials are the GMO-PG simulator's test shop and site, and Stripe-shaped test keys.
const GMO = { shopId: 'tshop00000001', shopPass: 'shoppass01', siteId: 'tsite00000001', sitePass: 'sitepass01' };

describe("order systems' PSP accounts", () => {
  let h: Harness;
  let grpc: Awaited<ReturnType<typeof startGrpc>>;
  const clients: PspAccountServiceClient[] = [];
  const accountsAs = (identity: string) => {
    const client = new PspAccountServiceClient(`127.0.0.1:${grpc.port}`, clientCredentials(identity));
    clients.push(client);
    return (accountId: string) =>
      new Promise<GetPspAccountResponse>((resolve, reject) =>
        client.getPspAccount({ accountId }, (err, res) => (err ? reject(err) : resolve(res))),
      );
  };
  let keyWithoutScope: string;

  beforeAll(async () => {
    h = await startHarness('olpsp');
    grpc = await startGrpc(h);
    ({ key: keyWithoutScope } = await h.core.apiKeys.issue(
      'shop',
      'payments only',
      ['payments:read', 'payments:write'],
      'test',
    ));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await grpc.stop();
    await h.close();
  });

  it('answers the default account until one is set', async () => {
    const res = await call(h, 'GET', '/v1/psp-account');
    expect(res).toMatchObject({ status: 200, body: { accountId: 'default', default: true } });
    const p = await call(h, 'POST', '/v1/payments', { body: validPayment('PSP-0'), idempotencyKey: 'psp-pay-0' });
    expect(p.body).toMatchObject({ orderSystem: 'shop', pspAccountId: 'default' });
  });

  it('refuses a key without psp_accounts:manage, and credentials that are incomplete, naming the field', async () => {
    const body = { provider: 'gmo-pg', credentials: GMO };
    expect(
      (await call(h, 'POST', '/v1/psp-account', { body, key: keyWithoutScope, idempotencyKey: 'psp-set-x' })).status,
    ).toBe(403);
    const bad = await call(h, 'POST', '/v1/psp-account', {
      body: { provider: 'gmo-pg', credentials: { ...GMO, shopPass: '' } },
      idempotencyKey: 'psp-set-bad',
    });
    expect(bad).toMatchObject({ status: 400, body: { errors: [{ field: 'credentials.shopPass' }] } });
    expect(
      (
        await call(h, 'POST', '/v1/psp-account', {
          body: { provider: 'paypal', credentials: {} },
          idempotencyKey: 'psp-set-pp',
        })
      ).status,
    ).toBe(400);
  });

  it('sets a GMO-PG account: answered without credentials, sealed at rest, recorded on new payments', async () => {
    const set = await call(h, 'POST', '/v1/psp-account', {
      body: { provider: 'gmo-pg', credentials: GMO },
      idempotencyKey: 'psp-set-1',
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      accountId: expect.stringMatching(/^pa_[0-9a-f]{24}$/),
      default: false,
      provider: 'gmo-pg',
      shopId: GMO.shopId,
      siteId: GMO.siteId,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const accountId = set.body.accountId as string;
    expect(JSON.stringify((await call(h, 'GET', '/v1/psp-account')).body)).not.toMatch(/shoppass01|sitepass01/);

    // At rest: ciphertext and key id only; neither password anywhere in the row or the idempotency record.
    const { rows } = await h.pool.query(`select to_jsonb(a) as row from "${h.schema}".psp_accounts a`);
    const stored = JSON.stringify(rows);
    expect(stored).not.toMatch(/shoppass01|sitepass01/);
    expect(rows[0].row).toMatchObject({ credentials_key_id: 'test-1', active: true });
    const { rows: remembered } = await h.pool.query(`select response::text as r from "${h.schema}".idempotency_keys`);
    expect(JSON.stringify(remembered)).not.toMatch(/shoppass01|sitepass01/);

    const p = await call(h, 'POST', '/v1/payments', { body: validPayment('PSP-1'), idempotencyKey: 'psp-pay-1' });
    expect(p.body).toMatchObject({ orderSystem: 'shop', pspAccountId: accountId });
    // call-control learns the account id with the transfer code, never the credentials.
    const resolved = await new Promise<ResolveTransferCodeResponse>((resolve, reject) =>
      grpc.codes.resolveTransferCode({ transferCode: String(p.body.transferCode) }, (err, res) =>
        err ? reject(err) : resolve(res),
      ),
    );
    expect(resolved.pspAccountId).toBe(accountId);
  });

  it('gives the credentials to authorization in full, to the vault the site only, to nobody else', async () => {
    const { accountId } = (await call(h, 'GET', '/v1/psp-account')).body as { accountId: string };
    expect(await accountsAs('authorization')(accountId)).toEqual({
      accountId,
      provider: 'gmo-pg',
      credentials: { $case: 'gmoPg', value: GMO },
    });
    expect(await accountsAs('dtmf-vault')(accountId)).toEqual({
      accountId,
      provider: 'gmo-pg',
      credentials: { $case: 'gmoPg', value: { shopId: '', shopPass: '', siteId: GMO.siteId, sitePass: GMO.sitePass } },
    });
    const refused = (await accountsAs('call-control')(accountId).catch((e: unknown) => e)) as ServiceError;
    expect(refused.code).toBe(status.PERMISSION_DENIED);
    const unknown = (await accountsAs('authorization')('pa_000000000000000000000000').catch(
      (e: unknown) => e,
    )) as ServiceError;
    expect(unknown.code).toBe(status.NOT_FOUND);
    const notHere = (await accountsAs('authorization')('default').catch((e: unknown) => e)) as ServiceError;
    expect(notHere.code).toBe(status.INVALID_ARGUMENT);
  });

  it('rotates credentials in place for the same provider; another provider is a new account, the old one kept', async () => {
    const before = (await call(h, 'GET', '/v1/psp-account')).body as { accountId: string };
    const rotated = await call(h, 'POST', '/v1/psp-account', {
      body: { provider: 'gmo-pg', credentials: { ...GMO, shopPass: 'newpass02' } },
      idempotencyKey: 'psp-set-2',
    });
    expect(rotated.body.accountId).toBe(before.accountId);
    expect(await accountsAs('authorization')(before.accountId)).toMatchObject({
      credentials: { value: { shopPass: 'newpass02' } },
    });

    const stripe = await call(h, 'POST', '/v1/psp-account', {
      body: { provider: 'stripe', credentials: { apiKey: 'sk_test_merchant_b' } },
      idempotencyKey: 'psp-set-3',
    });
    expect(stripe.body).toMatchObject({ provider: 'stripe', default: false });
    expect(stripe.body.accountId).not.toBe(before.accountId);
    // Payments made with the GMO-PG account keep it: its credentials stay readable.
    expect(await accountsAs('authorization')(before.accountId)).toMatchObject({ provider: 'gmo-pg' });
    expect(await accountsAs('authorization')(String(stripe.body.accountId))).toEqual({
      accountId: stripe.body.accountId,
      provider: 'stripe',
      credentials: { $case: 'stripe', value: { apiKey: 'sk_test_merchant_b' } },
    });
  });

  it('goes back to the default account; new payments use it, the account stays readable', async () => {
    const current = (await call(h, 'GET', '/v1/psp-account')).body as { accountId: string };
    expect(await call(h, 'DELETE', '/v1/psp-account')).toMatchObject({ status: 200, body: { accountId: 'default' } });
    const p = await call(h, 'POST', '/v1/payments', { body: validPayment('PSP-2'), idempotencyKey: 'psp-pay-2' });
    expect(p.body).toMatchObject({ pspAccountId: 'default' });
    expect(await accountsAs('authorization')(current.accountId)).toMatchObject({ provider: 'stripe' });
  });
});

describe('without PSP_ACCOUNT_KEYS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('olpspoff', undefined, null);
  });
  afterAll(() => h.close());

  it('refuses to keep credentials (503) and every payment uses the default account', async () => {
    const res = await call(h, 'POST', '/v1/psp-account', {
      body: { provider: 'gmo-pg', credentials: GMO },
      idempotencyKey: 'psp-off-1',
    });
    expect(res.status).toBe(503);
    const p = await call(h, 'POST', '/v1/payments', { body: validPayment('PSP-OFF'), idempotencyKey: 'psp-off-pay' });
    expect(p.body).toMatchObject({ pspAccountId: 'default' });
  });
});
