import type { GatewayOutcome } from './outcome';

/**
 * Turns card details into a gateway token. Only dtmf-vault calls it: the card details exist in its
 * memory and nowhere else, and an implementation must never log, keep or echo them (errors included).
 */
export interface CardTokenizer {
  tokenize(card: CardDetails, options?: { idempotencyKey?: string }): Promise<GatewayOutcome<CardToken>>;
}

export interface CardDetails {
  number: string;
  expMonth: number;
  /** Four digits. */
  expYear: number;
  cvc?: string;
}

/** The non-secret description of a tokenized card (matches ivr.common.v1.MaskedCard). */
export interface CardToken {
  token: string;
  brand: string;
  /** First six digits as the gateway reports them; empty when it does not. */
  bin: string;
  last4: string;
  expMonth: number;
  expYear: number;
}
