// SDP parser (RFC 4566) for what offer/answer needs: connection, media lines, rtpmap, fmtp,
// ptime, direction and SDES crypto attributes (RFC 4568). Unknown lines are kept out; malformed
// required lines give an error.

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpFormat {
  payloadType: number;
  /** Lower-cased encoding name, e.g. `pcmu`, `telephone-event`. */
  encoding: string | undefined;
  clockRate: number | undefined;
  fmtp: string | undefined;
}

export interface SdpMedia {
  type: string;
  port: number;
  proto: string;
  /** Formats in the order of the m= line (the offerer's preference). */
  formats: string[];
  rtpFormats: SdpFormat[];
  connection: string | undefined;
  direction: Direction | undefined;
  ptime: number | undefined;
  /** `a=crypto` attributes (SDES, RFC 4568) of an RTP/SAVP stream, in the offer's order. */
  crypto: SdpCrypto[];
}

/**
 * One `a=crypto:<tag> <suite> <key-params> [<session-params>]`. Only tag and suite are read here;
 * `value` (everything after `a=crypto:`) carries the master key and goes to the media endpoint as is.
 */
export interface SdpCrypto {
  tag: number;
  suite: string;
  value: string;
}

export interface SessionDescription {
  origin: string;
  connection: string | undefined;
  direction: Direction | undefined;
  media: SdpMedia[];
}

export type SdpParseResult = { ok: true; sdp: SessionDescription } | { ok: false; error: string };

const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/** Static payload types of RFC 3551 that matter here; an offer may omit their rtpmap. */
const STATIC: Record<number, { encoding: string; clockRate: number }> = {
  0: { encoding: 'pcmu', clockRate: 8000 },
  8: { encoding: 'pcma', clockRate: 8000 },
};

export function parseSdp(text: string): SdpParseResult {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0') return { ok: false, error: 'SDP must start with v=0' };
  const session: SessionDescription = { origin: '', connection: undefined, direction: undefined, media: [] };
  let media: SdpMedia | undefined;
  const rtpmap = new Map<SdpMedia, Map<number, { encoding: string; clockRate: number }>>();
  const fmtp = new Map<SdpMedia, Map<number, string>>();

  for (const line of lines) {
    if (line[1] !== '=') return { ok: false, error: 'SDP line without type=value form' };
    const type = line[0];
    const value = line.slice(2);
    if (type === 'o') session.origin = value;
    else if (type === 'c') {
      const m = /^IN IP[46] (\S+)$/.exec(value);
      if (!m) return { ok: false, error: 'invalid c= line' };
      const address = m[1]!.split('/')[0]!;
      if (media) media.connection = address;
      else session.connection = address;
    } else if (type === 'm') {
      const m = /^(\w+) (\d{1,5})(?:\/\d+)? (\S+)((?: \S+)*)$/.exec(value);
      if (!m) return { ok: false, error: 'invalid m= line' };
      media = {
        type: m[1]!,
        port: Number(m[2]),
        proto: m[3]!,
        formats: m[4]!.trim().split(/\s+/).filter(Boolean),
        rtpFormats: [],
        connection: undefined,
        direction: undefined,
        ptime: undefined,
        crypto: [],
      };
      session.media.push(media);
      rtpmap.set(media, new Map());
      fmtp.set(media, new Map());
    } else if (type === 'a') {
      const [name, rest] = splitAttribute(value);
      if (DIRECTIONS.has(name)) {
        if (media) media.direction = name as Direction;
        else session.direction = name as Direction;
      } else if (media && name === 'rtpmap') {
        const m = /^(\d{1,3}) ([^/\s]+)\/(\d+)/.exec(rest);
        if (m) rtpmap.get(media)!.set(Number(m[1]), { encoding: m[2]!.toLowerCase(), clockRate: Number(m[3]) });
      } else if (media && name === 'fmtp') {
        const m = /^(\d{1,3}) (.*)$/.exec(rest);
        if (m) fmtp.get(media)!.set(Number(m[1]), m[2]!.trim());
      } else if (media && name === 'ptime' && /^\d+$/.test(rest)) media.ptime = Number(rest);
      else if (media && name === 'crypto') {
        const m = /^(\d{1,9})[ \t]+([A-Za-z0-9_]{1,64})[ \t]+\S/.exec(rest);
        if (m) media.crypto.push({ tag: Number(m[1]), suite: m[2]!, value: rest });
      }
    }
  }
  for (const m of session.media) {
    if (!/^RTP\/S?AVP$/i.test(m.proto)) continue;
    for (const f of m.formats) {
      if (!/^\d{1,3}$/.test(f)) continue;
      const pt = Number(f);
      const map = rtpmap.get(m)!.get(pt) ?? STATIC[pt];
      m.rtpFormats.push({
        payloadType: pt,
        encoding: map?.encoding,
        clockRate: map?.clockRate,
        fmtp: fmtp.get(m)!.get(pt),
      });
    }
  }
  return { ok: true, sdp: session };
}

function splitAttribute(value: string): [string, string] {
  const colon = value.indexOf(':');
  return colon < 0 ? [value, ''] : [value.slice(0, colon), value.slice(colon + 1)];
}
