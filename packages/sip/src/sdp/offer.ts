// The offering side of offer/answer (RFC 3264), for the calls the IVR places (the operator's leg of
// an agent-assisted call): an offer that names the media endpoint (the vault) with G.711 and, if asked,
// telephone-event; and what the answer chose from it.

import type { MediaEndpoint } from './negotiate';
import { type Direction, parseSdp } from './parse';

export type G711 = 'PCMU' | 'PCMA';

const STATIC_PT: Record<G711, number> = { PCMU: 0, PCMA: 8 };

export interface OfferOptions {
  /** Preferred first. */
  codecs: readonly G711[];
  /** telephone-event/8000 with this payload type; none when absent. */
  telephoneEventPayloadType?: number;
  ptime?: number;
  /** Our direction (default sendrecv). */
  direction?: Direction;
  /** o= session id and version: the version goes up with every new SDP of the session. */
  sessionId: string;
  sessionVersion: number;
}

/** The media the answer settled on, from our side. */
export interface AnsweredMedia {
  codec: { name: G711; payloadType: number };
  telephoneEvent: { payloadType: number } | undefined;
  ptime: number;
  /** Where the answerer wants RTP. */
  remote: { address: string; port: number };
  /** Our direction: the mirror of the answerer's (its sendonly is our recvonly). */
  direction: Direction;
}

export function buildOffer(endpoint: MediaEndpoint, o: OfferOptions): string {
  const ip = endpoint.address.includes(':') ? 'IP6' : 'IP4';
  const formats = o.codecs.map((c) => STATIC_PT[c]);
  const te = o.telephoneEventPayloadType;
  const lines = [
    'v=0',
    `o=ivr ${o.sessionId} ${o.sessionVersion} IN ${ip} ${endpoint.address}`,
    's=ivr',
    `c=IN ${ip} ${endpoint.address}`,
    't=0 0',
    `m=audio ${endpoint.port} ${endpoint.proto ?? 'RTP/AVP'} ${[...formats, ...(te !== undefined ? [te] : [])].join(' ')}`,
    ...o.codecs.map((c) => `a=rtpmap:${STATIC_PT[c]} ${c}/8000`),
    ...(te !== undefined ? [`a=rtpmap:${te} telephone-event/8000`, `a=fmtp:${te} 0-15`] : []),
    `a=ptime:${o.ptime ?? 20}`,
    `a=${o.direction ?? 'sendrecv'}`,
    ...(endpoint.attributes ?? []).map((a) => `a=${a}`),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export type AnswerReading = { ok: true; media: AnsweredMedia } | { ok: false; detail: string };

/** What an answer to our offer chose: its first audio stream, with a G.711 codec we offered. */
export function readAnswer(text: string, offered: readonly G711[]): AnswerReading {
  const parsed = parseSdp(text);
  if (!parsed.ok) return { ok: false, detail: parsed.error };
  const sdp = parsed.sdp;
  const stream = sdp.media.find((m) => m.type === 'audio');
  if (!stream || stream.port === 0) return { ok: false, detail: 'the answer rejected the audio stream' };
  const codec = stream.rtpFormats.find(
    (f) => f.clockRate === 8000 && offered.some((c) => c.toLowerCase() === f.encoding),
  );
  if (!codec) return { ok: false, detail: 'the answer chose no offered codec' };
  const address = stream.connection ?? sdp.connection;
  if (!address) return { ok: false, detail: 'no c= line for the audio stream' };
  const te = stream.rtpFormats.find((f) => f.encoding === 'telephone-event' && f.clockRate === 8000);
  return {
    ok: true,
    media: {
      codec: { name: codec.encoding === 'pcmu' ? 'PCMU' : 'PCMA', payloadType: codec.payloadType },
      telephoneEvent: te ? { payloadType: te.payloadType } : undefined,
      ptime: stream.ptime ?? 20,
      remote: { address, port: stream.port },
      direction: mirror(stream.direction ?? sdp.direction ?? 'sendrecv'),
    },
  };
}

/** Our direction for the peer's: what it only sends we only receive, and the other way round. */
export function mirror(peer: Direction): Direction {
  if (peer === 'sendonly') return 'recvonly';
  if (peer === 'recvonly') return 'sendonly';
  return peer;
}
