import { createHmac, timingSafeEqual } from 'node:crypto';

// The contract between order-link (issues tokens for its signed-in operators) and notification
// (verifies them on its live stream): one implementation for both.

/**
 * Bearer tokens for operator screens' live stream: `<base64url {"sub":operatorId,"exp":unixSeconds}>.<base64url HMAC-SHA256>`
 * signed with OPERATOR_TOKEN_SECRET, which order-link's operator sessions (management screen) share.
 * Short-lived; the screen fetches a new one with its session.
 */
export function issueOperatorToken(secret: string, operatorId: string, expiresAt: Date): string {
  const claims = Buffer.from(JSON.stringify({ sub: operatorId, exp: Math.floor(expiresAt.getTime() / 1000) })).toString(
    'base64url',
  );
  return `${claims}.${createHmac('sha256', secret).update(claims).digest('base64url')}`;
}

/** The operator id of a valid, unexpired token; null otherwise. */
export function verifyOperatorToken(secret: string, token: string, now: Date): string | null {
  const [claims, mac] = token.split('.');
  if (!claims || !mac) return null;
  const expected = createHmac('sha256', secret).update(claims).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const { sub, exp } = JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as {
      sub?: unknown;
      exp?: unknown;
    };
    if (typeof sub !== 'string' || sub.length === 0 || typeof exp !== 'number') return null;
    return exp * 1000 > now.getTime() ? sub : null;
  } catch {
    return null;
  }
}
