import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SITE, type GmoPgSimulator, startGmoPgSimulator } from '@ivr/gmo-pg-simulator';
import { gmoMemberId, PspAccountSource, parseGmoCardReference } from '@ivr/psp';
import { GmoPgTokenizer } from '../src/adapters/psp/gmo-pg-tokenizer';
import { AccountTokenizers } from '../src/adapters/psp/tokenizers';
import { TokenizeError } from '../src/card/card-tokenizer';
import { secretDigitsFromString as secret } from '../src/card/secret-digits';
import { certsDir } from './support/grpc-client';

// The vault's GMO-PG registration (SaveMember + SaveCard) against the GMO-PG simulator, over HTTP and
// over HTTPS with the project's certificates. Published test cards only.
const expiryYear = new Date().getUTCFullYear() + 2;
const card = (pan: string, cvc = '123') => ({
  pan: secret(pan),
  expiryMonth: 12,
  expiryYear,
  securityCode: secret(cvc),
});
let keys = 0;
const key = () => `gmo-vault-${process.pid}-${++keys}`;

async function searchCard(sim: GmoPgSimulator, memberId: string, cardSeq: number) {
  const body = new URLSearchParams({ ...siteForm(), MemberID: memberId, SeqMode: '1', CardSeq: String(cardSeq) });
  const res = await fetch(`${sim.url}/payment/SearchCard.idPass`, { method: 'POST', body });
  // GMO-PG's answers are Name=value pairs, values not percent-encoded.
  return Object.fromEntries((await res.text()).split('&').map((pair) => pair.split('=', 2) as [string, string]));
}
const siteForm = () => ({ SiteID: DEFAULT_SITE.siteId, SitePass: DEFAULT_SITE.sitePass });

describe('GMO-PG tokenizer against the GMO-PG simulator', () => {
  let sim: GmoPgSimulator;
  let tokenizer: GmoPgTokenizer;
  beforeAll(async () => {
    sim = await startGmoPgSimulator({ port: 0 });
    tokenizer = new GmoPgTokenizer({ baseUrl: sim.url, site: DEFAULT_SITE, timeoutMs: 3000 });
  });
  afterAll(() => sim.close());

  it.each(['4111111111111111', '5555555555554444', '3530111333300000', '378282246310005'])(
    'registers %s under a member of the registration key and answers member and card sequence',
    async (pan) => {
      const k = key();
      const { token } = await tokenizer.tokenize(card(pan, pan.startsWith('37') ? '1234' : '123'), {
        idempotencyKey: k,
      });
      const reference = parseGmoCardReference(token);
      expect(reference).toEqual({ memberId: gmoMemberId(k), cardSeq: 0 });
      const saved = await searchCard(sim, gmoMemberId(k), 0);
      expect(saved).toMatchObject({ CardSeq: '0', DeleteFlag: '0' });
      expect(saved.CardNo?.endsWith(pan.slice(-4))).toBe(true);
    },
  );

  it('a retried registration finds its member (E01390010) and registers the card again', async () => {
    const k = key();
    const first = await tokenizer.tokenize(card('4111111111111111'), { idempotencyKey: k });
    const again = await tokenizer.tokenize(card('4111111111111111'), { idempotencyKey: k });
    expect(parseGmoCardReference(first.token)?.memberId).toBe(parseGmoCardReference(again.token)?.memberId);
  });

  it.each([
    ['4000000000000069', 'expired_card', 'G83', '42G830000'],
    ['4000000000000127', 'incorrect_cvc', 'G44', '42G440000'],
    ['4000000000000002', 'generic_decline', 'G12', '42G120000'],
    ['4000000000009987', 'suspected_fraud', 'G60', '42G600000'],
  ])('SaveCard declines %s: %s, keeping %s / %s', async (pan, reason, pspCode, pspDeclineCode) => {
    const failure = await tokenizer.tokenize(card(pan), { idempotencyKey: key() }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TokenizeError);
    expect(failure).toMatchObject({ failure: 'declined', decline: { reason, pspCode, pspDeclineCode } });
    expect(String((failure as Error).message)).not.toContain(pan);
  });

  it('a 19-digit card, longer than GMO-PG takes, is an invalid card', async () => {
    const failure = await tokenizer
      .tokenize(card('6205500000000000004'), { idempotencyKey: key() })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ failure: 'invalid_card' });
  });

  it('wrong site credentials: PSP unavailable, not the card', async () => {
    const wrong = new GmoPgTokenizer({
      baseUrl: sim.url,
      site: { ...DEFAULT_SITE, sitePass: 'wrongpass' },
      timeoutMs: 3000,
    });
    await expect(wrong.tokenize(card('4111111111111111'), { idempotencyKey: key() })).rejects.toMatchObject({
      failure: 'unavailable',
    });
  });

  it('a GMO-PG that does not answer is a timeout; an HTML page instead of an answer is unavailable', async () => {
    const fault = (f: Record<string, unknown>) =>
      fetch(`${sim.url}/_sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(f),
      });
    await fault({ mode: 'timeout', count: 1, path: '/payment/SaveCard' });
    const slow = new GmoPgTokenizer({ baseUrl: sim.url, site: DEFAULT_SITE, timeoutMs: 500 });
    await expect(slow.tokenize(card('4111111111111111'), { idempotencyKey: key() })).rejects.toMatchObject({
      failure: 'timeout',
    });
    await fault({ mode: 'malformed', count: 1, path: '/payment/SaveCard' });
    await expect(tokenizer.tokenize(card('4111111111111111'), { idempotencyKey: key() })).rejects.toMatchObject({
      failure: 'unavailable',
      message: expect.stringContaining('not text/plain'),
    });
  });
});

describe('GMO-PG tokenizer over HTTPS', () => {
  let sim: GmoPgSimulator;
  beforeAll(async () => {
    const read = (file: string) => readFileSync(path.join(certsDir(), file));
    sim = await startGmoPgSimulator({
      port: 0,
      tls: { cert: read('authorization.crt'), key: read('authorization.key') },
    });
  });
  afterAll(() => sim.close());

  it('registers the card over TLS with a trusted certificate', async () => {
    expect(sim.url).toMatch(/^https:/);
    const ca = readFileSync(path.join(certsDir(), 'ca.crt'));
    const tokenizer = new GmoPgTokenizer({ baseUrl: sim.url, site: DEFAULT_SITE, timeoutMs: 3000, ca });
    const { token } = await tokenizer.tokenize(card('4111111111111111'), { idempotencyKey: key() });
    expect(parseGmoCardReference(token)).toMatchObject({ cardSeq: 0 });
  });

  it('refuses a certificate it does not trust: unavailable, nothing sent', async () => {
    const tokenizer = new GmoPgTokenizer({ baseUrl: sim.url, site: DEFAULT_SITE, timeoutMs: 3000 });
    await expect(tokenizer.tokenize(card('4111111111111111'), { idempotencyKey: key() })).rejects.toMatchObject({
      failure: 'unavailable',
    });
  });
});

describe('the tokenizer of the payment’s PSP account', () => {
  let sim: GmoPgSimulator;
  beforeAll(async () => {
    sim = await startGmoPgSimulator({ port: 0 });
  });
  afterAll(() => sim.close());

  it("registers a merchant's card at its GMO-PG site with the site credentials order-link gave the vault", async () => {
    const asked: string[] = [];
    const accounts = new PspAccountSource({
      defaultAccount: { id: 'default', provider: 'simulator', apiKey: 'sk_test_vault' },
      client: {
        getPspAccount: ({ accountId }, callback) => {
          asked.push(accountId);
          // The vault's answer from PspAccountService: the site only.
          callback(null, {
            accountId,
            provider: 'gmo-pg',
            credentials: { $case: 'gmoPg', value: { shopId: '', shopPass: '', ...DEFAULT_SITE } },
          });
        },
      },
      ttlMs: 60_000,
    });
    const tokenizers = new AccountTokenizers((id) => accounts.account(id), {
      endpoints: { 'gmo-pg': sim.url },
      timeoutMs: 3000,
    });
    const tokenizer = await tokenizers.forAccount('pa_0000000000000000000000aa');
    const { token } = await tokenizer.tokenize(card('4111111111111111'), { idempotencyKey: key() });
    expect(parseGmoCardReference(token)).toMatchObject({ cardSeq: 0 });
    expect(await tokenizers.forAccount('pa_0000000000000000000000aa')).toBe(tokenizer);
    expect(asked).toEqual(['pa_0000000000000000000000aa']);
    // The default account needs no lookup; a gateway not configured here is unavailable, not a crash.
    await expect(tokenizers.forAccount('default')).rejects.toMatchObject({ failure: 'unavailable' });
  });
});
