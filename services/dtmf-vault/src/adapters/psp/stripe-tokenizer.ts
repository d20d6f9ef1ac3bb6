// Card registration through Stripe's API (POST /v1/payment_methods), which the PSP simulator and
// stripe-mock also speak (PSP providers `simulator` and `stripe`). The request is written as one buffer
// assembled from SecretDigits (card-request.ts) and zeroed once the socket took it; no string ever holds
// the number or the security code. Error messages carry the failure class and Stripe's codes only.
import { declineFromStripe } from '@ivr/psp';
import type { CardTokenizer, CardToTokenize } from '../../card/card-tokenizer';
import { TokenizeError } from '../../card/card-tokenizer';
import { CardRequestFailed, type CardResponse, type FormPart, sendCardRequest } from './card-request';

export interface StripeTokenizerOptions {
  /** Base URL: https://api.stripe.com, the simulator's or stripe-mock's. */
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  /** The whole request's deadline, however steadily the PSP answers (card-request.ts's default if unset). */
  deadlineMs?: number;
  /** Trusted CAs for https (tests); the system's by default. */
  ca?: string | Buffer;
}

/** The form body in order; '[' and ']' percent-encoded, as form encoding requires. */
export function cardFormParts(card: CardToTokenize): FormPart[] {
  return [
    'type=card&card%5Bnumber%5D=',
    card.pan,
    `&card%5Bexp_month%5D=${card.expiryMonth}&card%5Bexp_year%5D=${card.expiryYear}&card%5Bcvc%5D=`,
    card.securityCode,
  ];
}

export class StripeTokenizer implements CardTokenizer {
  private readonly url: URL;

  constructor(private readonly options: StripeTokenizerOptions) {
    this.url = new URL('/v1/payment_methods', options.baseUrl);
  }

  async tokenize(card: CardToTokenize, { idempotencyKey }: { idempotencyKey: string }): Promise<{ token: string }> {
    let answer: CardResponse;
    try {
      answer = await sendCardRequest({
        url: this.url,
        headers: { Authorization: `Bearer ${this.options.apiKey}`, 'Idempotency-Key': idempotencyKey },
        body: cardFormParts(card),
        timeoutMs: this.options.timeoutMs,
        ...(this.options.deadlineMs ? { deadlineMs: this.options.deadlineMs } : {}),
        ...(this.options.ca ? { ca: this.options.ca } : {}),
      });
    } catch (error) {
      if (error instanceof CardRequestFailed) {
        throw new TokenizeError(error.reason === 'timeout' ? 'timeout' : 'unavailable', error.message);
      }
      throw error;
    }
    return classify(answer);
  }
}

function classify({ status, body }: CardResponse): { token: string } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    json = undefined;
  }
  const object = (typeof json === 'object' && json !== null ? json : {}) as {
    id?: unknown;
    error?: Record<string, unknown>;
  };
  if (status >= 200 && status < 300) {
    if (typeof object.id === 'string' && object.id.length > 0) return { token: object.id };
    throw new TokenizeError('unavailable', 'PSP answered without a payment method id');
  }
  const code = typeof object.error?.code === 'string' ? object.error.code : 'unknown';
  if (status === 402 && object.error) {
    const d = declineFromStripe(object.error);
    throw new TokenizeError('declined', `PSP declined the card (${code})`, {
      reason: d.reason,
      pspCode: d.pspCode,
      pspDeclineCode: d.pspDeclineCode,
    });
  }
  if (status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429)
    throw new TokenizeError('invalid_card', `PSP rejected the card (${code})`);
  throw new TokenizeError('unavailable', `PSP failed with HTTP ${status}`);
}
