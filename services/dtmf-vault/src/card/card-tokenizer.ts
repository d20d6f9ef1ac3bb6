// The vault's port to a PSP: register a card, get a token back. Implementations build the request
// from SecretDigits at the last moment and keep no copy of it.
import type { SecretDigits } from './secret-digits';

export interface CardToTokenize {
  pan: SecretDigits;
  expiryMonth: number;
  expiryYear: number;
  securityCode: SecretDigits;
}

export interface CardTokenizer {
  /** Returns the PSP's token for the card; throws TokenizeError with a card-free message otherwise. */
  tokenize(card: CardToTokenize, options: { idempotencyKey: string }): Promise<{ token: string }>;
}

export type TokenizeFailure = 'declined' | 'invalid_card' | 'unavailable' | 'timeout';

export class TokenizeError extends Error {
  constructor(
    readonly failure: TokenizeFailure,
    message: string,
  ) {
    super(message);
  }
}
