// The vault's port to a PSP (docs/decisions/0009-psp-seam-and-gmo-pg.md): card bytes in (card number and
// security code as SecretDigits, the expiry), the PSP's reference of the registered card out. One
// implementation per gateway (adapters/psp: Stripe for `simulator` and `stripe`, GMO-PG for `gmo-pg`),
// picked per PSP account. Implementations build the request from SecretDigits at the last moment and
// keep no copy of it; errors carry the failure class and the PSP's codes, never card data.
import type { GatewayDeclineReason } from '@ivr/contracts';
import type { SecretDigits } from './secret-digits';

export interface CardToTokenize {
  pan: SecretDigits;
  expiryMonth: number;
  /** Four digits. */
  expiryYear: number;
  securityCode: SecretDigits;
}

export interface CardTokenizer {
  /** Returns the PSP's reference of the card; throws TokenizeError with a card-free message otherwise. */
  tokenize(card: CardToTokenize, options: { idempotencyKey: string }): Promise<{ token: string }>;
}

/** The tokenizer of each PSP account (the payment's merchant): built from the account's credentials. */
export interface CardTokenizers {
  /** Throws TokenizeError('unavailable') when the account cannot be used now. */
  forAccount(pspAccountId: string): Promise<CardTokenizer>;
}

export type TokenizeFailure = 'declined' | 'invalid_card' | 'unavailable' | 'timeout';

/** The card company's refusal, when the PSP checked the card at registration (GMO-PG's SaveCard does). */
export interface RegistrationDecline {
  reason: GatewayDeclineReason;
  /** The PSP's code (Stripe `code`, GMO-PG `ErrCode`) and detail (Stripe `decline_code`, GMO-PG `ErrInfo`). */
  pspCode: string;
  pspDeclineCode: string;
}

export class TokenizeError extends Error {
  constructor(
    readonly failure: TokenizeFailure,
    message: string,
    readonly decline?: RegistrationDecline,
  ) {
    super(message);
  }
}
