import { type Answer, Gateway, type GatewaySettings } from '../src/domain';

/** A gateway with counting ids and a clock the test moves (Japan time 2030-06-15 10:00 to start). */
export function gatewayFixture(overrides: Partial<GatewaySettings> = {}) {
  let counter = 0;
  let now = Date.parse('2030-06-15T01:00:00Z');
  const settings: GatewaySettings = {
    shops: [
      { shopId: 'tshop00000001', shopPass: 'shoppass01', siteId: 'tsite00000001' },
      { shopId: 'tshop00000002', shopPass: 'shoppass02', siteId: 'tsite00000002' },
    ],
    sites: [
      { siteId: 'tsite00000001', sitePass: 'sitepass01' },
      { siteId: 'tsite00000002', sitePass: 'sitepass02' },
    ],
    cardMask: 'last4',
    maxCardsPerMember: 3,
    ...overrides,
  };
  const gateway = new Gateway(
    settings,
    {
      hex32: () => (++counter).toString(16).padStart(32, 'a'),
      digits: (n) => String(++counter).padStart(n, '0'),
    },
    () => now,
  );
  const call = (api: string, params: Record<string, string | number>): Answer =>
    gateway.call(`${api}.idPass`, new Map(Object.entries(params).map(([k, v]) => [k, String(v)])));
  const ok = (api: string, params: Record<string, string | number>): Record<string, string> => {
    const answer = call(api, params);
    if (answer.kind !== 'ok') throw new Error(`${api} answered ${answer.errInfos.join('|')}`);
    return Object.fromEntries(answer.fields);
  };
  const errors = (api: string, params: Record<string, string | number>): readonly string[] => {
    const answer = call(api, params);
    if (answer.kind !== 'error') throw new Error(`${api} succeeded`);
    return answer.errInfos;
  };
  const shop = { ShopID: 'tshop00000001', ShopPass: 'shoppass01' };
  const site = { SiteID: 'tsite00000001', SitePass: 'sitepass01' };
  /** EntryTran + ExecTran with a card; returns the access pair. */
  const pay = (orderId: string, amount: number, jobCd = 'AUTH', cardNo = '4111111111111111') => {
    const access = ok('EntryTran', { ...shop, OrderID: orderId, JobCd: jobCd, Amount: amount });
    ok('ExecTran', { ...access, OrderID: orderId, Method: 1, CardNo: cardNo, Expire: '3012', SecurityCode: '123' });
    return { AccessID: access.AccessID!, AccessPass: access.AccessPass! };
  };
  return {
    gateway,
    call,
    ok,
    errors,
    pay,
    shop,
    site,
    settings,
    advance: (ms: number) => {
      now += ms;
    },
    order: (orderId: string) => gateway.orders().find((o) => o.orderId === orderId)!,
  };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
