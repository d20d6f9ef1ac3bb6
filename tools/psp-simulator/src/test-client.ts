/**
 * For tests of other components: a published test card registered at a Stripe-compatible API (this
 * simulator or stripe-mock), as the vault does it, and the MaskedCard-like answer. Product code never
 * does this: only the vault sends card numbers, as bytes (services/dtmf-vault/src/adapters/psp).
 */
export interface TestCardToken {
  pspToken: string;
  brand: string;
  bin: string;
  last4: string;
  expiryMonth: number;
  expiryYear: number;
}

export async function createTestCardToken(
  baseUrl: string,
  testCardNumber: string,
  options: { apiKey?: string; expiryYear?: number; cvc?: string } = {},
): Promise<TestCardToken> {
  const expiryYear = options.expiryYear ?? new Date().getUTCFullYear() + 2;
  const body = new URLSearchParams({
    type: 'card',
    'card[number]': testCardNumber,
    'card[exp_month]': '12',
    'card[exp_year]': String(expiryYear),
    'card[cvc]': options.cvc ?? (testCardNumber.startsWith('3') && testCardNumber.length === 15 ? '1234' : '123'),
  });
  const res = await fetch(`${baseUrl}/v1/payment_methods`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.apiKey ?? 'sk_test_tests'}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body,
  });
  const json = (await res.json()) as { id?: string; card?: Record<string, unknown>; error?: { code?: string } };
  if (res.status !== 200 || !json.id)
    throw new Error(`test card not registered: ${res.status} ${json.error?.code ?? ''}`);
  const card = json.card ?? {};
  return {
    pspToken: json.id,
    brand: String(card.brand ?? 'unknown'),
    bin: typeof card.iin === 'string' ? card.iin : '',
    last4: String(card.last4 ?? ''),
    expiryMonth: Number(card.exp_month ?? 12),
    expiryYear: Number(card.exp_year ?? expiryYear),
  };
}
