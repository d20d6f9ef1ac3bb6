import { createHmac } from 'node:crypto';

/** The header order systems verify (see docs/api/webhooks.md and examples/verify-webhook-signature.ts). */
export const SIGNATURE_HEADER = 'Ivr-Signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>`, like Stripe:
 * the timestamp is signed with the body, so a receiver can refuse replays outside its tolerance window.
 */
export function signatureHeader(secret: string, body: string, timestampSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}
