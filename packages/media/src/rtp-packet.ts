// RTP fixed header (RFC 3550 §5.1): parsing that never throws, so that garbage from the network is
// counted and dropped, and serialization for the packets the vault sends.
import { uint16At, uint32At } from './bytes';

export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcs: number[];
  /** Header extension profile and data, if the X bit was set. */
  extension?: { profile: number; data: Uint8Array };
  /** View into the received datagram, without padding. */
  payload: Uint8Array;
}

export type RtpParseError =
  | 'too_short'
  | 'bad_version'
  | 'truncated_csrc'
  | 'truncated_extension'
  | 'bad_padding'
  | 'rtcp';

export type RtpParseResult = { ok: true; packet: RtpPacket } | { ok: false; error: RtpParseError };

const HEADER_LENGTH = 12;

export function parseRtp(datagram: Uint8Array): RtpParseResult {
  if (datagram.length < HEADER_LENGTH) return { ok: false, error: 'too_short' };
  const b0 = datagram[0] as number;
  const b1 = datagram[1] as number;
  if (b0 >> 6 !== 2) return { ok: false, error: 'bad_version' };
  // RTCP shares the port when rtcp-mux is used; its packet types 200-204 fall on PT 72-76 with M set.
  if (b1 >= 200 && b1 <= 204) return { ok: false, error: 'rtcp' };
  const padding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;

  let offset = HEADER_LENGTH + 4 * csrcCount;
  if (offset > datagram.length) return { ok: false, error: 'truncated_csrc' };
  const csrcs: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrcs.push(uint32At(datagram, HEADER_LENGTH + 4 * i));

  let extension: RtpPacket['extension'];
  if (hasExtension) {
    if (offset + 4 > datagram.length) return { ok: false, error: 'truncated_extension' };
    const profile = uint16At(datagram, offset);
    const words = uint16At(datagram, offset + 2);
    const end = offset + 4 + 4 * words;
    if (end > datagram.length) return { ok: false, error: 'truncated_extension' };
    extension = { profile, data: datagram.subarray(offset + 4, end) };
    offset = end;
  }

  let end = datagram.length;
  if (padding) {
    const count = datagram[datagram.length - 1] as number;
    if (count === 0 || offset + count > datagram.length) return { ok: false, error: 'bad_padding' };
    end -= count;
  }

  const packet: RtpPacket = {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: uint16At(datagram, 2),
    timestamp: uint32At(datagram, 4),
    ssrc: uint32At(datagram, 8),
    csrcs,
    payload: datagram.subarray(offset, end),
  };
  if (extension) packet.extension = extension;
  return { ok: true, packet };
}

export interface RtpHeaderFields {
  marker?: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
}

/** Writes a 12-byte header (no CSRC, no extension, no padding) followed by the payload. */
export function serializeRtp(header: RtpHeaderFields, payload: Uint8Array, out?: Buffer): Buffer {
  const packet = out ?? Buffer.allocUnsafe(HEADER_LENGTH + payload.length);
  if (packet.length < HEADER_LENGTH + payload.length) throw new RangeError('output buffer too small for RTP packet');
  packet[0] = 0x80;
  packet[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  packet.writeUInt16BE(header.sequenceNumber & 0xffff, 2);
  packet.writeUInt32BE(header.timestamp >>> 0, 4);
  packet.writeUInt32BE(header.ssrc >>> 0, 8);
  packet.set(payload, HEADER_LENGTH);
  return packet.length === HEADER_LENGTH + payload.length ? packet : packet.subarray(0, HEADER_LENGTH + payload.length);
}
