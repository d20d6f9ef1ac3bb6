// Who may call, without sockets: CIDR lists (IPv4, IPv6, IPv4-mapped) and digest nonces that expire.

import { digestResponse, parseDigestCredentials } from '../src';
import { DigestAuthenticator, parseCidr, TrustedSources } from '../src/admission';

test('trusted sources: CIDRs and bare addresses of both families; an empty list trusts everyone', () => {
  const t = new TrustedSources(['192.0.2.0/24', '2001:db8::/32', '198.51.100.7']);
  expect(['192.0.2.9', '::ffff:192.0.2.9', '2001:db8::1', '198.51.100.7'].map((a) => t.allows(a))).toEqual([
    true,
    true,
    true,
    true,
  ]);
  expect(['192.0.3.1', '198.51.100.8', '2001:db9::1', 'not-an-ip'].some((a) => t.allows(a))).toBe(false);
  expect(new TrustedSources([]).allows('203.0.113.1')).toBe(true);
  expect(parseCidr('10.0.0.0/33')).toBeUndefined();
  expect(() => new TrustedSources(['sbc.example'])).toThrow(/not an address or CIDR/);
});

test('a nonce older than its lifetime is answered stale (401 again), not refused', () => {
  let now = 1_000_000;
  const auth = new DigestAuthenticator({ realm: 'r', username: 'u', password: 'p', nonceTtlSeconds: 60 }, () => now);
  const [challenge = ''] = auth.challenges();
  const nonce = parseDigestCredentials(challenge)?.get('nonce') ?? '';
  const answer = (method: string) => {
    const response = digestResponse('SHA-256', {
      username: 'u',
      realm: 'r',
      password: 'p',
      method,
      uri: 'sip:x',
      nonce,
    });
    return `Digest username="u", realm="r", nonce="${nonce}", uri="sip:x", response="${response}", algorithm=SHA-256`;
  };
  expect(auth.verify('INVITE', [answer('INVITE')])).toEqual({ ok: true });
  // The response covers the method: an INVITE's credentials do not authorize a REFER.
  expect(auth.verify('REFER', [answer('INVITE')])).toEqual({ ok: false, refused: true });
  now += 61_000;
  expect(auth.verify('INVITE', [answer('INVITE')])).toEqual({ ok: false, challenge: 'stale' });
  expect(auth.challenges(true)[0]).toContain('stale=true');
});
