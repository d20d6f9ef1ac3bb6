import {
  DEFAULT_SHOP,
  DEFAULT_SITE,
  type GmoPgSimulator,
  type LedgerSummary,
  saveTestCard,
  startGmoPgSimulator,
} from '@ivr/gmo-pg-simulator';
import { type AuthorizeRequest, GmoPgGateway, gmoCardReference, gmoMemberId, gmoOrderId } from '../src';
import { newPaymentId } from './gateway-contract';
import { setFault } from './sim-helpers';

// What is GMO-PG's own beyond the shared contract: charsets, answers cut short, cancelling by Japan-time
// date, and reconciling an unknown outcome of each API by SearchTrade (never a second charge).
let sim: GmoPgSimulator;
let gmo: GmoPgGateway;
const credentials = { provider: 'gmo-pg' as const, ...DEFAULT_SHOP, ...DEFAULT_SITE };
const jpy = (minorUnits: number) => ({ minorUnits, currency: 'JPY' });
let members = 0;

beforeAll(async () => {
  sim = await startGmoPgSimulator({ port: 0 });
  gmo = new GmoPgGateway({ baseUrl: sim.url, credentials, timeoutMs: 1500 });
});
afterAll(() => sim.close());
afterEach(async () => {
  await fetch(`${sim.url}/_sim/faults`, { method: 'DELETE' });
  await admin('PUT', '/settings', { charset: 'Shift_JIS' });
});

async function admin(method: string, path: string, json?: unknown) {
  const res = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
}

async function card(number = '4111111111111111'): Promise<string> {
  members += 1;
  const saved = await saveTestCard(sim.url, DEFAULT_SITE, gmoMemberId(`gmo-int-${process.pid}-${members}`), number);
  return gmoCardReference(saved.memberId, saved.cardSeq);
}

async function request(over: Partial<AuthorizeRequest> = {}): Promise<AuthorizeRequest> {
  const paymentId = newPaymentId();
  return {
    idempotencyKey: `${paymentId}:authorize`,
    paymentId,
    orderReference: 'o',
    cardToken: await card(),
    amount: jpy(3000),
    capture: false,
    ...over,
  };
}

async function order(paymentId: string) {
  return (await admin('GET', `/orders/${gmoOrderId(paymentId)}`)) as {
    status: string;
    amount: number;
    summary: LedgerSummary;
    ledger: { api: string; jobCd: string }[];
  };
}

describe('GMO-PG connector: charsets and answers', () => {
  it('works the same with answers in UTF-8', async () => {
    await admin('PUT', '/settings', { charset: 'UTF-8' });
    const r = await request();
    expect(await gmo.authorize(r)).toMatchObject({ kind: 'ok', value: { pspReference: gmoOrderId(r.paymentId) } });
  });

  it.each(['truncated', 'wrongCharset'] as const)(
    'an ExecTran answer %s: never taken as paid by guess; the retry settles it by SearchTrade',
    async (mode) => {
      const r = await request();
      await setFault(sim.url, { mode, count: 1, path: '/payment/ExecTran' });
      const first = await gmo.authorize(r);
      // Either the answer still holds everything an ExecTran answers (ASCII reads the same in both
      // charsets), or it is unknown; it is never a decline or a failure.
      expect(['ok', 'unknown']).toContain(first.kind);
      expect((await gmo.authorize(r)).kind).toBe('ok');
      expect((await order(r.paymentId)).summary.charges).toBe(1);
    },
  );

  it('an HTML page (text/html) instead of an answer is unknown, not paid', async () => {
    const r = await request();
    await setFault(sim.url, { mode: 'malformed', count: 1, path: '/payment/ExecTran' });
    expect(await gmo.authorize(r)).toMatchObject({ kind: 'unknown', cause: 'malformed_response' });
  });
});

describe('GMO-PG connector: unknown outcomes are reconciled by OrderID', () => {
  it('EntryTran timed out after entering: the retry carries on with that transaction', async () => {
    const r = await request();
    await setFault(sim.url, { mode: 'timeout', count: 1, path: '/payment/EntryTran' });
    expect(await gmo.authorize(r)).toMatchObject({ kind: 'unknown', cause: 'timeout' });
    expect(await gmo.authorize(r)).toMatchObject({ kind: 'ok', value: { amount: jpy(3000) } });
    expect((await order(r.paymentId)).summary).toMatchObject({ charges: 1, held: 3000 });
  });

  it('the same OrderID for another amount is refused, nothing charged', async () => {
    const r = await request();
    await setFault(sim.url, { mode: 'http500', count: 1, path: '/payment/ExecTran' });
    expect((await gmo.authorize(r)).kind).toBe('unknown');
    const other = await gmo.authorize({ ...r, amount: jpy(3100) });
    expect(other).toMatchObject({ kind: 'rejected', code: 'order_id_in_use' });
    expect((await order(r.paymentId)).summary.charges).toBe(0);
  });

  it('a partial capture whose SALES timed out: the retry finds the lowered authorization and sells it once', async () => {
    const r = await request();
    const auth = await gmo.authorize(r);
    if (auth.kind !== 'ok') throw new Error('not authorized');
    const capture = { idempotencyKey: 'c', pspReference: auth.value.pspReference, amount: jpy(1800) };
    await setFault(sim.url, { mode: 'timeout', count: 1, path: '/payment/AlterTran' });
    expect((await gmo.capture(capture)).kind).toBe('unknown');
    expect(await gmo.capture(capture)).toMatchObject({ kind: 'ok', value: { capturedAmount: jpy(1800) } });
    const o = await order(r.paymentId);
    expect(o.summary).toMatchObject({ charges: 1, held: 0, settled: 1800 });
    expect(o.ledger.map((e) => `${e.api} ${e.jobCd}`)).toEqual(['ExecTran AUTH', 'ChangeTran AUTH', 'AlterTran SALES']);
  });

  it('a partial refund whose ChangeTran timed out: the retry sees it done and refunds nothing more', async () => {
    const r = await request({ capture: true });
    const sale = await gmo.authorize(r);
    if (sale.kind !== 'ok') throw new Error('not sold');
    const refund = {
      idempotencyKey: 'r',
      pspReference: sale.value.pspReference,
      amount: jpy(1000),
      capturedBefore: jpy(3000),
    };
    await setFault(sim.url, { mode: 'timeout', count: 1, path: '/payment/ChangeTran' });
    expect((await gmo.refund(refund)).kind).toBe('unknown');
    expect((await gmo.refund(refund)).kind).toBe('ok');
    expect((await order(r.paymentId)).summary).toMatchObject({ settled: 2000, refunded: 1000 });
  });

  it('a refund that matches neither the amount before nor after is refused (never guessed)', async () => {
    const r = await request({ capture: true });
    const sale = await gmo.authorize(r);
    if (sale.kind !== 'ok') throw new Error('not sold');
    const refund = await gmo.refund({
      idempotencyKey: 'r',
      pspReference: sale.value.pspReference,
      amount: jpy(500),
      capturedBefore: jpy(2500),
    });
    expect(refund).toMatchObject({ kind: 'rejected', code: 'amount_mismatch' });
    expect((await order(r.paymentId)).summary).toMatchObject({ settled: 3000, refunded: 0 });
  });
});

describe('GMO-PG connector: cancelling by Japan-time date', () => {
  it.each([
    ['the same day', 'VOID', 0],
    ['a later day of the month', 'RETURN', 1],
    ['a later month', 'RETURNX', 40],
  ])('on %s it cancels with %s', async (_when, jobCd, days) => {
    await admin('POST', '/clock', { now: '2026-07-01T01:00:00Z' });
    const simNow = () => Date.parse('2026-07-01T01:00:00Z') + days * 86_400_000;
    const gateway = new GmoPgGateway({ baseUrl: sim.url, credentials, timeoutMs: 1500, now: simNow });
    const r = await request({ capture: true });
    const sale = await gateway.authorize(r);
    if (sale.kind !== 'ok') throw new Error('not sold');
    if (days > 0) await admin('POST', '/clock', { advanceMs: days * 86_400_000 });
    const refund = {
      idempotencyKey: 'r',
      pspReference: sale.value.pspReference,
      amount: jpy(3000),
      capturedBefore: jpy(3000),
    };
    expect(await gateway.refund(refund)).toMatchObject({ kind: 'ok', value: { refundedAmount: jpy(3000) } });
    const o = await order(r.paymentId);
    expect(o.status).toBe(jobCd);
    expect(o.summary).toMatchObject({ settled: 0, refunded: 3000, cancelled: true });
    expect((await gateway.refund(refund)).kind).toBe('ok');
    await admin('POST', '/clock', { advanceMs: 0 });
  });

  it('when our clock and GMO-PG see different days, the JobCd GMO-PG accepts is found', async () => {
    await admin('POST', '/clock', { now: '2026-07-01T01:00:00Z' });
    // Our clock says the same day (VOID), GMO-PG's is two days on (RETURN).
    const gateway = new GmoPgGateway({
      baseUrl: sim.url,
      credentials,
      timeoutMs: 1500,
      now: () => Date.parse('2026-07-01T02:00:00Z'),
    });
    const r = await request();
    const auth = await gateway.authorize(r);
    if (auth.kind !== 'ok') throw new Error('not authorized');
    await admin('POST', '/clock', { advanceMs: 2 * 86_400_000 });
    expect(await gateway.void({ idempotencyKey: 'v', pspReference: auth.value.pspReference })).toMatchObject({
      kind: 'ok',
    });
    expect((await order(r.paymentId)).status).toBe('RETURN');
  });
});

describe('GMO-PG connector: what it refuses before sending', () => {
  it.each([
    ['another currency', { amount: { minorUnits: 100, currency: 'USD' } }, 'currency_not_supported'],
    ['more than 9,999,999 yen', { amount: jpy(10_000_000) }, 'amount_invalid'],
    ['a Stripe token', { cardToken: 'pm_123' }, 'invalid_card_reference'],
  ])('%s', async (_what, over, code) => {
    const r = await request(over as Partial<AuthorizeRequest>);
    expect(await gmo.authorize(r)).toMatchObject({ kind: 'rejected', code });
    expect(await admin('GET', `/orders/${gmoOrderId(r.paymentId)}`)).toMatchObject({ error: expect.any(String) });
  });

  it('wrong shop credentials are a refused request, not a decline', async () => {
    const wrong = new GmoPgGateway({
      baseUrl: sim.url,
      credentials: { ...credentials, shopPass: 'wrongpass1' },
      timeoutMs: 1500,
    });
    expect(await wrong.authorize(await request())).toMatchObject({ kind: 'rejected', code: 'E01030002' });
  });
});
