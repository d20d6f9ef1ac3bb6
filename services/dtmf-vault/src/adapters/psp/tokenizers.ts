// The seam on the vault's side: a PSP account (the payment's merchant, or the deployment's default) to
// the tokenizer of its gateway. Chosen by configuration only: `simulator` and `stripe` speak Stripe's API,
// `gmo-pg` GMO-PG's. The vault holds GMO-PG's site credentials, never its shop's.
import type { PspAccount, PspEndpoints } from '@ivr/psp';
import { type CardTokenizer, type CardTokenizers, TokenizeError } from '../../card/card-tokenizer';
import { GmoPgTokenizer } from './gmo-pg-tokenizer';
import { StripeTokenizer } from './stripe-tokenizer';

export interface TokenizerOptions {
  endpoints: PspEndpoints;
  timeoutMs: number;
  /** Each request's total deadline (PSP_DEADLINE_MS). */
  deadlineMs?: number;
}

export function tokenizerFor(account: PspAccount, options: TokenizerOptions): CardTokenizer {
  const baseUrl = options.endpoints[account.provider];
  if (!baseUrl) {
    throw new TokenizeError('unavailable', `PSP account ${account.id} uses ${account.provider}, not configured here`);
  }
  switch (account.provider) {
    case 'simulator':
    case 'stripe':
      return new StripeTokenizer({
        baseUrl,
        apiKey: account.apiKey,
        timeoutMs: options.timeoutMs,
        deadlineMs: options.deadlineMs,
      });
    case 'gmo-pg':
      return new GmoPgTokenizer({
        baseUrl,
        site: account,
        timeoutMs: options.timeoutMs,
        deadlineMs: options.deadlineMs,
      });
  }
}

/** Reads a PSP account by id; throws when it is unknown or cannot be read now. */
export type AccountLookup = (pspAccountId: string) => Promise<PspAccount>;

/** Tokenizers per account, rebuilt when an account's credentials change (rotation). */
export class AccountTokenizers implements CardTokenizers {
  private readonly built = new Map<string, { credentials: string; tokenizer: CardTokenizer }>();

  constructor(
    private readonly lookup: AccountLookup,
    private readonly options: TokenizerOptions,
  ) {}

  async forAccount(pspAccountId: string): Promise<CardTokenizer> {
    let account: PspAccount;
    try {
      account = await this.lookup(pspAccountId);
    } catch (error) {
      throw new TokenizeError('unavailable', `PSP account ${pspAccountId}: ${(error as Error).message}`);
    }
    const credentials = JSON.stringify(account); // compared in memory, never logged
    const known = this.built.get(pspAccountId);
    if (known?.credentials === credentials) return known.tokenizer;
    const tokenizer = tokenizerFor(account, this.options);
    this.built.set(pspAccountId, { credentials, tokenizer });
    return tokenizer;
  }
}
