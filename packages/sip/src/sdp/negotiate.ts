// Offer/answer (RFC 3264): accept the first audio stream with PCMU or PCMA (the offerer's
// preferred one) plus telephone-event (RFC 4733), keeping the offer's payload type numbers, and
// build an answer that points at the media endpoint given by the caller (the vault's RTP port;
// call-control itself never receives RTP). With SRTP enabled, an RTP/SAVP stream whose a=crypto
// lines (SDES, RFC 4568) name an accepted suite is preferred, and its lines are handed over for the
// media endpoint to choose from and answer (the keys are the endpoint's business, not ours).
import {
  type Direction,
  parseSdp,
  type SdpCrypto,
  type SdpFormat,
  type SdpMedia,
  type SessionDescription,
} from './parse';

export interface CodecChoice {
  /** Index of the accepted m= line in the offer. */
  mediaIndex: number;
  codec: { name: 'PCMU' | 'PCMA'; payloadType: number };
  telephoneEvent: { payloadType: number; fmtp: string } | undefined;
  ptime: number;
  /** Where the offerer wants to receive RTP. */
  remote: { address: string; port: number };
  direction: Direction;
  /** The accepted stream is RTP/SAVP: the answer must be too, with one a=crypto line of the media endpoint. */
  srtp: boolean;
}

export type NegotiationFailure =
  | 'malformed-sdp'
  | 'no-audio'
  | 'no-usable-codec'
  | 'no-telephone-event'
  | 'srtp-required'
  | 'srtp-no-crypto-suite';

export type NegotiationResult =
  | {
      ok: true;
      offer: SessionDescription;
      choice: CodecChoice;
      /** SRTP: the chosen stream's a=crypto lines whose suite is accepted, in the offer's order (they hold keys). */
      crypto: SdpCrypto[];
    }
  | { ok: false; reason: NegotiationFailure; detail: string };

export interface SrtpOptions {
  /** Suites (RFC 4568 names) an RTP/SAVP offer may use; an offer naming none of them is refused. */
  suites: readonly string[];
  /** Refuse plain RTP/AVP offers (488). */
  required: boolean;
}

export interface NegotiationOptions {
  /** Without RFC 4733 events, digits cannot be captured: refuse such offers (default true). */
  requireTelephoneEvent: boolean;
  /** Accept RTP/SAVP offers with SDES keys (without it, only RTP/AVP streams are considered). */
  srtp?: SrtpOptions;
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
  const stream = chooseStream(offer, opts.srtp);
  if (!stream.ok) return stream;
  const { mediaIndex, crypto } = stream;
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
    crypto,
    choice: {
      mediaIndex,
      codec: { name: codec.encoding === 'pcmu' ? 'PCMU' : 'PCMA', payloadType: codec.payloadType },
      telephoneEvent: te ? { payloadType: te.payloadType, fmtp: te.fmtp ?? '0-15' } : undefined,
      ptime: media.ptime ?? 20,
      remote: { address, port: media.port },
      direction: answerDirection(media.direction ?? offer.direction ?? 'sendrecv'),
      srtp: crypto.length > 0,
    },
  };
}

/**
 * The audio stream to accept: the first RTP/SAVP one with an accepted crypto suite when SRTP is on,
 * else (unless SRTP is required) the first RTP/AVP one.
 */
function chooseStream(
  offer: SessionDescription,
  srtp: SrtpOptions | undefined,
): { ok: true; mediaIndex: number; crypto: SdpCrypto[] } | { ok: false; reason: NegotiationFailure; detail: string } {
  const audio = (proto: RegExp) =>
    offer.media.flatMap((m, i) => (m.type === 'audio' && m.port > 0 && proto.test(m.proto) ? [i] : []));
  const plain = audio(/^RTP\/AVP$/i);
  if (!srtp) {
    if (plain.length === 0) return { ok: false, reason: 'no-audio', detail: 'no active RTP/AVP audio stream' };
    return { ok: true, mediaIndex: plain[0]!, crypto: [] };
  }
  const secure = audio(/^RTP\/SAVP$/i);
  for (const i of secure) {
    const crypto = offer.media[i]!.crypto.filter((c) => srtp.suites.includes(c.suite));
    if (crypto.length > 0) return { ok: true, mediaIndex: i, crypto };
  }
  if (plain.length > 0 && !srtp.required) return { ok: true, mediaIndex: plain[0]!, crypto: [] };
  if (secure.length > 0) {
    // Named in the reason phrase: a few distinct suite names (letters, digits, _), never a key.
    const offered = [...new Set(secure.flatMap((i) => offer.media[i]!.crypto.map((c) => c.suite)))].slice(0, 4);
    return {
      ok: false,
      reason: 'srtp-no-crypto-suite',
      detail: `no accepted SRTP crypto suite offered (${offered.join(', ') || 'no a=crypto'})`,
    };
  }
  if (plain.length > 0) return { ok: false, reason: 'srtp-required', detail: 'SRTP (RTP/SAVP) required' };
  return { ok: false, reason: 'no-audio', detail: 'no active RTP/AVP or RTP/SAVP audio stream' };
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
