// A session's intake: the RTP that arrives turned into key presses, from RFC 4733 telephone-events or,
// when the peer sends none, from in-band tones. Whoever's keys the vault hears holds the card field,
// so only one stream is ever heard: from the host the SDP names (any host when it names none), the
// first valid packet locks its address, port and SSRC for the session's life (symmetric RTP within
// that host: the port is learnt, for playout to answer there), and nothing re-locks after a silence.
// Every other packet is counted by reason (wrong_source, foreign_ssrc) and dropped. On an SRTP leg each
// datagram is authenticated and decrypted in place first: nothing unauthenticated locks the stream,
// teaches a port or yields a key (srtp_auth_failed, srtp_replayed).
import {
  type Codec,
  type DtmfKey,
  decodeG711,
  InbandDtmfDetector,
  PLAIN_RTP,
  parseRtp,
  parseTelephoneEvent,
  payloadTypeOf,
  type RtpProtection,
  TelephoneEventTracker,
} from '@ivr/media';
import type { Peer } from './ports';
import type { SessionCounters } from './session-counters';

const FRAME_SAMPLES = 160;

export interface IntakeOptions {
  codec: Codec;
  telephoneEventPayloadType: number;
  /** The address from the SDP offer: the only host heard, and where to send before its first packet. */
  sdpPeer?: Peer;
  /** The leg's SRTP, which checks and decrypts each datagram before it is read (default PLAIN_RTP). */
  protection?: RtpProtection;
  now: () => number;
  onKey: (key: DtmfKey, now: number) => void;
  /** false: no key is looked for (the operator's leg of a bridge: its keys never enter a capture). */
  detectKeys?: boolean;
}

export class Intake {
  /** Where the valid stream comes from (the SDP address until the first packet). */
  peer: Peer | undefined;
  lastPacketAt: number | undefined;
  /** Each accepted audio frame, decoded (a bridge relays it); the samples are overwritten once it returns. */
  onAudio: ((pcm: Int16Array, samples: number, now: number) => void) | undefined;
  /** Each accepted RFC 4733 packet (a bridge never relays them). */
  onTelephoneEvent: (() => void) | undefined;
  /** The locked stream: the first valid packet's source and SSRC. */
  private source: Peer | undefined;
  private ssrc: number | undefined;
  private readonly events = new TelephoneEventTracker();
  private readonly inband = new InbandDtmfDetector();
  private sawTelephoneEvents = false;
  private readonly pcm = new Int16Array(FRAME_SAMPLES * 2);

  constructor(
    private readonly options: IntakeOptions,
    private readonly counters: SessionCounters,
  ) {
    this.peer = options.sdpPeer;
  }

  /** Handles one datagram; never throws. The caller may zero the buffer afterwards. */
  receive(datagram: Uint8Array, from: Peer): void {
    this.counters.packetsReceived++;
    const { sdpPeer } = this.options;
    if (sdpPeer && from.address !== sdpPeer.address) {
      this.counters.wrongSource++;
      return;
    }
    const unprotected = (this.options.protection ?? PLAIN_RTP).unprotect(datagram);
    if (!unprotected.ok) {
      if (unprotected.reason === 'auth_failed') this.counters.srtpAuthFailed++;
      else if (unprotected.reason === 'replayed') this.counters.srtpReplayed++;
      else this.counters.garbage++; // malformed, or RTCP (ignored, as in plain RTP)
      return;
    }
    // Plain RTP keeps the whole datagram: no view of it to make (50 a second per session).
    const parsed = parseRtp(
      unprotected.length === datagram.length ? datagram : datagram.subarray(0, unprotected.length),
    );
    if (!parsed.ok) {
      this.counters.garbage++;
      return;
    }
    const { packet } = parsed;
    const now = this.options.now();
    const { source } = this;
    if (source && (from.port !== source.port || from.address !== source.address)) {
      this.counters.wrongSource++;
      return;
    }
    if (this.ssrc !== undefined && packet.ssrc !== this.ssrc) {
      this.counters.foreignSsrc++;
      return;
    }
    const isAudio = packet.payloadType === payloadTypeOf[this.options.codec];
    const isEvent = packet.payloadType === this.options.telephoneEventPayloadType;
    if (!isAudio && !isEvent) {
      this.counters.unexpectedPayloadType++;
      return;
    }
    if (!source) {
      // The session's stream, for good. Symmetric RTP: playout answers where it comes from.
      this.source = { address: from.address, port: from.port };
      this.peer = this.source;
      this.ssrc = packet.ssrc;
    }
    this.lastPacketAt = now;
    this.counters.packetsAccepted++;
    const detectKeys = this.options.detectKeys ?? true;
    if (isEvent) {
      this.onTelephoneEvent?.();
      if (!detectKeys) return;
      const parsedEvent = parseTelephoneEvent(packet.payload);
      if (!parsedEvent.ok) {
        this.counters.badTelephoneEvents++;
        return;
      }
      this.sawTelephoneEvents = true;
      const tracked = this.events.accept({
        marker: packet.marker,
        timestamp: packet.timestamp,
        event: parsedEvent.event,
      });
      if (tracked.key) this.options.onKey(tracked.key, now);
      return;
    }
    // Peers that send telephone-events may leave the tones in the audio too: count them once.
    const inband = detectKeys && !this.sawTelephoneEvents;
    if (!inband && !this.onAudio) return;
    const samples = decodeG711(this.options.codec, packet.payload, this.pcm);
    if (inband) for (const key of this.inband.process(this.pcm, samples)) this.options.onKey(key, now);
    this.onAudio?.(this.pcm, samples, now);
    this.pcm.fill(0, 0, samples);
  }

  /**
   * The SDP moved the leg's media (a re-INVITE, the answer to the vault's offer): only that host is
   * heard from now on, and its first valid packet locks the stream again.
   */
  retarget(peer: Peer): void {
    this.options.sdpPeer = peer;
    this.peer = peer;
    this.source = undefined;
    this.ssrc = undefined;
  }

  /** Overwrites the tone detector's window and the decoded audio (they may have held a digit's tones). */
  wipe(): void {
    this.inband.reset();
    this.pcm.fill(0);
  }
}
