// Offer/answer (RFC 3264): accept the first audio stream with PCMU or PCMA (the offerer's
// preferred one) plus telephone-event (RFC 4733), keeping the offer's payload type numbers, and
// build an answer that points at the media endpoint given by the caller (the vault's RTP port;
// call-control itself never receives RTP).
import { type Direction, parseSdp, type SdpFormat, type SdpMedia, type SessionDescription } from './parse';

export interface CodecChoice {
  /** Index of the accepted m= line in the offer. */
  mediaIndex: number;
  codec: { name: 'PCMU' | 'PCMA'; payloadType: number };
  telephoneEvent: { payloadType: number; fmtp: string } | undefined;
  ptime: number;
  /** Where the offerer wants to receive RTP. */
  remote: { address: string; port: number };
  direction: Direction;
}

export type NegotiationResult =
  | { ok: true; offer: SessionDescription; choice: CodecChoice }
  | { ok: false; reason: 'malformed-sdp' | 'no-audio' | 'no-usable-codec' | 'no-telephone-event'; detail: string };

export interface NegotiationOptions {
  /** Without RFC 4733 events, digits cannot be captured: refuse such offers (default true). */
  requireTelephoneEvent: boolean;
}

export interface MediaEndpoint {
  address: string;
  port: number;
  /**
   * The answer's transport protocol (default `RTP/AVP`). The hook for SRTP (SDES, RFC 4568): a media
   * endpoint that terminates SRTP answers `RTP/SAVP` with its `a=crypto` line in `attributes`.
   */
  proto?: 'RTP/AVP' | 'RTP/SAVP';
  /** Extra media-level attributes, without `a=` (e.g. `crypto:1 AES_CM_128_HMAC_SHA1_80 inline:…`). */
  attributes?: string[];
}

export function negotiate(
  offerText: string,
  opts: NegotiationOptions = { requireTelephoneEvent: true },
): NegotiationResult {
  const parsed = parseSdp(offerText);
  if (!parsed.ok) return { ok: false, reason: 'malformed-sdp', detail: parsed.error };
  const offer = parsed.sdp;
  const mediaIndex = offer.media.findIndex((m) => m.type === 'audio' && m.port > 0 && /^RTP\/AVP$/i.test(m.proto));
  if (mediaIndex < 0) return { ok: false, reason: 'no-audio', detail: 'no active RTP/AVP audio stream' };
  const media = offer.media[mediaIndex]!;
  const codec = media.rtpFormats.find((f) => isG711(f));
  if (!codec) return { ok: false, reason: 'no-usable-codec', detail: 'neither PCMU nor PCMA offered' };
  const te = media.rtpFormats.find((f) => f.encoding === 'telephone-event' && f.clockRate === 8000);
  if (!te && opts.requireTelephoneEvent) {
    return { ok: false, reason: 'no-telephone-event', detail: 'telephone-event/8000 not offered' };
  }
  const address = media.connection ?? offer.connection;
  if (!address) return { ok: false, reason: 'malformed-sdp', detail: 'no c= line for the audio stream' };
  return {
    ok: true,
    offer,
    choice: {
      mediaIndex,
      codec: { name: codec.encoding === 'pcmu' ? 'PCMU' : 'PCMA', payloadType: codec.payloadType },
      telephoneEvent: te ? { payloadType: te.payloadType, fmtp: te.fmtp ?? '0-15' } : undefined,
      ptime: media.ptime ?? 20,
      remote: { address, port: media.port },
      direction: answerDirection(media.direction ?? offer.direction ?? 'sendrecv'),
    },
  };
}

function isG711(f: SdpFormat): boolean {
  return (f.encoding === 'pcmu' || f.encoding === 'pcma') && f.clockRate === 8000;
}

function answerDirection(offered: Direction): Direction {
  if (offered === 'sendonly') return 'recvonly';
  if (offered === 'recvonly') return 'sendonly';
  return offered;
}

export interface AnswerOptions {
  /** o= session id and version; keep both unchanged to answer a re-INVITE with the same session. */
  sessionId: string;
  sessionVersion: number;
}

/** The answer: one m= line per offered one, only the chosen audio stream with a non-zero port. */
export function buildAnswer(
  offer: SessionDescription,
  choice: CodecChoice,
  endpoint: MediaEndpoint,
  opts: AnswerOptions,
): string {
  const ipVersion = endpoint.address.includes(':') ? 'IP6' : 'IP4';
  const lines = [
    'v=0',
    `o=ivr ${opts.sessionId} ${opts.sessionVersion} IN ${ipVersion} ${endpoint.address}`,
    's=ivr',
    `c=IN ${ipVersion} ${endpoint.address}`,
    't=0 0',
  ];
  offer.media.forEach((m, i) => {
    if (i === choice.mediaIndex) lines.push(...audioLines(choice, endpoint));
    else lines.push(rejectedLine(m));
  });
  return `${lines.join('\r\n')}\r\n`;
}

function audioLines(choice: CodecChoice, endpoint: MediaEndpoint): string[] {
  const { codec, telephoneEvent: te } = choice;
  const formats = te ? `${codec.payloadType} ${te.payloadType}` : `${codec.payloadType}`;
  const proto = endpoint.proto ?? 'RTP/AVP';
  const lines = [`m=audio ${endpoint.port} ${proto} ${formats}`, `a=rtpmap:${codec.payloadType} ${codec.name}/8000`];
  if (te) lines.push(`a=rtpmap:${te.payloadType} telephone-event/8000`, `a=fmtp:${te.payloadType} ${te.fmtp}`);
  lines.push(`a=ptime:${choice.ptime}`, `a=${choice.direction}`, ...(endpoint.attributes ?? []).map((a) => `a=${a}`));
  return lines;
}

function rejectedLine(m: SdpMedia): string {
  return `m=${m.type} 0 ${m.proto} ${m.formats.join(' ') || '0'}`;
}
