import { networkFailure } from '../http-failure';
import { sendHttp } from '../http-request';
import type { GatewayOutcome } from '../outcome';
import { declineFromStripe } from './declines';
import { encodeForm, type FormValue } from './form';

export interface StripeHttpOptions {
  /** https://api.stripe.com, the simulator's URL or stripe-mock's. */
  baseUrl: string;
  /** Secret key (sk_test_... / sk_live_...). */
  apiKey: string;
  /** Whole-request deadline, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** Pins the API behaviour at Stripe; absent = the account's default. */
  apiVersion?: string;
}

export type StripeObject = Record<string, unknown>;

/** fetch's `text()`: UTF-8, a leading BOM dropped, bad bytes replaced. */
const UTF8 = new TextDecoder();

/**
 * One Stripe HTTP call, classified. Every way it can go wrong maps to a defined outcome:
 * 2xx with JSON → ok; 402 → declined; other 4xx → rejected (unavailable for 429, unknown for 409
 * "key in use"); 5xx, timeout, reset, non-JSON 2xx → unknown; refused connection → unavailable.
 * Messages never include the request body, which may hold card details (tokenization).
 */
export class StripeHttp {
  constructor(private readonly options: StripeHttpOptions) {}

  async request(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, FormValue>,
    idempotencyKey?: string,
  ): Promise<GatewayOutcome<StripeObject>> {
    const form = encodeForm(params);
    const url = method === 'GET' && form ? `${this.options.baseUrl}${path}?${form}` : `${this.options.baseUrl}${path}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.options.apiKey}`,
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (idempotencyKey && method === 'POST') headers['idempotency-key'] = idempotencyKey;
    if (this.options.apiVersion) headers['stripe-version'] = this.options.apiVersion;

    let status: number;
    let text: string;
    try {
      const answer = await sendHttp(new URL(url), {
        method,
        headers,
        ...(method === 'POST' ? { body: form } : {}),
        timeoutMs: this.options.timeoutMs,
      });
      status = answer.status;
      text = UTF8.decode(answer.body);
    } catch (error) {
      return networkFailure(error, this.options.timeoutMs);
    }
    return classify(status, text);
  }
}

function classify(status: number, text: string): GatewayOutcome<StripeObject> {
  const body = parseObject(text);
  if (status >= 200 && status < 300) {
    return body
      ? { kind: 'ok', value: body }
      : {
          kind: 'unknown',
          cause: 'malformed_response',
          message: `PSP answered ${status} with a body that is not JSON`,
        };
  }
  if (status >= 500) {
    return { kind: 'unknown', cause: 'server_error', message: `PSP answered ${status}` };
  }
  const error = body && typeof body.error === 'object' && body.error !== null ? (body.error as StripeObject) : null;
  if (status === 429) return { kind: 'unavailable', cause: 'rate_limited', message: 'PSP rate limit (429)' };
  if (status === 409)
    return { kind: 'unknown', cause: 'in_progress', message: 'the same request is still running at the PSP' };
  if (status === 402 && error) return { kind: 'declined', decline: declineFromStripe(error, referenceOf(error)) };
  if (!error)
    return { kind: 'unknown', cause: 'malformed_response', message: `PSP answered ${status} without an error object` };
  return {
    kind: 'rejected',
    code: String(error.code ?? error.type ?? `http_${status}`),
    message: String(error.message ?? `PSP answered ${status}`),
    ...(typeof error.param === 'string' ? { param: error.param } : {}),
  };
}

function parseObject(text: string): StripeObject | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as StripeObject) : null;
  } catch {
    return null;
  }
}

function referenceOf(error: StripeObject): string | undefined {
  for (const key of ['payment_intent', 'setup_intent'] as const) {
    const obj = error[key];
    if (typeof obj === 'object' && obj !== null && typeof (obj as StripeObject).id === 'string') {
      return (obj as StripeObject).id as string;
    }
  }
  return undefined;
}
