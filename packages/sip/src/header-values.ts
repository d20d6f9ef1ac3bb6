// Parsers for the structured header values the user agent needs: Via, CSeq, name-addr
// (From/To/Contact/Route) and SIP URIs. They return undefined on garbage instead of throwing.

export interface Via {
  transport: string;
  host: string;
  port: number | undefined;
  params: Map<string, string>;
}

export interface CSeq {
  seq: number;
  method: string;
}

export interface NameAddr {
  display: string;
  uri: string;
  params: Map<string, string>;
}

export interface SipUri {
  scheme: 'sip' | 'sips';
  user: string | undefined;
  host: string;
  port: number | undefined;
  params: Map<string, string>;
}

/** `;a=b;c` → Map { a: 'b', c: '' } (names lower-cased). */
export function parseParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of text.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) params.set(p.toLowerCase(), '');
    else
      params.set(
        p.slice(0, eq).trim().toLowerCase(),
        p
          .slice(eq + 1)
          .trim()
          .replace(/^"(.*)"$/, '$1'),
      );
  }
  return params;
}

const VIA_RE = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^;\s]+)\s*(;.*)?$/;

export function parseVia(value: string): Via | undefined {
  const m = VIA_RE.exec(value.trim());
  if (!m) return undefined;
  const hostPort = splitHostPort(m[2]!);
  if (!hostPort) return undefined;
  return { transport: m[1]!.toUpperCase(), ...hostPort, params: parseParams(m[3] ?? '') };
}

export function parseCSeq(value: string): CSeq | undefined {
  const m = /^(\d{1,10})\s+([A-Za-z]+)$/.exec(value.trim());
  if (!m) return undefined;
  const seq = Number(m[1]);
  if (seq > 2 ** 31 - 1) return undefined;
  return { seq, method: m[2]!.toUpperCase() };
}

/** Parses `"Name" <sip:x@y>;tag=z`, `<sip:x@y>` or a bare `sip:x@y;tag=z`. */
export function parseNameAddr(value: string): NameAddr | undefined {
  const v = value.trim();
  const lt = v.indexOf('<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt);
    if (gt < 0) return undefined;
    const display = v
      .slice(0, lt)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    return { display, uri: v.slice(lt + 1, gt).trim(), params: parseParams(v.slice(gt + 1)) };
  }
  // Without angle brackets, parameters after the URI belong to the header (RFC 3261 §20.10).
  const semi = v.indexOf(';');
  const uri = semi < 0 ? v : v.slice(0, semi);
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(uri) && uri !== '*') return undefined;
  return { display: '', uri, params: parseParams(semi < 0 ? '' : v.slice(semi)) };
}

export function parseSipUri(text: string): SipUri | undefined {
  const m = /^(sips?):(?:([^@;?]+)@)?([^;?]+)(;[^?]*)?(\?.*)?$/i.exec(text.trim());
  if (!m) return undefined;
  const hostPort = splitHostPort(m[3]!);
  if (!hostPort) return undefined;
  const user = m[2] === undefined ? undefined : decodeUser(m[2].split(':')[0]!);
  return { scheme: m[1]!.toLowerCase() as 'sip' | 'sips', user, ...hostPort, params: parseParams(m[4] ?? '') };
}

function decodeUser(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

function splitHostPort(text: string): { host: string; port: number | undefined } | undefined {
  const t = text.trim();
  let host: string;
  let portText: string | undefined;
  if (t.startsWith('[')) {
    const end = t.indexOf(']');
    if (end < 0) return undefined;
    host = t.slice(1, end);
    portText = t.slice(end + 1).startsWith(':') ? t.slice(end + 2) : undefined;
  } else {
    const colon = t.lastIndexOf(':');
    host = colon < 0 ? t : t.slice(0, colon);
    portText = colon < 0 ? undefined : t.slice(colon + 1);
  }
  if (!/^[A-Za-z0-9.\-:_]+$/.test(host)) return undefined;
  if (portText === undefined) return { host, port: undefined };
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port > 0 && port < 65536 ? { host, port } : undefined;
}
