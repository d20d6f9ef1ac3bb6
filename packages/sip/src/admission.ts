// Who may call (issue 17, item 3): the addresses of the SBC/PBX in front (trusted sources, CIDRs) and,
// optionally, SIP digest authentication of INVITE and REFER (RFC 8760 SHA-256, RFC 2617/7616 MD5).
// Pure checks; the user agent answers 403/401 from what they say, before any call exists.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';

/**
 * Why the user agent refused a request; each is counted (`stats().refused`). Besides who may call: an
 * offer of plain RTP when SRTP is required, and an SRTP offer naming no accepted crypto suite (488).
 */
export const REFUSAL_REASONS = [
  'untrusted-source',
  'bad-credentials',
  'source-busy',
  'tls-handshake',
  'srtp-required',
  'srtp-no-crypto-suite',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export type DigestAlgorithm = 'SHA-256' | 'MD5';

export interface DigestOptions {
  realm: string;
  username: string;
  password: string;
  /** Offered in this order (the first is preferred); default SHA-256 then MD5 (RFC 8760 §2.4). */
  algorithms?: DigestAlgorithm[];
  /** How long a nonce is good for (default 300 s); an older one is answered 401 stale=true. */
  nonceTtlSeconds?: number;
  /** Key of the nonces' HMAC; replicas behind one SBC share it (default: random per process). */
  nonceSecret?: string;
}

/** Addresses allowed to send requests; an empty list allows every source. */
export class TrustedSources {
  private readonly list = new net.BlockList();
  readonly any: boolean;

  constructor(readonly cidrs: readonly string[]) {
    this.any = cidrs.length === 0;
    for (const cidr of cidrs) {
      const parsed = parseCidr(cidr);
      if (!parsed) throw new Error(`not an address or CIDR: ${cidr}`);
      this.list.addSubnet(parsed.address, parsed.prefix, parsed.family);
    }
  }

  allows(address: string): boolean {
    if (this.any) return true;
    const plain = address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
    const family = net.isIPv4(plain) ? 'ipv4' : net.isIPv6(plain) ? 'ipv6' : undefined;
    return family !== undefined && this.list.check(plain, family);
  }
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText] = text.trim().split('/');
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return undefined;
  const max = family === 'ipv4' ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  return prefix <= max ? { address, prefix, family } : undefined;
}

export type DigestVerdict = { ok: true } | { ok: false; challenge: 'missing' | 'stale' } | { ok: false; refused: true };

const HASH: Record<DigestAlgorithm, string> = { 'SHA-256': 'sha256', MD5: 'md5' };

/** The UAS side of SIP digest: challenges (WWW-Authenticate) and checks of Authorization. */
export class DigestAuthenticator {
  private readonly secret: Buffer;
  private readonly algorithms: DigestAlgorithm[];
  private readonly ttlMs: number;

  constructor(
    private readonly opts: DigestOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.secret = opts.nonceSecret ? Buffer.from(opts.nonceSecret, 'utf8') : randomBytes(32);
    this.algorithms = opts.algorithms?.length ? opts.algorithms : ['SHA-256', 'MD5'];
    this.ttlMs = (opts.nonceTtlSeconds ?? 300) * 1000;
  }

  /** One WWW-Authenticate value per algorithm, preferred first. */
  challenges(stale = false): string[] {
    const nonce = this.newNonce();
    return this.algorithms.map(
      (algorithm) =>
        `Digest realm="${this.opts.realm}", nonce="${nonce}", algorithm=${algorithm}, qop="auth"${stale ? ', stale=true' : ''}`,
    );
  }

  /** Checks the request's Authorization headers (one may match). */
  verify(method: string, authorizations: string[]): DigestVerdict {
    const mine = authorizations
      .map(parseDigestCredentials)
      .filter((c): c is Map<string, string> => c !== undefined && c.get('realm') === this.opts.realm);
    if (mine.length === 0) return { ok: false, challenge: 'missing' };
    let stale = false;
    for (const c of mine) {
      const algorithm = (c.get('algorithm') ?? 'MD5').toUpperCase() as DigestAlgorithm;
      if (!this.algorithms.includes(algorithm)) continue;
      const nonce = c.get('nonce') ?? '';
      const age = this.nonceAge(nonce);
      if (age === undefined) continue;
      if (age > this.ttlMs) {
        stale = true;
        continue;
      }
      if (c.get('username') !== this.opts.username) continue;
      const expected = digestResponse(algorithm, {
        username: this.opts.username,
        realm: this.opts.realm,
        password: this.opts.password,
        method,
        uri: c.get('uri') ?? '',
        nonce,
        qop: c.get('qop'),
        nc: c.get('nc'),
        cnonce: c.get('cnonce'),
      });
      const given = Buffer.from(c.get('response') ?? '', 'utf8');
      const want = Buffer.from(expected, 'utf8');
      if (given.length === want.length && timingSafeEqual(given, want)) return { ok: true };
    }
    return stale ? { ok: false, challenge: 'stale' } : { ok: false, refused: true };
  }

  /** base64url(time ‖ HMAC(time)): no state to keep, any replica with the secret checks it. */
  private newNonce(): string {
    const time = Buffer.alloc(8);
    time.writeBigUInt64BE(BigInt(this.now()));
    return Buffer.concat([time, this.mac(time)]).toString('base64url');
  }

  /** Milliseconds since the nonce was issued, or undefined when it is not one of ours. */
  private nonceAge(nonce: string): number | undefined {
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== 24) return undefined;
    const time = raw.subarray(0, 8);
    if (!timingSafeEqual(raw.subarray(8), this.mac(time))) return undefined;
    return this.now() - Number(time.readBigUInt64BE());
  }

  private mac(time: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(time).digest().subarray(0, 16);
  }
}

export interface DigestInput {
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  qop?: string | undefined;
  nc?: string | undefined;
  cnonce?: string | undefined;
}

/** The `response` of RFC 7616 §3.4.1 (qop=auth, or RFC 2069's form without qop). */
export function digestResponse(algorithm: DigestAlgorithm, d: DigestInput): string {
  const h = (s: string) => createHash(HASH[algorithm]).update(s, 'utf8').digest('hex');
  const ha1 = h(`${d.username}:${d.realm}:${d.password}`);
  const ha2 = h(`${d.method}:${d.uri}`);
  return d.qop ? h(`${ha1}:${d.nonce}:${d.nc ?? ''}:${d.cnonce ?? ''}:${d.qop}:${ha2}`) : h(`${ha1}:${d.nonce}:${ha2}`);
}

/** `Digest a="b", c=d` → Map { a: 'b', c: 'd' } (names lower-cased); undefined for other schemes. */
export function parseDigestCredentials(value: string): Map<string, string> | undefined {
  const m = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!m) return undefined;
  const params = new Map<string, string>();
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]*)\s*(?:,|$)/gy;
  const text = m[1] ?? '';
  let match: RegExpExecArray | null;
  for (;;) {
    match = re.exec(text);
    if (!match || match[0] === '') break;
    params.set(match[1]!.toLowerCase(), match[3] !== undefined ? match[3].replace(/\\(.)/g, '$1') : match[2]!);
    if (re.lastIndex >= text.length) break;
  }
  return params;
}
