import { type GmoPgSimulator, startGmoPgSimulator } from '../src/index';
import { admin, post, SHOP, SITE, sjis } from './gmo-client';

let sim: GmoPgSimulator;
const logLines: string[] = [];
beforeAll(async () => {
  sim = await startGmoPgSimulator({ port: 0, log: (line) => logLines.push(JSON.stringify(line)) });
});
afterAll(() => sim.close());
beforeEach(() => admin(sim.url, 'POST', '/reset'));

async function authorize(orderId: string, amount = 1200, extra: Record<string, string | number> = {}) {
  const entry = await post(sim.url, 'EntryTran', { ...SHOP, OrderID: orderId, JobCd: 'AUTH', Amount: amount });
  const access = { AccessID: entry.fields.AccessID!, AccessPass: entry.fields.AccessPass! };
  const exec = { ...access, OrderID: orderId, Method: 1, CardNo: '4111111111111111', Expire: '4912', ...extra };
  return { access, exec };
}

describe('the protocol over HTTP', () => {
  it('answers in Shift_JIS by default: raw Shift_JIS bytes in the body, as the recorded test environment', async () => {
    const { exec } = await authorize('ord-sjis');
    const answer = await post(sim.url, 'ExecTran', { ...exec, ClientField1: '電話注文', ClientFieldFlag: 1 });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/plain;charset=Windows-31J');
    expect(answer.body.includes(sjis('ClientField1=電話注文'))).toBe(true);
    expect(answer.fields).toMatchObject({ ACS: '0', OrderID: 'ord-sjis', ClientField1: '電話注文' });
    const trade = await post(sim.url, 'SearchTrade', { ...SHOP, OrderID: 'ord-sjis' });
    expect(trade.fields).toMatchObject({ Status: 'AUTH', Amount: '1200', CardNo: '************1111' });
  });

  it('answers in UTF-8 when the shop is set so, and reads requests in it', async () => {
    expect((await admin(sim.url, 'PUT', '/settings', { charset: 'UTF-8' })).body).toMatchObject({ charset: 'UTF-8' });
    await post(sim.url, 'SaveMember', { ...SITE, MemberID: 'mem-1', MemberName: '山田太郎' }, 'UTF-8');
    const member = await post(sim.url, 'SearchMember', { ...SITE, MemberID: 'mem-1' }, 'UTF-8');
    expect(member.contentType).toBe('text/plain;charset=UTF-8');
    expect(member.body.toString('utf8')).toBe('MemberID=mem-1&MemberName=山田太郎&DeleteFlag=0');
  });

  it('answers errors as ErrCode/ErrInfo lists with HTTP 200', async () => {
    const answer = await post(sim.url, 'EntryTran', { ...SHOP, OrderID: 'null', JobCd: 'null', Amount: 'null' });
    expect(answer.status).toBe(200);
    expect(answer.body.toString('latin1')).toBe('ErrCode=E01|E01&ErrInfo=E01050002|E01060006');
    const declined = await post(sim.url, 'ExecTran', {
      ...(await authorize('ord-d')).exec,
      CardNo: '4000000000009995',
    });
    expect(declined.body.toString('latin1')).toBe('ErrCode=G02&ErrInfo=42G020000');
  });

  it('refuses GET (E00000001) and an API it does not have (E91099997)', async () => {
    const get = await fetch(`${sim.url}/payment/SearchTrade.idPass?OrderID=x`);
    expect(await get.text()).toBe('ErrCode=E00&ErrInfo=E00000001');
    const unknown = await post(sim.url, 'EntryExecTran', { ...SHOP });
    expect(unknown.fields).toEqual({ ErrCode: 'E91', ErrInfo: 'E91099997' });
  });

  it('never logs or answers a full card number, a password or a security code', async () => {
    await post(sim.url, 'SaveMember', { ...SITE, MemberID: 'm' });
    const saved = await post(sim.url, 'SaveCard', {
      ...SITE,
      MemberID: 'm',
      CardNo: '5555555555554444',
      Expire: '4912',
      SecurityCode: '987',
    });
    expect(saved.fields.CardNo).toBe('************4444');
    const { exec } = await authorize('ord-log', 100, { SecurityCode: '987' });
    await post(sim.url, 'ExecTran', exec);
    const everything = [
      logLines.join('\n'),
      JSON.stringify((await admin(sim.url, 'GET', '/orders')).body),
      JSON.stringify((await admin(sim.url, 'GET', '/charges')).body),
    ].join('\n');
    for (const secret of ['5555555555554444', '4111111111111111', 'shoppass01', 'sitepass01', '987']) {
      expect(everything).not.toContain(secret);
    }
  });
});

describe('faults', () => {
  it('timeout: the charge is made and no answer comes; SearchTrade finds it and a second ExecTran is refused', async () => {
    const { exec } = await authorize('ord-t');
    await admin(sim.url, 'POST', '/faults', { mode: 'timeout', path: '/payment/ExecTran', count: 1 });
    const caller = new AbortController();
    const pending = post(sim.url, 'ExecTran', exec, 'Shift_JIS', caller.signal);
    // The client gives up once the charge is made (no clock involved: wait for the simulator to have it).
    while ((await admin(sim.url, 'GET', '/charges')).body.total === 0) await new Promise((r) => setImmediate(r));
    caller.abort();
    await expect(pending).rejects.toThrow();
    expect((await admin(sim.url, 'GET', '/charges')).body).toMatchObject({ total: 1, byOrderId: { 'ord-t': 1 } });
    expect((await post(sim.url, 'SearchTrade', { ...SHOP, OrderID: 'ord-t' })).fields.Status).toBe('AUTH');
    expect((await post(sim.url, 'ExecTran', exec)).fields.ErrInfo).toBe('E11010001');
    expect((await admin(sim.url, 'GET', '/charges')).body.total).toBe(1);
  });

  it('reset: the request runs, then the connection drops', async () => {
    await admin(sim.url, 'POST', '/faults', { mode: 'reset', path: '/payment/EntryTran', count: 1 });
    await expect(post(sim.url, 'EntryTran', { ...SHOP, OrderID: 'ord-r', JobCd: 'AUTH', Amount: 1 })).rejects.toThrow();
    expect((await post(sim.url, 'SearchTrade', { ...SHOP, OrderID: 'ord-r' })).fields.Status).toBe('UNPROCESSED');
    const again = await post(sim.url, 'EntryTran', { ...SHOP, OrderID: 'ord-r', JobCd: 'AUTH', Amount: 1 });
    expect(again.fields.ErrInfo).toBe('E01040010');
  });

  it('http503: nothing runs; the same OrderID can be entered afterwards', async () => {
    await admin(sim.url, 'POST', '/faults', { mode: 'http503', count: 1 });
    const failed = await post(sim.url, 'EntryTran', { ...SHOP, OrderID: 'ord-5', JobCd: 'AUTH', Amount: 1 });
    expect(failed.status).toBe(503);
    expect(failed.contentType).toMatch(/text\/html/);
    expect((await post(sim.url, 'SearchTrade', { ...SHOP, OrderID: 'ord-5' })).fields.ErrInfo).toBe('E01110002');
    expect(
      (await post(sim.url, 'EntryTran', { ...SHOP, OrderID: 'ord-5', JobCd: 'AUTH', Amount: 1 })).fields.AccessID,
    ).toBeDefined();
  });

  it('malformed, truncated and wrongCharset: the request runs, the answer cannot be trusted', async () => {
    const { exec } = await authorize('ord-m');
    await admin(sim.url, 'POST', '/faults', { mode: 'malformed', path: '/payment/ExecTran', count: 1 });
    const malformed = await post(sim.url, 'ExecTran', exec);
    expect(malformed.status).toBe(200);
    expect(malformed.body.toString('utf8')).toMatch(/^<!DOCTYPE html>/);
    expect((await admin(sim.url, 'GET', '/charges')).body.total).toBe(1);

    await admin(sim.url, 'POST', '/faults', { mode: 'truncated', path: '/payment/SearchTrade', count: 1 });
    const truncated = await post(sim.url, 'SearchTrade', { ...SHOP, OrderID: 'ord-m' });
    const full = await post(sim.url, 'SearchTrade', { ...SHOP, OrderID: 'ord-m' });
    expect(truncated.body.length).toBeLessThan(full.body.length);
    expect(full.body.subarray(0, truncated.body.length).equals(truncated.body)).toBe(true);

    await post(sim.url, 'SaveMember', { ...SITE, MemberID: 'mem-w', MemberName: '山田' });
    await admin(sim.url, 'POST', '/faults', { mode: 'wrongCharset', path: '/payment/SearchMember', count: 1 });
    const wrong = await post(sim.url, 'SearchMember', { ...SITE, MemberID: 'mem-w' });
    expect(wrong.contentType).toBe('text/plain;charset=Windows-31J');
    expect(wrong.body.includes(Buffer.from('山田', 'utf8'))).toBe(true);
    expect(wrong.fields.MemberName).not.toBe('山田');
  });

  it('refuses a bad fault rule with the field named', async () => {
    const answer = await admin(sim.url, 'POST', '/faults', { mode: 'explode' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/mode must be one of none, timeout, reset, malformed, truncated, wrongCharset/);
  });
});

describe('test controls', () => {
  it('shows each order with its ledger and money, for comparison with the product', async () => {
    const { access, exec } = await authorize('ord-l', 1000);
    await post(sim.url, 'ExecTran', exec);
    await post(sim.url, 'ChangeTran', { ...SHOP, ...access, JobCd: 'AUTH', Amount: 600 });
    await post(sim.url, 'AlterTran', { ...SHOP, ...access, JobCd: 'SALES', Amount: 600 });
    await post(sim.url, 'ChangeTran', { ...SHOP, ...access, JobCd: 'CAPTURE', Amount: 400 });
    const order = (await admin(sim.url, 'GET', '/orders/ord-l')).body;
    expect(order).toMatchObject({
      orderId: 'ord-l',
      status: 'CAPTURE',
      amount: 400,
      summary: { charges: 1, held: 0, settled: 400, refunded: 200, cancelled: false },
    });
    expect(order.ledger.map((e: { api: string; jobCd: string }) => `${e.api}:${e.jobCd}`)).toEqual([
      'ExecTran:AUTH',
      'ChangeTran:AUTH',
      'AlterTran:SALES',
      'ChangeTran:CAPTURE',
    ]);
    expect(order).not.toHaveProperty('accessPass');
    expect((await admin(sim.url, 'GET', '/orders/nope')).status).toBe(404);
  });

  it('moves the clock across GMO-PG day boundaries (VOID the same day, RETURN after)', async () => {
    await admin(sim.url, 'POST', '/clock', { now: '2030-06-15T01:00:00Z' }); // not the last day of a month
    const { access, exec } = await authorize('ord-c');
    await post(sim.url, 'ExecTran', exec);
    await admin(sim.url, 'POST', '/clock', { advanceMs: 86_400_000 });
    expect((await post(sim.url, 'AlterTran', { ...SHOP, ...access, JobCd: 'VOID' })).fields.ErrInfo).toBe('E11010003');
    const returned = await post(sim.url, 'AlterTran', { ...SHOP, ...access, JobCd: 'RETURN' });
    expect(returned.fields).toMatchObject({ AccessID: access.AccessID });
    expect((await admin(sim.url, 'GET', '/clock')).body.now).toMatch(/^2030-06-16T01:0/);
    expect((await admin(sim.url, 'POST', '/clock', { advanceMs: -1 })).status).toBe(400);
  });
});
