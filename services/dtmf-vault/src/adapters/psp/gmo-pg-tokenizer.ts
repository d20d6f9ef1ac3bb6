// Card registration at GMO Payment Gateway (PSP provider `gmo-pg`; docs/psp/gmo-pg.md, decision 0009):
// SaveMember, then SaveCard with the card number, expiry and security code under the site's credentials.
// GMO-PG checks the card with the card company there (security code included); authorization then pays
// by MemberID and physical CardSeq and never needs the security code. The SaveCard request is written as
// one buffer assembled from SecretDigits (card-request.ts) and zeroed once the socket took it.
import {
  type GatewayFailure,
  type GmoPgCredentials,
  gmoCardReference,
  gmoMemberId,
  outcomeOfGmoErrors,
  parseGmoAnswer,
} from '@ivr/psp';
import type { CardTokenizer, CardToTokenize } from '../../card/card-tokenizer';
import { TokenizeError } from '../../card/card-tokenizer';
import { CardRequestFailed, type CardResponse, type FormPart, sendCardRequest } from './card-request';

export interface GmoPgTokenizerOptions {
  /** GMO-PG's API (https://pt01.mul-pay.jp in its test environment) or the simulator's. */
  baseUrl: string;
  /** The site only: the vault registers cards and never pays. */
  site: Pick<GmoPgCredentials, 'siteId' | 'sitePass'>;
  timeoutMs: number;
  /** The whole request's deadline, however steadily the PSP answers (card-request.ts's default if unset). */
  deadlineMs?: number;
  /** Trusted CAs for https (tests); the system's by default. */
  ca?: string | Buffer;
}

/** A member that exists already is this registration's own, from an earlier try. */
const MEMBER_EXISTS = 'E01390010';

export class GmoPgTokenizer implements CardTokenizer {
  constructor(private readonly options: GmoPgTokenizerOptions) {}

  async tokenize(card: CardToTokenize, { idempotencyKey }: { idempotencyKey: string }): Promise<{ token: string }> {
    const memberId = gmoMemberId(idempotencyKey);
    const site = `SiteID=${this.options.site.siteId}&SitePass=${this.options.site.sitePass}&MemberID=${memberId}`;
    const member = await this.post('SaveMember', [site]);
    if (member.kind === 'refused' && !member.errors.some((e) => e.errInfo === MEMBER_EXISTS)) {
      throw refusal(outcomeOfGmoErrors(member.errors), 'SaveMember');
    }
    const expire = `${String(card.expiryYear % 100).padStart(2, '0')}${String(card.expiryMonth).padStart(2, '0')}`;
    const saved = await this.post('SaveCard', [
      `${site}&SeqMode=1&DefaultFlag=1&Expire=${expire}&CardNo=`,
      card.pan,
      '&SecurityCode=',
      card.securityCode,
    ]);
    if (saved.kind === 'refused') throw refusal(outcomeOfGmoErrors(saved.errors, memberId), 'SaveCard');
    const cardSeq = saved.fields.get('CardSeq') ?? '';
    if (!/^\d{1,4}$/.test(cardSeq))
      throw new TokenizeError('unavailable', 'GMO-PG SaveCard answered without a CardSeq');
    return { token: gmoCardReference(memberId, Number(cardSeq)) };
  }

  private async post(
    api: 'SaveMember' | 'SaveCard',
    body: FormPart[],
  ): Promise<
    | { kind: 'answered'; fields: ReadonlyMap<string, string> }
    | { kind: 'refused'; errors: { errCode: string; errInfo: string }[] }
  > {
    let response: CardResponse;
    try {
      response = await sendCardRequest({
        url: new URL(`/payment/${api}.idPass`, this.options.baseUrl),
        headers: {},
        body,
        timeoutMs: this.options.timeoutMs,
        ...(this.options.deadlineMs ? { deadlineMs: this.options.deadlineMs } : {}),
        ...(this.options.ca ? { ca: this.options.ca } : {}),
      });
    } catch (error) {
      if (error instanceof CardRequestFailed) {
        throw new TokenizeError(
          error.reason === 'timeout' ? 'timeout' : 'unavailable',
          `GMO-PG ${api}: ${error.message}`,
        );
      }
      throw error;
    }
    if (response.status !== 200)
      throw new TokenizeError('unavailable', `GMO-PG ${api} answered HTTP ${response.status}`);
    const answer = parseGmoAnswer(response.body, response.headers.get('content-type'));
    response.body.fill(0);
    if (answer.kind === 'malformed') throw new TokenizeError('unavailable', `GMO-PG ${api}: ${answer.reason}`);
    return answer.kind === 'ok'
      ? { kind: 'answered', fields: answer.fields }
      : { kind: 'refused', errors: answer.errors };
  }
}

/** GMO-PG refused: the card company's decline (with its codes), the card's own fields, or anything else. */
function refusal(outcome: GatewayFailure, api: string): TokenizeError {
  switch (outcome.kind) {
    case 'declined': {
      const { reason, pspCode, pspDeclineCode } = outcome.decline;
      return new TokenizeError('declined', `GMO-PG ${api} declined the card (${pspDeclineCode})`, {
        reason,
        pspCode,
        pspDeclineCode,
      });
    }
    case 'rejected':
      // CardNo, Expire, SecurityCode (E0117, E0118, E0146): what the caller typed; anything else is ours.
      return /^E01(17|18|46)/.test(outcome.code)
        ? new TokenizeError('invalid_card', `GMO-PG ${api} refused the card (${outcome.code})`)
        : new TokenizeError('unavailable', `GMO-PG ${api} refused the request (${outcome.code})`);
    case 'unknown':
    case 'unavailable':
      return new TokenizeError('unavailable', `GMO-PG ${api}: ${outcome.message}`);
  }
}
