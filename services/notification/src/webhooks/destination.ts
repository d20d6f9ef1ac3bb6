// Where a webhook may go (docs/security-audit.md, item 8): the order system's public HTTPS endpoint,
// nothing inside the cluster or the cloud. Checked on the URL when an endpoint is registered and on the
// resolved address at every connection (adapters/webhooks/safe-lookup.ts), so a DNS name that later
// points inside, or an IP literal, never reaches a private address. Pure: no I/O.
import { isIP } from 'node:net';

export interface DestinationPolicy {
  /**
   * Development and tests only (WEBHOOK_ALLOW_LOOPBACK_HTTP): loopback addresses are allowed too,
   * over http and on any port, for receivers on the same machine. Refused when NODE_ENV=production.
   */
  allowLoopback: boolean;
}

/** The policy of a production deployment: public addresses over https on port 443 only. */
export const PUBLIC_HTTPS_ONLY: DestinationPolicy = { allowLoopback: false };

type Range = [base: bigint, prefix: number];

const v4 = (text: string): bigint => text.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
const cidr4 = (text: string): Range => {
  const [base, len] = text.split('/');
  return [v4(base!), Number(len)];
};

/** IPv4 ranges that are not the public internet (RFC 6890 special-purpose and the cloud metadata range). */
const NOT_PUBLIC_V4: Range[] = [
  '0.0.0.0/8', // "this network", 0.0.0.0
  '10.0.0.0/8', // RFC 1918
  '100.64.0.0/10', // CGNAT (RFC 6598)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, cloud metadata 169.254.169.254
  '172.16.0.0/12', // RFC 1918
  '192.0.0.0/24', // IETF protocol assignments
  '192.0.2.0/24', // TEST-NET-1
  '192.88.99.0/24', // 6to4 relay anycast
  '192.168.0.0/16', // RFC 1918
  '198.18.0.0/15', // benchmarking
  '198.51.100.0/24', // TEST-NET-2
  '203.0.113.0/24', // TEST-NET-3
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, broadcast
].map(cidr4);
const LOOPBACK_V4: Range = cidr4('127.0.0.0/8');

/** An IPv6 address as a 128-bit number (accepts `::`, and a dotted IPv4 tail as in ::ffff:1.2.3.4). */
function v6(text: string): bigint {
  let t = text.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (dotted) {
    const n = v4(dotted[1]!);
    t = `${t.slice(0, -dotted[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = t.includes('::') ? t.split('::') : [t, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g || '0', 16)), 0n);
}
const cidr6 = (text: string): Range => {
  const [base, len] = text.split('/');
  return [v6(base!), Number(len)];
};

const NOT_PUBLIC_V6: Range[] = [
  '::/128', // unspecified
  '::1/128', // loopback
  '::/96', // IPv4-compatible (deprecated)
  '100::/64', // discard
  '2001:db8::/32', // documentation
  'fc00::/7', // unique local (ULA)
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated)
  'ff00::/8', // multicast
].map(cidr6);
/** Forms that carry an IPv4 address inside: judged by that address. */
const V4_MAPPED = cidr6('::ffff:0:0/96');
const NAT64 = cidr6('64:ff9b::/96');
const SIX_TO_FOUR = cidr6('2002::/16');

const inRange = (n: bigint, [base, prefix]: Range, bits: number): boolean =>
  n >> BigInt(bits - prefix) === base >> BigInt(bits - prefix);

/** The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), if any. */
function embeddedV4(n: bigint): bigint | undefined {
  if (inRange(n, V4_MAPPED, 128) || inRange(n, NAT64, 128)) return n & 0xffffffffn;
  if (inRange(n, SIX_TO_FOUR, 128)) return (n >> 80n) & 0xffffffffn;
  return undefined;
}

/** What an address is: public, loopback, or another non-public range. Not an IP address: 'invalid'. */
export function classifyAddress(address: string): 'public' | 'loopback' | 'private' | 'invalid' {
  const family = isIP(address.replace(/%.*$/, ''));
  let four: bigint | undefined;
  if (family === 4) four = v4(address);
  else if (family === 6) {
    const n = v6(address);
    four = embeddedV4(n);
    if (four === undefined) {
      if (n === 1n) return 'loopback';
      return NOT_PUBLIC_V6.some((r) => inRange(n, r, 128)) ? 'private' : 'public';
    }
  } else return 'invalid';
  if (inRange(four, LOOPBACK_V4, 32)) return 'loopback';
  return NOT_PUBLIC_V4.some((r) => inRange(four!, r, 32)) ? 'private' : 'public';
}

/** Whether a connection to `address` for a URL of `protocol` ('https:' / 'http:') is allowed. */
export function addressAllowed(address: string, protocol: string, policy: DestinationPolicy): boolean {
  const kind = classifyAddress(address);
  if (kind === 'loopback') return policy.allowLoopback;
  return kind === 'public' && protocol === 'https:';
}

/**
 * Why a webhook URL cannot be registered (or sent to), or null. Only https on port 443, no user or
 * password in it, and a host that is a public address or a name that is not obviously internal; the
 * development policy also takes http and any port. Names are judged again at every connection, by the
 * addresses they resolve to (`addressAllowed`): http reaches loopback only, https public addresses
 * (and loopback in development).
 */
export function webhookUrlProblem(raw: string, policy: DestinationPolicy): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute https URL';
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const kind = isIP(host) ? classifyAddress(host) : 'name';
  if (policy.allowLoopback) {
    // Development: http and any port; where it may connect is decided on the address (loopback for http).
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http(s) URL';
    return kind === 'private' ? 'must point to a public or loopback address' : null;
  }
  if (url.protocol !== 'https:') return 'must be an https URL';
  if (url.port !== '' && url.port !== '443') return 'must use port 443';
  if (kind !== 'name') return kind === 'public' ? null : 'must point to a public address';
  // Names that only resolve inside: a single label (cluster search domains) or an internal suffix.
  if (!host.includes('.') || /(^|\.)(localhost|local|internal|svc|cluster\.local)\.?$/i.test(host))
    return 'must point to a public address';
  return null;
}
