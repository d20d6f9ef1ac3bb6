import { type Charset, decodeAnswer, encodeForm } from './adapters/http/form-codec';
import type { SiteAccount } from './domain';

/**
 * For tests of other components: a published test card saved under a new member of a site (SaveMember +
 * SaveCard, physical sequence), as the vault does it. Product code never does this: only the vault sends
 * card numbers, as bytes (services/dtmf-vault/src/adapters/psp/gmo-pg-tokenizer.ts).
 */
export interface SavedTestCard {
  memberId: string;
  cardSeq: number;
  brand: string;
  last4: string;
}

export async function saveTestCard(
  baseUrl: string,
  site: SiteAccount,
  memberId: string,
  testCardNumber: string,
  options: { expire?: string; securityCode?: string; charset?: Charset } = {},
): Promise<SavedTestCard> {
  const charset = options.charset ?? 'Shift_JIS';
  const post = async (api: string, form: Record<string, string>) => {
    const res = await fetch(`${baseUrl}/payment/${api}.idPass`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(form, charset),
    });
    const answerCharset: Charset = /UTF-8/i.test(res.headers.get('content-type') ?? '') ? 'UTF-8' : 'Shift_JIS';
    return decodeAnswer(Buffer.from(await res.arrayBuffer()), answerCharset);
  };
  const siteFields = { SiteID: site.siteId, SitePass: site.sitePass, MemberID: memberId };
  const member = await post('SaveMember', siteFields);
  if (member.has('ErrInfo') && member.get('ErrInfo') !== 'E01390010')
    throw new Error(`SaveMember refused: ${member.get('ErrInfo')}`);
  const expire = options.expire ?? `${String((new Date().getUTCFullYear() + 2) % 100).padStart(2, '0')}12`;
  const card = await post('SaveCard', {
    ...siteFields,
    SeqMode: '1',
    CardNo: testCardNumber,
    Expire: expire,
    ...(options.securityCode ? { SecurityCode: options.securityCode } : {}),
  });
  if (card.has('ErrInfo')) throw new Error(`SaveCard refused: ${card.get('ErrInfo')}`);
  return {
    memberId,
    cardSeq: Number(card.get('CardSeq')),
    brand: (card.get('Brand') ?? 'unknown').toLowerCase(),
    last4: testCardNumber.slice(-4),
  };
}
