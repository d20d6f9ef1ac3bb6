/** A bare Stripe-style HTTP client for the simulator's tests: form bodies in, status + JSON out. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function post(
  base: string,
  path: string,
  form: Record<string, string | number | boolean>,
  options: { idempotencyKey?: string; apiKey?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const apiKey = options.apiKey === undefined ? 'sk_test_simulator' : options.apiKey;
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const body = new URLSearchParams(Object.entries(form).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

export async function get(base: string, path: string): Promise<Answer> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: 'Bearer sk_test_simulator' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

export async function simulator(base: string, method: string, path: string, json?: unknown): Promise<Answer> {
  const res = await fetch(`${base}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

export const card = (number: string) => ({
  type: 'card',
  'card[number]': number,
  'card[exp_month]': 12,
  'card[exp_year]': new Date().getUTCFullYear() + 3,
  'card[cvc]': number.length === 15 ? '1234' : '123',
});

export async function paymentMethod(base: string, number: string): Promise<string> {
  const answer = await post(base, '/v1/payment_methods', card(number));
  if (answer.status !== 200) throw new Error(`payment method: ${answer.status}`);
  return answer.body.id as string;
}

export function errorOf(answer: Answer): Record<string, unknown> {
  return answer.body.error as Record<string, unknown>;
}
