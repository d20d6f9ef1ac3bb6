// Which peers may tell order-link, in X-Forwarded-Proto / -Host / -For, how a request reached the
// ingress: the scheme (the console's same-origin check, the Secure cookie, HSTS), the host and the
// client's address (per-source rate limits). Only the addresses named here, never everyone: a client
// that could set these headers itself would pick its own source address for the rate limits.
import { isIP } from 'node:net';
import type { Field } from '@ivr/config';

/** Why one entry is refused, or null: an IPv4/IPv6 address or CIDR, not one that covers everything. */
export function trustedProxyProblem(entry: string): string | null {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return `${JSON.stringify(entry)} is not an IP address or CIDR`;
  if (prefix === undefined) return null;
  const bits = Number(prefix);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || bits > max) return `${JSON.stringify(entry)} has a bad prefix length`;
  if (bits === 0) return `${JSON.stringify(entry)} would trust every address; name the ingress's addresses`;
  return null;
}

/**
 * TRUSTED_PROXIES: comma-separated addresses or CIDRs of the TLS-terminating proxies in front of
 * order-link (the ingress controller's pods). Empty (the default): none, the connection is what it is.
 */
export function trustedProxiesField(variable: string): Field<string[]> {
  return {
    variable,
    secret: false,
    parse(raw) {
      const entries = (raw ?? '')
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean);
      const problems = entries.map(trustedProxyProblem).filter((p): p is string => p !== null);
      if (problems.length > 0) return { ok: false, problem: `must list addresses or CIDRs: ${problems.join('; ')}` };
      return { ok: true, value: entries };
    },
  };
}

/** Express's `trust proxy` setting for the list: the addresses themselves, or false for none. */
export const trustProxySetting = (entries: readonly string[]): string[] | false =>
  entries.length > 0 ? [...entries] : false;
