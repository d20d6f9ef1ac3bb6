// SIP message model (RFC 3261 §7). Headers keep their order and repetitions because Via and
// Record-Route order carries meaning; lookup is case-insensitive and knows the compact forms.

export interface SipHeader {
  /** Canonical name (e.g. `Call-ID`), whatever form arrived on the wire. */
  name: string;
  value: string;
}

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: SipHeader[];
  body: Buffer;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: SipHeader[];
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

const COMPACT: Record<string, string> = {
  i: 'Call-ID',
  m: 'Contact',
  e: 'Content-Encoding',
  l: 'Content-Length',
  c: 'Content-Type',
  f: 'From',
  s: 'Subject',
  k: 'Supported',
  t: 'To',
  v: 'Via',
  r: 'Refer-To',
  b: 'Referred-By',
  o: 'Event',
  u: 'Allow-Events',
  x: 'Session-Expires',
};

const KNOWN = [
  'Accept',
  'Allow',
  'Allow-Events',
  'Call-ID',
  'Contact',
  'Content-Encoding',
  'Content-Length',
  'Content-Type',
  'CSeq',
  'Event',
  'From',
  'Max-Forwards',
  'Record-Route',
  'Refer-To',
  'Referred-By',
  'Require',
  'Retry-After',
  'Route',
  'Server',
  'Session-Expires',
  'Subject',
  'Subscription-State',
  'Supported',
  'To',
  'Unsupported',
  'User-Agent',
  'Via',
  'WWW-Authenticate',
];
const KNOWN_BY_LOWER = new Map(KNOWN.map((n) => [n.toLowerCase(), n]));

/** Maps any spelling or compact form of a header name to one canonical spelling. */
export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? KNOWN_BY_LOWER.get(lower) ?? name;
}

/** Headers whose values may be comma-joined on one line (RFC 3261 §7.3.1). */
const LIST_HEADERS = new Set(['Via', 'Route', 'Record-Route', 'Contact', 'Allow', 'Supported', 'Require', 'Accept']);

/** Splits a header value at commas that are outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '<') depth++;
    else if (ch === '>') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

/** First value of a header, or undefined. */
export function header(msg: { headers: SipHeader[] }, name: string): string | undefined {
  const canonical = canonicalHeaderName(name).toLowerCase();
  for (const h of msg.headers) if (h.name.toLowerCase() === canonical) return h.value;
  return undefined;
}

/** Every value of a header in order; list headers are split at their commas. */
export function headerValues(msg: { headers: SipHeader[] }, name: string): string[] {
  const canonical = canonicalHeaderName(name);
  const lower = canonical.toLowerCase();
  const values: string[] = [];
  for (const h of msg.headers) {
    if (h.name.toLowerCase() !== lower) continue;
    if (LIST_HEADERS.has(canonical)) values.push(...splitList(h.value));
    else values.push(h.value);
  }
  return values;
}
