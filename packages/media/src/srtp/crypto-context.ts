// SRTP and SRTCP cryptographic contexts (RFC 3711 §3.2) for one direction of one leg, one master key:
// what the vault receives (SrtpReceiver: authenticate, refuse replays, decrypt in place) and what it
// sends (SrtpSender: encrypt, append the tag). Each SSRC has its own rollover counter and replay
// window; the session keys are derived once (key derivation rate 0) and wiped on wipe().
import { createHmac, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { uint32At } from '../bytes';
import { SessionKeys } from './key-derivation';
import type { SrtpMasterKey } from './master-key';
import { ReplayWindow } from './replay-window';
import { type SrtpSuite, SUITES } from './suites';

export type SrtpDropReason = 'malformed' | 'auth_failed' | 'replayed' | 'unencrypted';
export type UnprotectResult = { ok: true; length: number } | { ok: false; reason: SrtpDropReason };

/** Streams (SSRCs) a receiver keeps state for; the oldest is forgotten when another authenticates. */
const MAX_STREAMS = 8;
const RTP_HEADER = 12;
const RTCP_HEADER = 8;
const SRTCP_INDEX_LENGTH = 4;
const MAX_SRTCP_INDEX = 0x7fffffff;

/** Length of an RTP packet's header (fixed part, CSRCs, extension); undefined when truncated. */
export function rtpHeaderLength(packet: Uint8Array): number | undefined {
  if (packet.length < RTP_HEADER || (packet[0] as number) >> 6 !== 2) return undefined;
  let length = RTP_HEADER + 4 * ((packet[0] as number) & 0x0f);
  if ((packet[0] as number) & 0x10) {
    if (packet.length < length + 4) return undefined;
    length += 4 + 4 * (((packet[length + 2] as number) << 8) | (packet[length + 3] as number));
  }
  return length <= packet.length ? length : undefined;
}

/** RTCP shares the port under rtcp-mux (RFC 5761 §4): second byte 192-223 (packet types 200-204 in practice). */
export function looksLikeRtcp(datagram: Uint8Array): boolean {
  const pt = datagram[1] as number;
  return datagram.length >= 2 && pt >= 192 && pt <= 223;
}

/**
 * RFC 3711 Appendix A: the 48-bit index of sequence number `seq`, given the highest index accepted
 * so far (`highest` < 0: none yet, the stream starts at rollover 0). Negative: before the stream began.
 */
export function estimateIndex(highest: number, seq: number): number {
  if (highest < 0) return seq;
  const roc = Math.floor(highest / 65536);
  const sl = highest % 65536;
  let v = roc;
  if (sl < 32768) {
    if (seq - sl > 32768) v = roc - 1;
  } else if (sl - 32768 > seq) v = roc + 1;
  return v < 0 ? -1 : v * 65536 + seq;
}

/** Direction-independent half: the session keys, the IV (§4.1.1) and the HMAC-SHA1 tag (§4.2.1). */
class Context {
  readonly suite: SrtpSuite;
  protected readonly rtp: SessionKeys;
  protected readonly rtcp: SessionKeys;
  protected readonly rtpTagLength: number;
  protected readonly rtcpTagLength: number;
  private readonly iv = new Uint8Array(16);
  private readonly rocBytes = Buffer.alloc(4);
  private wiped = false;

  constructor(master: SrtpMasterKey) {
    if (master.isWiped) throw new Error('the master key was wiped');
    this.suite = master.suite;
    this.rtp = SessionKeys.derive(master, 'rtp');
    this.rtcp = SessionKeys.derive(master, 'rtcp');
    this.rtpTagLength = SUITES[master.suite].rtpTagLength;
    this.rtcpTagLength = SUITES[master.suite].rtcpTagLength;
  }

  get isWiped(): boolean {
    return this.wiped;
  }

  /** Overwrites the session keys; the context is unusable afterwards. */
  wipe(): void {
    if (this.wiped) return;
    this.wiped = true;
    this.rtp.wipe();
    this.rtcp.wipe();
    this.iv.fill(0);
  }

  /** XORs the keystream of (ssrc, index) into `data`: encryption and decryption alike. */
  protected crypt(keys: SessionKeys, ssrc: number, index: number, data: Uint8Array): void {
    const iv = this.iv;
    iv.set(keys.salt);
    iv[14] = 0;
    iv[15] = 0;
    iv[4] = (iv[4] as number) ^ (ssrc >>> 24);
    iv[5] = (iv[5] as number) ^ ((ssrc >>> 16) & 0xff);
    iv[6] = (iv[6] as number) ^ ((ssrc >>> 8) & 0xff);
    iv[7] = (iv[7] as number) ^ (ssrc & 0xff);
    const high = Math.floor(index / 0x100000000); // index < 2^48: 16 bits above the low 32
    const low = index >>> 0;
    iv[8] = (iv[8] as number) ^ (high >>> 8);
    iv[9] = (iv[9] as number) ^ (high & 0xff);
    iv[10] = (iv[10] as number) ^ (low >>> 24);
    iv[11] = (iv[11] as number) ^ ((low >>> 16) & 0xff);
    iv[12] = (iv[12] as number) ^ ((low >>> 8) & 0xff);
    iv[13] = (iv[13] as number) ^ (low & 0xff);
    keys.cipher.xor(iv, data);
  }

  /** Keys never print: the salt, the IV and the session keys stay out of logs and error messages. */
  toJSON(): string {
    return `${this.constructor.name}(${this.suite})`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }

  /** HMAC-SHA1 over `authenticated` (and the rollover counter, for SRTP). */
  protected tag(keys: SessionKeys, authenticated: Uint8Array, roc?: number): Buffer {
    const hmac = createHmac('sha1', keys.authKey).update(authenticated);
    if (roc !== undefined) {
      this.rocBytes.writeUInt32BE(roc >>> 0);
      hmac.update(this.rocBytes);
    }
    return hmac.digest();
  }
}

interface StreamState {
  rtp: ReplayWindow | undefined;
  rtcp: ReplayWindow | undefined;
}

/** What one leg receives: authenticates first, refuses replays, decrypts in place. Never throws. */
export class SrtpReceiver extends Context {
  private readonly streams = new Map<number, StreamState>();

  constructor(
    master: SrtpMasterKey,
    private readonly windowSize = 128,
  ) {
    super(master);
  }

  /**
   * Authenticates and decrypts one SRTP datagram in place. On success `length` is the length of the
   * RTP packet at the start of the datagram (the tag cut off); on failure the datagram is untouched.
   */
  unprotectRtp(datagram: Uint8Array): UnprotectResult {
    if (this.isWiped) return { ok: false, reason: 'auth_failed' };
    const headerLength = rtpHeaderLength(datagram);
    const end = datagram.length - this.rtpTagLength;
    if (headerLength === undefined || end < headerLength) return { ok: false, reason: 'malformed' };
    const ssrc = uint32At(datagram, 8);
    const seq = ((datagram[2] as number) << 8) | (datagram[3] as number);
    const window = this.streams.get(ssrc)?.rtp;
    const index = estimateIndex(window ? window.highest : -1, seq);
    if (index < 0 || (window && window.check(index) !== 'fresh')) return { ok: false, reason: 'replayed' };
    const expected = this.tag(this.rtp, datagram.subarray(0, end), Math.floor(index / 65536));
    const ok = timingSafeEqual(expected.subarray(0, this.rtpTagLength), datagram.subarray(end));
    expected.fill(0);
    if (!ok) return { ok: false, reason: 'auth_failed' };
    this.crypt(this.rtp, ssrc, index, datagram.subarray(headerLength, end));
    this.stream(ssrc, 'rtp').accept(index);
    return { ok: true, length: end };
  }

  /** The same for an SRTCP datagram (RFC 3711 §3.4): `length` is that of the compound RTCP packet. */
  unprotectRtcp(datagram: Uint8Array): UnprotectResult {
    if (this.isWiped) return { ok: false, reason: 'auth_failed' };
    const tagAt = datagram.length - this.rtcpTagLength;
    const indexAt = tagAt - SRTCP_INDEX_LENGTH;
    if (indexAt < RTCP_HEADER) return { ok: false, reason: 'malformed' };
    const expected = this.tag(this.rtcp, datagram.subarray(0, tagAt));
    const ok = timingSafeEqual(expected.subarray(0, this.rtcpTagLength), datagram.subarray(tagAt));
    expected.fill(0);
    if (!ok) return { ok: false, reason: 'auth_failed' };
    const word = uint32At(datagram, indexAt);
    const index = word & MAX_SRTCP_INDEX;
    const ssrc = uint32At(datagram, 4);
    const window = this.streams.get(ssrc)?.rtcp;
    if (window && window.check(index) !== 'fresh') return { ok: false, reason: 'replayed' };
    // UNENCRYPTED_SRTCP is never negotiated: an authenticated packet in clear is still refused.
    if (word >>> 31 === 0) return { ok: false, reason: 'unencrypted' };
    this.crypt(this.rtcp, ssrc, index, datagram.subarray(RTCP_HEADER, indexAt));
    this.stream(ssrc, 'rtcp').accept(index);
    return { ok: true, length: indexAt };
  }

  private stream(ssrc: number, kind: 'rtp' | 'rtcp'): ReplayWindow {
    let state = this.streams.get(ssrc);
    if (!state) {
      if (this.streams.size >= MAX_STREAMS) this.streams.delete(this.streams.keys().next().value as number);
      state = { rtp: undefined, rtcp: undefined };
      this.streams.set(ssrc, state);
    }
    const window = state[kind] ?? new ReplayWindow(this.windowSize);
    state[kind] = window;
    return window;
  }
}

/** What one leg sends: encrypts a copy of each packet and appends its tag. */
export class SrtpSender extends Context {
  /** Per SSRC: the highest SRTP index sent and the next SRTCP index. */
  private readonly streams = new Map<number, { highest: number; rtcpIndex: number }>();

  /** The SRTP datagram of one RTP packet (a new buffer: the packet is left as it was). */
  protectRtp(packet: Uint8Array): Buffer {
    if (this.isWiped) throw new Error('the SRTP context was wiped');
    const headerLength = rtpHeaderLength(packet);
    if (headerLength === undefined) throw new RangeError('not an RTP packet');
    const ssrc = uint32At(packet, 8);
    const seq = ((packet[2] as number) << 8) | (packet[3] as number);
    const stream = this.stream(ssrc);
    const index = estimateIndex(stream.highest, seq);
    if (index < 0) throw new RangeError('sequence number before the start of the stream');
    if (index > stream.highest) stream.highest = index;
    const out = Buffer.allocUnsafe(packet.length + this.rtpTagLength);
    out.set(packet);
    this.crypt(this.rtp, ssrc, index, out.subarray(headerLength, packet.length));
    const tag = this.tag(this.rtp, out.subarray(0, packet.length), Math.floor(index / 65536));
    tag.copy(out, packet.length, 0, this.rtpTagLength);
    tag.fill(0);
    return out;
  }

  /** The SRTCP datagram of one compound RTCP packet: encrypted, E flag and index, tag. */
  protectRtcp(packet: Uint8Array): Buffer {
    if (this.isWiped) throw new Error('the SRTP context was wiped');
    if (packet.length < RTCP_HEADER) throw new RangeError('not an RTCP packet');
    const ssrc = uint32At(packet, 4);
    const stream = this.stream(ssrc);
    const index = stream.rtcpIndex;
    if (index > MAX_SRTCP_INDEX) throw new RangeError('SRTCP index exhausted: the master key must change');
    stream.rtcpIndex++;
    const indexAt = packet.length;
    const out = Buffer.allocUnsafe(packet.length + SRTCP_INDEX_LENGTH + this.rtcpTagLength);
    out.set(packet);
    this.crypt(this.rtcp, ssrc, index, out.subarray(RTCP_HEADER, indexAt));
    out.writeUInt32BE((0x80000000 | index) >>> 0, indexAt);
    const tag = this.tag(this.rtcp, out.subarray(0, indexAt + SRTCP_INDEX_LENGTH));
    tag.copy(out, indexAt + SRTCP_INDEX_LENGTH, 0, this.rtcpTagLength);
    tag.fill(0);
    return out;
  }

  private stream(ssrc: number): { highest: number; rtcpIndex: number } {
    let stream = this.streams.get(ssrc);
    if (!stream) {
      if (this.streams.size >= MAX_STREAMS) this.streams.delete(this.streams.keys().next().value as number);
      stream = { highest: -1, rtcpIndex: 0 };
      this.streams.set(ssrc, stream);
    }
    return stream;
  }
}
