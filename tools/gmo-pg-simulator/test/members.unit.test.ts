import { gatewayFixture } from './gateway-fixture';

const card = (cardNo: string, extra: Record<string, string | number> = {}) => ({
  CardNo: cardNo,
  Expire: '3012',
  HolderName: 'TARO YAMADA',
  ...extra,
});

describe('members', () => {
  it('saves, finds, renames and deletes a member; a second SaveMember is E01390010', () => {
    const g = gatewayFixture();
    expect(g.ok('SaveMember', { ...g.site, MemberID: 'mem-1', MemberName: '山田太郎' })).toEqual({ MemberID: 'mem-1' });
    expect(g.errors('SaveMember', { ...g.site, MemberID: 'mem-1' })).toEqual(['E01390010']);
    expect(g.ok('SearchMember', { ...g.site, MemberID: 'mem-1' })).toEqual({
      MemberID: 'mem-1',
      MemberName: '山田太郎',
      DeleteFlag: '0',
    });
    g.ok('UpdateMember', { ...g.site, MemberID: 'mem-1', MemberName: 'Taro' });
    expect(g.ok('SearchMember', { ...g.site, MemberID: 'mem-1' }).MemberName).toBe('Taro');
    g.ok('DeleteMember', { ...g.site, MemberID: 'mem-1' });
    expect(g.errors('SearchMember', { ...g.site, MemberID: 'mem-1' })).toEqual(['E01390002']);
  });

  it('needs the site credentials and a well-formed MemberID', () => {
    const g = gatewayFixture();
    expect(g.errors('SaveMember', { SiteID: 'tsite00000001', SitePass: 'nope', MemberID: 'm' })).toEqual(['E01210002']);
    expect(g.errors('SaveMember', { MemberID: 'm' })).toEqual(['E01190001', 'E01200001']);
    expect(g.errors('SaveMember', { ...g.site, MemberID: 'a b' })).toEqual(['E01220008']);
    expect(g.errors('SaveMember', { ...g.site, MemberID: 'm'.repeat(61) })).toEqual(['E01220005']);
  });
});

describe('cards', () => {
  it('registers cards from CardSeq 0 with the number masked, and never keeps the number', () => {
    const g = gatewayFixture();
    g.ok('SaveMember', { ...g.site, MemberID: 'm' });
    expect(g.ok('SaveCard', { ...g.site, MemberID: 'm', ...card('4111111111111111') })).toEqual({
      CardSeq: '0',
      CardNo: '************1111',
      Forward: '2a99662',
      Brand: 'VISA',
    });
    expect(g.ok('SaveCard', { ...g.site, MemberID: 'm', ...card('36227206271667', { DefaultFlag: 1 }) })).toMatchObject(
      {
        CardSeq: '1',
        CardNo: '**********1667',
        Brand: 'DINERS',
      },
    );
    expect(g.ok('SearchCard', { ...g.site, MemberID: 'm', SeqMode: 0 })).toEqual({
      CardSeq: '0|1',
      DefaultFlag: '0|1',
      CardName: '|',
      CardNo: '************1111|**********1667',
      Expire: '3012|3012',
      HolderName: 'TARO YAMADA|TARO YAMADA',
      DeleteFlag: '0|0',
      Brand: 'VISA|DINERS',
    });
    expect(JSON.stringify(g.gateway.orders())).not.toContain('4111111111111111');
  });

  it('numbers logically (live cards) or physically (deleted ones kept, DeleteFlag=1)', () => {
    const g = gatewayFixture();
    g.ok('SaveMember', { ...g.site, MemberID: 'm' });
    g.ok('SaveCard', { ...g.site, MemberID: 'm', ...card('4111111111111111') });
    g.ok('SaveCard', { ...g.site, MemberID: 'm', ...card('5555555555554444') });
    expect(g.ok('DeleteCard', { ...g.site, MemberID: 'm', SeqMode: 0, CardSeq: 0 })).toEqual({ CardSeq: '0' });
    expect(g.ok('SearchCard', { ...g.site, MemberID: 'm', SeqMode: 0, CardSeq: 0 })).toMatchObject({
      CardSeq: '0',
      CardNo: '************4444',
    });
    expect(g.ok('SearchCard', { ...g.site, MemberID: 'm', SeqMode: 1 })).toMatchObject({
      CardSeq: '0|1',
      DeleteFlag: '1|0',
    });
    expect(g.errors('SearchCard', { ...g.site, MemberID: 'm', SeqMode: 1, CardSeq: 0 })).toEqual(['E01240002']);
    expect(g.errors('DeleteCard', { ...g.site, MemberID: 'm', SeqMode: 1, CardSeq: 0 })).toEqual(['E01240002']);
    expect(g.errors('DeleteCard', { ...g.site, MemberID: 'm' })).toEqual(['E01230001']);
  });

  it('replaces the card of a CardSeq, and refuses more cards than the contract allows', () => {
    const g = gatewayFixture({ maxCardsPerMember: 2 });
    g.ok('SaveMember', { ...g.site, MemberID: 'm' });
    g.ok('SaveCard', { ...g.site, MemberID: 'm', ...card('4111111111111111') });
    g.ok('SaveCard', { ...g.site, MemberID: 'm', ...card('5555555555554444') });
    expect(g.errors('SaveCard', { ...g.site, MemberID: 'm', ...card('3530111333300000') })).toEqual(['E01230009']);
    expect(g.ok('SaveCard', { ...g.site, MemberID: 'm', CardSeq: 1, ...card('3530111333300000') })).toMatchObject({
      CardSeq: '1',
      Brand: 'JCB',
    });
    expect(g.errors('SaveCard', { ...g.site, MemberID: 'm', CardSeq: 5, ...card('3530111333300000') })).toEqual([
      'E01240002',
    ]);
    expect(g.errors('SaveCard', { ...g.site, MemberID: 'nobody', ...card('4111111111111111') })).toEqual(['E01390002']);
  });

  it('checks the card with the card company: unusable, expired and security-code cards are refused at SaveCard', () => {
    const g = gatewayFixture();
    g.ok('SaveMember', { ...g.site, MemberID: 'm' });
    const save = (cardNo: string, extra = {}) =>
      g.errors('SaveCard', { ...g.site, MemberID: 'm', ...card(cardNo, extra) });
    expect(save('4000000000000002')).toEqual(['42G120000']);
    expect(save('4000000000000069')).toEqual(['42G830000']);
    expect(save('4000000000009987')).toEqual(['42G600000']);
    expect(save('4000000000000127', { SecurityCode: '123' })).toEqual(['42G440000']);
    expect(save('4242424242424241')).toEqual(['42G650000']);
    expect(save('6205500000000000004')).toEqual(['E01170003']);
    expect(save('4111111111111111', { Expire: '3005' })).toEqual(['42G830000']);
    expect(save('4111111111111111', { Token: 'tok' })).toEqual(['EX1000301']);
  });
});

describe('ExecTran by member', () => {
  function registered() {
    const g = gatewayFixture();
    g.ok('SaveMember', { ...g.site, MemberID: 'm' });
    g.ok('SaveCard', { ...g.site, MemberID: 'm', ...card('4111111111111111') });
    g.ok('SaveCard', { ...g.site, MemberID: 'm', ...card('4000000000009995') }); // balance shows only on payment
    g.ok('SaveCard', { ...g.site, MemberID: 'm', ...card('4000000000000127') }); // no security code given
    const exec = (orderId: string, params: Record<string, string | number>) => {
      const access = g.ok('EntryTran', { ...g.shop, OrderID: orderId, JobCd: 'AUTH', Amount: 700 });
      return g.call('ExecTran', { ...access, OrderID: orderId, Method: 1, ...g.site, MemberID: 'm', ...params });
    };
    return { g, exec };
  }

  it('charges the registered card of a CardSeq, and SearchTrade names the member', () => {
    const { g, exec } = registered();
    expect(exec('o1', { SeqMode: 1, CardSeq: 0 })).toMatchObject({ kind: 'ok' });
    expect(g.ok('SearchTrade', { ...g.shop, OrderID: 'o1' })).toMatchObject({
      Status: 'AUTH',
      SiteID: 'tsite00000001',
      MemberID: 'm',
      CardNo: '************1111',
      Expire: '3012',
    });
  });

  it('declines at payment what the validity check let through', () => {
    const { exec } = registered();
    expect(exec('o1', { SeqMode: 1, CardSeq: 1 })).toEqual({ kind: 'error', errInfos: ['42G020000'] });
    expect(exec('o2', { SeqMode: 1, CardSeq: 2 })).toMatchObject({ kind: 'ok' });
    expect(exec('o3', { SeqMode: 1, CardSeq: 2, SecurityCode: '123' })).toEqual({
      kind: 'error',
      errInfos: ['42G440000'],
    });
  });

  it('refuses an unknown member or card, a card number beside the member, and a site the shop is not in', () => {
    const { g, exec } = registered();
    expect(exec('o1', { MemberID: 'x', CardSeq: 0 })).toEqual({ kind: 'error', errInfos: ['E01390002'] });
    expect(exec('o2', { CardSeq: 9 })).toEqual({ kind: 'error', errInfos: ['E01240002'] });
    expect(exec('o3', { CardSeq: 0, CardNo: '4111111111111111' })).toEqual({ kind: 'error', errInfos: ['E01840010'] });
    expect(exec('o4', {})).toEqual({ kind: 'error', errInfos: ['E01230001'] });
    const other = { SiteID: 'tsite00000002', SitePass: 'sitepass02' };
    expect(exec('o5', { ...other, CardSeq: 0 })).toEqual({ kind: 'error', errInfos: ['E01650012'] });
    expect(g.gateway.charges().total).toBe(0);
  });
});
