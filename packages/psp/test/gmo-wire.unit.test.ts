import { GATEWAY_DECLINE_REASONS } from '@ivr/contracts';
import {
  gmoCardReference,
  gmoDeclineReason,
  gmoMemberId,
  gmoOrderId,
  outcomeOfGmoErrors,
  parseGmoAnswer,
  parseGmoCardReference,
} from '../src';
import { japanDate } from '../src/gmo/references';
import { encodeGmoForm, gmoCharsetOf } from '../src/gmo/wire';

const SJIS = 'text/plain;charset=Windows-31J';
const UTF8 = 'text/plain;charset=UTF-8';
const bytes = (text: string) => new TextEncoder().encode(text);
// ｶｰﾄﾞ (half-width katakana) in Shift_JIS: one byte each; 決済 two bytes each.
const SJIS_KANA = Uint8Array.from([0xb6, 0xb0, 0xc4, 0xde]);
const SJIS_KESSAI = Uint8Array.from([0x8c, 0x88, 0x8d, 0xcf]);
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('GMO-PG answers', () => {
  it('reads Name=value pairs in Windows-31J, values not percent-decoded', () => {
    const body = concat(
      bytes('AccessID=a1&AccessPass=p%2B1&ClientField1='),
      SJIS_KESSAI,
      bytes('&ClientField2='),
      SJIS_KANA,
    );
    const answer = parseGmoAnswer(body, SJIS);
    expect(answer).toMatchObject({ kind: 'ok', charset: 'shift_jis' });
    if (answer.kind !== 'ok') return;
    expect(Object.fromEntries(answer.fields)).toEqual({
      AccessID: 'a1',
      AccessPass: 'p%2B1',
      ClientField1: '決済',
      ClientField2: 'ｶｰﾄﾞ',
    });
  });

  it('reads UTF-8 when the Content-Type says so', () => {
    const answer = parseGmoAnswer(bytes('OrderID=p1&ClientField1=決済'), UTF8);
    expect(answer).toMatchObject({ kind: 'ok', charset: 'utf-8' });
    if (answer.kind === 'ok') expect(answer.fields.get('ClientField1')).toBe('決済');
  });

  it.each([
    ['text/plain; charset=Shift_JIS', 'shift_jis'],
    ['text/plain;charset="windows-31j"', 'shift_jis'],
    ['TEXT/PLAIN; Charset=MS932', 'shift_jis'],
    ['text/plain; charset=utf8', 'utf-8'],
  ])('knows %s as %s', (contentType, charset) => {
    expect(gmoCharsetOf(contentType)).toBe(charset);
  });

  it.each([
    [null, 'no Content-Type'],
    ['text/plain', 'names no charset'],
    ['text/html;charset=UTF-8', 'not text/plain'],
    ['text/plain;charset=EUC-JP', 'neither Windows-31J nor UTF-8'],
    ['text/plain;charset=ISO-8859-1', 'neither Windows-31J nor UTF-8'],
  ])('refuses the Content-Type %s (%s)', (contentType, reason) => {
    const answer = parseGmoAnswer(bytes('AccessID=a&AccessPass=b'), contentType);
    expect(answer).toEqual({ kind: 'malformed', reason: expect.stringContaining(reason) });
  });

  it('refuses bytes that are not valid in the announced charset, never guessing', () => {
    // Shift_JIS kanji bytes announced as UTF-8; a lone lead byte announced as Windows-31J.
    expect(parseGmoAnswer(concat(bytes('ClientField1='), SJIS_KESSAI), UTF8)).toEqual({
      kind: 'malformed',
      reason: 'the answer is not valid UTF-8',
    });
    expect(parseGmoAnswer(concat(bytes('ClientField1='), Uint8Array.from([0x8c])), SJIS)).toEqual({
      kind: 'malformed',
      reason: 'the answer is not valid Windows-31J',
    });
  });

  it.each([
    ['', 'empty'],
    ['<!DOCTYPE html><html><body>System maintenance</body></html>', 'not Name=value'],
    ['AccessID=a&garbage', 'not Name=value'],
    ['AccessID=a&AccessID=b', 'names AccessID twice'],
    ['ErrCode=E01|E01&ErrInfo=E01050002', 'do not match'],
    ['ErrCode=E01&ErrInfo=E0105', 'do not match'],
  ])('refuses the malformed body %j', (body, reason) => {
    expect(parseGmoAnswer(bytes(body), SJIS)).toEqual({ kind: 'malformed', reason: expect.stringContaining(reason) });
  });

  it('reads every problem of a refusal, in order', () => {
    const answer = parseGmoAnswer(bytes('ErrCode=E01|E01|E01&ErrInfo=E01090008|E01100008|E01110002'), SJIS);
    expect(answer).toEqual({
      kind: 'error',
      charset: 'shift_jis',
      errors: [
        { errCode: 'E01', errInfo: 'E01090008' },
        { errCode: 'E01', errInfo: 'E01100008' },
        { errCode: 'E01', errInfo: 'E01110002' },
      ],
    });
  });
});

describe('GMO-PG requests', () => {
  it('percent-encodes every value that is not unreserved', () => {
    expect(
      encodeGmoForm([
        ['ShopID', 'tshop1'],
        ['MemberID', 'a@b c+d'],
        ['Amount', 1200],
      ]),
    ).toBe('ShopID=tshop1&MemberID=a%40b%20c%2Bd&Amount=1200');
  });

  it('refuses a non-ASCII value (the product sends none)', () => {
    expect(() => encodeGmoForm([['ClientField1', '決済']])).toThrow('not printable ASCII');
  });
});

/** GMO-PG's card-company results (docs/psp/gmo-pg.md §5) and the reason each must come out as. */
const G_CODES: [string, string][] = [
  ['42G020000', 'insufficient_funds'],
  ['42G040000', 'insufficient_funds'],
  ['42G060000', 'insufficient_funds'],
  ['42G030000', 'limit_exceeded'],
  ['42G050000', 'limit_exceeded'],
  ['42G070000', 'limit_exceeded'],
  ['42G540000', 'limit_exceeded'],
  ['42G550000', 'limit_exceeded'],
  ['42G830000', 'expired_card'],
  ['42G440000', 'incorrect_cvc'],
  ['42G450000', 'incorrect_cvc'],
  ['42G120000', 'generic_decline'],
  ['42G220000', 'generic_decline'],
  ['42G300000', 'generic_decline'],
  ['42G560000', 'generic_decline'],
  ['42G920000', 'generic_decline'],
  ['42G950000', 'generic_decline'],
  ['42G970000', 'generic_decline'],
  ['42G980000', 'generic_decline'],
  ['42G990000', 'generic_decline'],
  ['42G600000', 'suspected_fraud'],
  ['42G610000', 'suspected_fraud'],
  ['42G960000', 'suspected_fraud'],
  ['42G650000', 'incorrect_number'],
  ['42C010000', 'processing_error'],
  ['42C780000', 'processing_error'],
];

describe('GMO-PG error codes', () => {
  it.each(G_CODES)('%s is a decline for %s, keeping ErrCode and ErrInfo', (errInfo, reason) => {
    const errCode = errInfo.slice(2, 5);
    expect(gmoDeclineReason(errInfo)).toBe(reason);
    expect(outcomeOfGmoErrors([{ errCode, errInfo }], 'p1')).toEqual({
      kind: 'declined',
      decline: {
        reason,
        pspCode: errCode,
        pspDeclineCode: errInfo,
        message: expect.stringContaining(`GMO-PG ${errCode} (${errInfo})`),
        pspReference: 'p1',
      },
    });
  });

  it('maps only to reasons of the shared vocabulary', () => {
    for (const [, reason] of G_CODES) expect(GATEWAY_DECLINE_REASONS).toContain(reason);
  });

  it('treats the request-data results G67-G81 as a refused request, not a decline', () => {
    expect(gmoDeclineReason('42G680000')).toBeUndefined();
    expect(outcomeOfGmoErrors([{ errCode: 'G68', errInfo: '42G680000' }])).toMatchObject({
      kind: 'rejected',
      code: '42G680000',
    });
  });

  it('lets the first card-company code decide when parameter problems come with it', () => {
    const outcome = outcomeOfGmoErrors([
      { errCode: 'E01', errInfo: 'E01320012' },
      { errCode: 'G44', errInfo: '42G440000' },
    ]);
    expect(outcome).toMatchObject({
      kind: 'declined',
      decline: { reason: 'incorrect_cvc', pspDeclineCode: '42G440000' },
    });
  });

  it.each([
    ['E92000001', 'unavailable', 'rate_limited'],
    ['E92000002', 'unavailable', 'rate_limited'],
    ['E91099999', 'unknown', 'server_error'],
    ['E91099996', 'unknown', 'server_error'],
    ['E90010001', 'unknown', 'in_progress'],
  ])('%s: GMO-PG itself failing is %s (%s)', (errInfo, kind, cause) => {
    expect(outcomeOfGmoErrors([{ errCode: errInfo.slice(0, 3), errInfo }])).toMatchObject({ kind, cause });
  });

  it.each([
    ['E01040010', 'OrderID'],
    ['E01060010', 'Amount'],
    ['E01030002', 'ShopID'],
    ['E01210002', 'SiteID'],
    ['E01230009', 'CardSeq'],
  ])('%s is a refused request naming %s', (errInfo, param) => {
    expect(outcomeOfGmoErrors([{ errCode: 'E01', errInfo }])).toMatchObject({ kind: 'rejected', code: errInfo, param });
  });

  it('lists every code of a refused request in its message', () => {
    const outcome = outcomeOfGmoErrors([
      { errCode: 'E01', errInfo: 'E01090008' },
      { errCode: 'E01', errInfo: 'E01100008' },
    ]);
    expect(outcome).toMatchObject({ kind: 'rejected', message: expect.stringContaining('E01090008|E01100008') });
  });
});

describe('GMO-PG identifiers', () => {
  it("keeps order-link's payment digits in the OrderID (27 characters of [A-Za-z0-9-])", () => {
    expect(gmoOrderId('pay_0123456789abcdef0123456789')).toBe('p0123456789abcdef0123456789');
    const hashed = gmoOrderId('pay_test_1');
    expect(hashed).toMatch(/^h[0-9a-f]{26}$/);
    expect(gmoOrderId('pay_test_1')).toBe(hashed);
    expect(gmoOrderId('pay_test_2')).not.toBe(hashed);
  });

  it('derives one member per registration key, and reads card references back', () => {
    const member = gmoMemberId('card-call-1');
    expect(member).toMatch(/^ivr-[0-9a-f]{40}$/);
    expect(gmoMemberId('card-call-1')).toBe(member);
    const reference = gmoCardReference(member, 3);
    expect(reference).toMatch(/^[A-Za-z0-9_-]+$/); // a gateway token as authorization validates it
    expect(parseGmoCardReference(reference)).toEqual({ memberId: member, cardSeq: 3 });
    expect(parseGmoCardReference('pm_123')).toBeNull();
  });

  it('dates in Japan time (UTC+9)', () => {
    expect(japanDate(Date.parse('2026-03-31T14:59:59Z'))).toBe('20260331');
    expect(japanDate(Date.parse('2026-03-31T15:00:00Z'))).toBe('20260401');
  });
});
