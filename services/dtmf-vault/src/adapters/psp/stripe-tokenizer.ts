// Card registration through Stripe's API (POST /v1/payment_methods), which the PSP simulator and
// stripe-mock also speak. The form body is assembled byte by byte from SecretDigits into one Buffer
// that is zeroed as soon as the PSP has answered (or failed to); no string ever holds the number or
// the security code. Error messages carry the failure class only, never the request.
import http from 'node:http';
import https from 'node:https';
import type { CardTokenizer, CardToTokenize } from '../../card/card-tokenizer';
import { TokenizeError } from '../../card/card-tokenizer';
import type { SecretDigits } from '../../card/secret-digits';

export interface StripeTokenizerOptions {
  /** Base URL: https://api.stripe.com, the simulator's or stripe-mock's. */
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

const ascii = (text: string) => Buffer.from(text, 'latin1');
// '[' and ']' percent-encoded, as form encoding requires.
const PREFIX = ascii('type=card&card%5Bnumber%5D=');
const EXP_MONTH = ascii('&card%5Bexp_month%5D=');
const EXP_YEAR = ascii('&card%5Bexp_year%5D=');
const CVC = ascii('&card%5Bcvc%5D=');

/** The form body as one Buffer; the caller must zero it. */
export function cardFormBody(card: CardToTokenize): Buffer {
  const month = ascii(String(card.expiryMonth));
  const year = ascii(String(card.expiryYear));
  const length =
    PREFIX.length +
    card.pan.length +
    EXP_MONTH.length +
    month.length +
    EXP_YEAR.length +
    year.length +
    CVC.length +
    card.securityCode.length;
  const body = Buffer.alloc(length);
  let offset = 0;
  const put = (bytes: Uint8Array) => {
    body.set(bytes, offset);
    offset += bytes.length;
  };
  const putSecret = (digits: SecretDigits) => digits.withAsciiDigits(put);
  put(PREFIX);
  putSecret(card.pan);
  put(EXP_MONTH);
  put(month);
  put(EXP_YEAR);
  put(year);
  put(CVC);
  putSecret(card.securityCode);
  return body;
}

interface StripeAnswer {
  status: number;
  json: unknown;
}

export class StripeTokenizer implements CardTokenizer {
  private readonly url: URL;

  constructor(private readonly options: StripeTokenizerOptions) {
    this.url = new URL('/v1/payment_methods', options.baseUrl);
  }

  async tokenize(card: CardToTokenize, { idempotencyKey }: { idempotencyKey: string }): Promise<{ token: string }> {
    const body = cardFormBody(card);
    let answer: StripeAnswer;
    try {
      answer = await this.post(body, idempotencyKey);
    } finally {
      body.fill(0);
    }
    return classify(answer);
  }

  private post(body: Buffer, idempotencyKey: string): Promise<StripeAnswer> {
    const transport = this.url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(
        this.url,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.options.apiKey}`,
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': body.length,
            'idempotency-key': idempotencyKey,
          },
          timeout: this.options.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', () => reject(new TokenizeError('unavailable', 'PSP answer was cut off')));
          response.on('end', () => {
            let json: unknown;
            try {
              json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              json = undefined;
            }
            resolve({ status: response.statusCode ?? 0, json });
          });
        },
      );
      request.on('timeout', () => {
        request.destroy();
        reject(new TokenizeError('timeout', `no answer from the PSP within ${this.options.timeoutMs} ms`));
      });
      request.on('error', (err: NodeJS.ErrnoException) => {
        reject(
          err instanceof TokenizeError
            ? err
            : new TokenizeError('unavailable', `PSP unreachable (${err.code ?? 'error'})`),
        );
      });
      request.end(body);
    });
  }
}

function classify({ status, json }: StripeAnswer): { token: string } {
  const object = (typeof json === 'object' && json !== null ? json : {}) as {
    id?: unknown;
    error?: { type?: unknown; code?: unknown };
  };
  if (status >= 200 && status < 300) {
    if (typeof object.id === 'string' && object.id.length > 0) return { token: object.id };
    throw new TokenizeError('unavailable', 'PSP answered without a payment method id');
  }
  const code = typeof object.error?.code === 'string' ? object.error.code : 'unknown';
  if (status === 402) throw new TokenizeError('declined', `PSP declined the card (${code})`);
  if (status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429)
    throw new TokenizeError('invalid_card', `PSP rejected the card (${code})`);
  throw new TokenizeError('unavailable', `PSP failed with HTTP ${status}`);
}
