// Verifies the `Ivr-Signature` header of a webhook from the IVR payment service.
// Copy this function into your receiver; it uses only Node's standard library.
// Pass the raw request body exactly as received (before any JSON parsing).
import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifyIvrSignature(
  rawBody: string,
  signatureHeader: string | undefined,
  secret: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (!signatureHeader) return false;
  const parts = new Map<string, string[]>();
  for (const item of signatureHeader.split(',')) {
    const [key, value] = item.split('=', 2);
    if (key && value) parts.set(key.trim(), [...(parts.get(key.trim()) ?? []), value.trim()]);
  }
  const timestamp = Number(parts.get('t')?.[0]);
  // Refuse replays: the timestamp is signed, so it cannot be moved.
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest();
  // Several v1 values appear while a secret is being rolled; any match is enough.
  return (parts.get('v1') ?? []).some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
