import { errCodeOf } from '../src/domain';
import { DAY, gatewayFixture, HOUR } from './gateway-fixture';

describe('EntryTran', () => {
  it('issues AccessID/AccessPass and leaves the order UNPROCESSED', () => {
    const g = gatewayFixture();
    const access = g.ok('EntryTran', { ...g.shop, OrderID: 'ord-1', JobCd: 'AUTH', Amount: 1200 });
    expect(access.AccessID).toMatch(/^[0-9a-f]{32}$/);
    expect(access.AccessPass).toMatch(/^[0-9a-f]{32}$/);
    expect(g.ok('SearchTrade', { ...g.shop, OrderID: 'ord-1' })).toMatchObject({
      Status: 'UNPROCESSED',
      JobCd: 'AUTH',
      Amount: '1200',
      CardNo: '',
      Method: '',
    });
  });

  it('answers as the recorded test environment did for JobCd=null&Amount=null', () => {
    const g = gatewayFixture();
    expect(g.errors('EntryTran', { ...g.shop, OrderID: 'null', JobCd: 'null', Amount: 'null' })).toEqual([
      'E01050002',
      'E01060006',
    ]);
  });

  it('lists every missing parameter at once', () => {
    const g = gatewayFixture();
    expect(g.errors('EntryTran', {})).toEqual(['E01010001', 'E01020001', 'E01040001', 'E01050001']);
  });

  it('refuses a wrong shop password, a used OrderID, bad OrderID characters and a JobCd it does not take', () => {
    const g = gatewayFixture();
    expect(
      g.errors('EntryTran', { ShopID: 'tshop00000001', ShopPass: 'wrong', OrderID: 'o', JobCd: 'AUTH', Amount: 1 }),
    ).toEqual(['E01030002']);
    g.ok('EntryTran', { ...g.shop, OrderID: 'dup', JobCd: 'AUTH', Amount: 1 });
    expect(g.errors('EntryTran', { ...g.shop, OrderID: 'dup', JobCd: 'AUTH', Amount: 1 })).toEqual(['E01040010']);
    expect(g.errors('EntryTran', { ...g.shop, OrderID: 'ord_1', JobCd: 'AUTH', Amount: 1 })).toEqual(['E01040013']);
    expect(g.errors('EntryTran', { ...g.shop, OrderID: 'x'.repeat(28), JobCd: 'AUTH', Amount: 1 })).toEqual([
      'E01040003',
    ]);
    expect(g.errors('EntryTran', { ...g.shop, OrderID: 'o2', JobCd: 'SALES', Amount: 1 })).toEqual(['E01050004']);
    expect(g.errors('EntryTran', { ...g.shop, OrderID: 'o3', JobCd: 'AUTH', Amount: 9_999_999, Tax: 1 })).toEqual([
      'E01490005',
    ]);
  });

  it('keeps OrderIDs per shop', () => {
    const g = gatewayFixture();
    g.ok('EntryTran', { ...g.shop, OrderID: 'same', JobCd: 'AUTH', Amount: 1 });
    g.ok('EntryTran', { ShopID: 'tshop00000002', ShopPass: 'shoppass02', OrderID: 'same', JobCd: 'AUTH', Amount: 1 });
  });
});

describe('ExecTran', () => {
  it('authorizes once: a second ExecTran on the transaction is E11010001 and charges nothing', () => {
    const g = gatewayFixture();
    const access = g.pay('ord-1', 1200);
    expect(
      g.errors('ExecTran', { ...access, OrderID: 'ord-1', Method: 1, CardNo: '4111111111111111', Expire: '3012' }),
    ).toEqual(['E11010001']);
    expect(g.gateway.charges()).toMatchObject({ total: 1, byOrderId: { 'ord-1': 1 } });
    expect(g.order('ord-1')).toMatchObject({ status: 'AUTH', amount: 1200, card: '************1111' });
  });

  it('answers like the recorded ExecTran, with the client fields only when asked', () => {
    const g = gatewayFixture();
    const access = g.ok('EntryTran', { ...g.shop, OrderID: 'o', JobCd: 'CAPTURE', Amount: 500 });
    const answer = g.ok('ExecTran', {
      ...access,
      OrderID: 'o',
      Method: 1,
      CardNo: '3530111333300000',
      Expire: '3012',
      ClientField1: '電話注文',
      ClientFieldFlag: 1,
    });
    expect(Object.keys(answer)).toEqual([
      'ACS',
      'OrderID',
      'Forward',
      'Method',
      'PayTimes',
      'Approve',
      'TranID',
      'TranDate',
      'CheckString',
      'ClientField1',
      'ClientField2',
      'ClientField3',
    ]);
    expect(answer).toMatchObject({ ACS: '0', OrderID: 'o', Method: '1', PayTimes: '', ClientField1: '電話注文' });
    expect(answer.TranID).toMatch(/^\d{28}$/);
    expect(answer.TranDate).toBe('20300615100000'); // Japan time
    expect(answer.CheckString).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ['4000000000009995', '42G020000', 'G02'],
    ['4000000000006975', '42G030000', 'G03'],
    ['4000000000000069', '42G830000', 'G83'],
    ['4000000000000127', '42G440000', 'G44'],
    ['4000000000000002', '42G120000', 'G12'],
    ['4000000000009987', '42G600000', 'G60'],
    ['4000000000000119', '42C010000', 'C01'],
    ['4242424242424241', '42G650000', 'G65'],
    ['4532015112830366', '42G970000', 'G97'],
  ])('declines %s with %s, leaves the order UNPROCESSED and executable again', (cardNo, errInfo, errCode) => {
    const g = gatewayFixture();
    const access = g.ok('EntryTran', { ...g.shop, OrderID: 'o', JobCd: 'AUTH', Amount: 1000 });
    const exec = { ...access, OrderID: 'o', Method: 1, Expire: '3012', SecurityCode: '123' };
    expect(g.errors('ExecTran', { ...exec, CardNo: cardNo })).toEqual([errInfo]);
    expect(errCodeOf(errInfo)).toBe(errCode);
    expect(g.order('o')).toMatchObject({ status: 'UNPROCESSED', declines: [{ errInfo }] });
    g.ok('ExecTran', { ...exec, CardNo: '4111111111111111' });
    expect(g.gateway.charges().total).toBe(1);
  });

  it('declines an expiry in the past (Japan time) and refuses malformed card fields', () => {
    const g = gatewayFixture();
    const access = g.ok('EntryTran', { ...g.shop, OrderID: 'o', JobCd: 'AUTH', Amount: 1000 });
    const exec = { ...access, OrderID: 'o', Method: 1 };
    expect(g.errors('ExecTran', { ...exec, CardNo: '4111111111111111', Expire: '3005' })).toEqual(['42G830000']);
    g.ok('ExecTran', { ...exec, CardNo: '4111111111111111', Expire: '3006' });
    const other = g.ok('EntryTran', { ...g.shop, OrderID: 'p', JobCd: 'AUTH', Amount: 1000 });
    expect(
      g.errors('ExecTran', {
        ...other,
        OrderID: 'p',
        CardNo: '6205500000000000004',
        Expire: '3013',
        SecurityCode: '12',
      }),
    ).toEqual(['E01260001', 'E01170003', 'E01180008', 'E01460008']);
  });

  it('needs AccessID/AccessPass of an existing transaction, and its OrderID', () => {
    const g = gatewayFixture();
    const access = g.ok('EntryTran', { ...g.shop, OrderID: 'o', JobCd: 'AUTH', Amount: 1000 });
    const card = { Method: 1, CardNo: '4111111111111111', Expire: '3012' };
    expect(g.errors('ExecTran', { ...access, OrderID: 'other', ...card })).toEqual(['E01110002']);
    expect(
      g.errors('ExecTran', { AccessID: access.AccessID!, AccessPass: 'b'.repeat(32), OrderID: 'o', ...card }),
    ).toEqual(['E01110002']);
    expect(g.errors('ExecTran', { ...access, OrderID: 'o', Method: 1, Token: 'tok' })).toEqual(['EX1000301']);
  });

  it('checks a card without charging it (JobCd CHECK: no Amount, no Method)', () => {
    const g = gatewayFixture();
    const access = g.ok('EntryTran', { ...g.shop, OrderID: 'c', JobCd: 'CHECK' });
    g.ok('ExecTran', { ...access, OrderID: 'c', CardNo: '4000000000009995', Expire: '3012' });
    expect(g.order('c')).toMatchObject({ status: 'CHECK', summary: { charges: 0, held: 0, settled: 0 } });
    expect(g.gateway.charges().total).toBe(0);
  });
});

describe('AlterTran', () => {
  it('answers as the recorded test environment did for AccessID=null&AccessPass=null', () => {
    const g = gatewayFixture();
    expect(
      g.errors('AlterTran', { ...g.shop, AccessID: 'null', AccessPass: 'null', JobCd: 'SALES', Amount: 'null' }),
    ).toEqual(['E01090008', 'E01100008', 'E01110002']);
  });

  it('captures an AUTH for exactly its amount, once', () => {
    const g = gatewayFixture();
    const access = g.pay('o', 1200);
    expect(g.errors('AlterTran', { ...g.shop, ...access, JobCd: 'SALES', Amount: 1000 })).toEqual(['E01060010']);
    expect(g.errors('AlterTran', { ...g.shop, ...access, JobCd: 'SALES' })).toEqual(['E01060001']);
    const sold = g.ok('AlterTran', { ...g.shop, ...access, JobCd: 'SALES', Amount: 1200 });
    expect(Object.keys(sold)).toEqual(['AccessID', 'AccessPass', 'Forward', 'Approve', 'TranID', 'TranDate']);
    expect(g.errors('AlterTran', { ...g.shop, ...access, JobCd: 'SALES', Amount: 1200 })).toEqual(['E11010003']);
    expect(g.order('o')).toMatchObject({ status: 'SALES', summary: { charges: 1, held: 0, settled: 1200 } });
  });

  it('refuses a change before ExecTran, from another shop, and a SALES of a CAPTURE', () => {
    const g = gatewayFixture();
    const entered = g.ok('EntryTran', { ...g.shop, OrderID: 'u', JobCd: 'AUTH', Amount: 1 });
    expect(g.errors('AlterTran', { ...g.shop, ...entered, JobCd: 'VOID' })).toEqual(['E11010002']);
    const other = { ShopID: 'tshop00000002', ShopPass: 'shoppass02' };
    expect(g.errors('AlterTran', { ...other, ...entered, JobCd: 'VOID' })).toEqual(['E01110002']);
    const captured = g.pay('c', 100, 'CAPTURE');
    expect(g.errors('AlterTran', { ...g.shop, ...captured, JobCd: 'SALES', Amount: 100 })).toEqual(['E11010003']);
    expect(g.errors('AlterTran', { ...g.shop, ...captured, JobCd: 'AUTH', Amount: 100 })).toEqual(['E01050004']);
  });

  it('voids on the same Japan-time day only, returns on a later day, RETURNX in a later month', () => {
    const g = gatewayFixture();
    const voided = g.pay('v', 100);
    g.advance(13 * HOUR); // 23:00 in Tokyo
    g.ok('AlterTran', { ...g.shop, ...voided, JobCd: 'VOID' });
    expect(g.order('v')).toMatchObject({ status: 'VOID', summary: { held: 0, settled: 0, cancelled: true } });

    const returned = g.pay('r', 100, 'CAPTURE');
    expect(g.errors('AlterTran', { ...g.shop, ...returned, JobCd: 'RETURN' })).toEqual(['E11010003']);
    g.advance(2 * HOUR); // 01:00 the next day in Tokyo
    expect(g.errors('AlterTran', { ...g.shop, ...returned, JobCd: 'VOID' })).toEqual(['E11010003']);
    g.ok('AlterTran', { ...g.shop, ...returned, JobCd: 'RETURN' });
    expect(g.order('r').summary).toMatchObject({ settled: 0, refunded: 100, cancelled: true });

    const later = g.pay('x', 100, 'CAPTURE');
    g.advance(20 * DAY);
    expect(g.errors('AlterTran', { ...g.shop, ...later, JobCd: 'RETURN' })).toEqual(['E11010003']);
    g.ok('AlterTran', { ...g.shop, ...later, JobCd: 'RETURNX' });
    expect(g.errors('AlterTran', { ...g.shop, ...later, JobCd: 'RETURNX' })).toEqual(['E11010003']);
  });

  it('refuses a capture after the authorization period and any change after 180 days', () => {
    const g = gatewayFixture();
    const old = g.pay('old', 100);
    g.advance(91 * DAY);
    expect(g.errors('AlterTran', { ...g.shop, ...old, JobCd: 'SALES', Amount: 100 })).toEqual(['E01420010']);
    g.advance(90 * DAY);
    expect(g.errors('AlterTran', { ...g.shop, ...old, JobCd: 'RETURNX' })).toEqual(['E11010010']);
  });
});

describe('ChangeTran', () => {
  it('re-authorizes an AUTH for a new amount (partial capture), then lowers a sale (partial refunds)', () => {
    const g = gatewayFixture();
    const access = g.pay('o', 1000);
    const before = g.order('o').ledger[0]!;
    const changed = g.ok('ChangeTran', { ...g.shop, ...access, JobCd: 'AUTH', Amount: 800 });
    expect(changed.TranID).not.toBe(before.tranId);
    g.ok('AlterTran', { ...g.shop, ...access, JobCd: 'SALES', Amount: 800 });
    g.ok('ChangeTran', { ...g.shop, ...access, JobCd: 'CAPTURE', Amount: 500 });
    g.ok('ChangeTran', { ...g.shop, ...access, JobCd: 'CAPTURE', Amount: 300 });
    expect(g.order('o')).toMatchObject({
      status: 'CAPTURE',
      amount: 300,
      summary: { charges: 1, held: 0, settled: 300, refunded: 500, cancelled: false },
    });
    expect(g.order('o').ledger.map((e) => [e.api, e.jobCd, e.amount, e.held, e.settled])).toEqual([
      ['ExecTran', 'AUTH', 1000, 1000, 0],
      ['ChangeTran', 'AUTH', 800, 800, 0],
      ['AlterTran', 'SALES', 800, 0, 800],
      ['ChangeTran', 'CAPTURE', 500, 0, 500],
      ['ChangeTran', 'CAPTURE', 300, 0, 300],
    ]);
    g.ok('AlterTran', { ...g.shop, ...access, JobCd: 'VOID' });
    expect(g.order('o').summary).toMatchObject({ settled: 0, refunded: 800, cancelled: true });
  });

  it('refuses a JobCd that does not fit the status, a cancelled payment and an unexecuted one', () => {
    const g = gatewayFixture();
    const access = g.pay('o', 1000);
    expect(g.errors('ChangeTran', { ...g.shop, ...access, JobCd: 'CAPTURE', Amount: 10 })).toEqual(['E11010003']);
    expect(g.errors('ChangeTran', { ...g.shop, ...access, JobCd: 'VOID', Amount: 10 })).toEqual(['E01050004']);
    expect(g.errors('ChangeTran', { ...g.shop, ...access, JobCd: 'AUTH' })).toEqual(['E01060001']);
    g.ok('AlterTran', { ...g.shop, ...access, JobCd: 'VOID' });
    expect(g.errors('ChangeTran', { ...g.shop, ...access, JobCd: 'AUTH', Amount: 10 })).toEqual(['E11010003']);
    const entered = g.ok('EntryTran', { ...g.shop, OrderID: 'u', JobCd: 'AUTH', Amount: 1 });
    expect(g.errors('ChangeTran', { ...g.shop, ...entered, JobCd: 'AUTH', Amount: 10 })).toEqual(['E11010002']);
  });
});

describe('SearchTrade', () => {
  it('answers the recorded fields in order, and E01110002 for an OrderID never entered', () => {
    const g = gatewayFixture({ cardMask: 'first6last4' });
    g.pay('o', 1200);
    expect(Object.keys(g.ok('SearchTrade', { ...g.shop, OrderID: 'o' }))).toEqual(
      'OrderID Status ProcessDate JobCd AccessID AccessPass ItemCode Amount Tax SiteID MemberID CardNo Expire Method PayTimes Forward TranID Approve ClientField1 ClientField2 ClientField3'.split(
        ' ',
      ),
    );
    expect(g.ok('SearchTrade', { ...g.shop, OrderID: 'o' }).CardNo).toBe('411111******1111');
    expect(g.errors('SearchTrade', { ...g.shop, OrderID: 'never' })).toEqual(['E01110002']);
    expect(g.errors('SearchTrade', { ShopID: 'tshop00000002', ShopPass: 'shoppass02', OrderID: 'o' })).toEqual([
      'E01110002',
    ]);
  });
});

describe('error codes', () => {
  it('derives ErrCode from ErrInfo as GMO-PG does', () => {
    expect(errCodeOf('E01040010')).toBe('E01');
    expect(errCodeOf('42G550000')).toBe('G55');
    expect(errCodeOf('42C010000')).toBe('C01');
    expect(errCodeOf('EX1000301')).toBe('EX1');
  });

  it('answers E91099997 for an API it does not have', () => {
    const g = gatewayFixture();
    expect(g.call('EntryExecTran', {})).toEqual({ kind: 'error', errInfos: ['E91099997'] });
  });
});
