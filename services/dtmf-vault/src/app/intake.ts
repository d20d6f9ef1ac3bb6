// A session's intake: the RTP that arrives (symmetric, SSRC-locked) turned into key presses, from
// RFC 4733 telephone-events or, when the peer sends none, from in-band tones. It learns where the
// peer's stream comes from, for playout to answer there.
import {
  type Codec,
  type DtmfKey,
  decodeG711,
  InbandDtmfDetector,
  parseRtp,
  parseTelephoneEvent,
  payloadTypeOf,
  TelephoneEventTracker,
} from '@ivr/media';
import type { Peer } from './ports';
import type { SessionCounters } from './session-counters';

const FRAME_SAMPLES = 160;
/** A locked SSRC silent this long may be replaced (the peer restarted its stream, e.g. after a transfer). */
const SSRC_RELOCK_MS = 2000;

export interface IntakeOptions {
  codec: Codec;
  telephoneEventPayloadType: number;
  /** The address from the SDP offer: where to send before the peer's first packet. */
  sdpPeer?: Peer;
  /** Accept packets only from the SDP address's host (otherwise any source; the first valid one wins). */
  pinToSdpAddress: boolean;
  now: () => number;
  onKey: (key: DtmfKey, now: number) => void;
}

export class Intake {
  /** Where the valid stream comes from (the SDP address until the first packet). */
  peer: Peer | undefined;
  lastPacketAt: number | undefined;
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
    const { sdpPeer, pinToSdpAddress } = this.options;
    if (pinToSdpAddress && sdpPeer && from.address !== sdpPeer.address) {
      this.counters.wrongSource++;
      return;
    }
    const parsed = parseRtp(datagram);
    if (!parsed.ok) {
      this.counters.garbage++;
      return;
    }
    const { packet } = parsed;
    const now = this.options.now();
    if (this.ssrc !== undefined && packet.ssrc !== this.ssrc) {
      const lockedStreamSilent = this.lastPacketAt !== undefined && now - this.lastPacketAt > SSRC_RELOCK_MS;
      if (!lockedStreamSilent) {
        this.counters.foreignSsrc++;
        return;
      }
      this.inband.reset();
    }
    const isAudio = packet.payloadType === payloadTypeOf[this.options.codec];
    const isEvent = packet.payloadType === this.options.telephoneEventPayloadType;
    if (!isAudio && !isEvent) {
      this.counters.unexpectedPayloadType++;
      return;
    }
    // Symmetric RTP: answer where the valid stream comes from.
    this.ssrc = packet.ssrc;
    const peer = this.peer;
    if (!peer || peer.port !== from.port || peer.address !== from.address)
      this.peer = { address: from.address, port: from.port };
    this.lastPacketAt = now;
    this.counters.packetsAccepted++;
    if (isEvent) {
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
    if (this.sawTelephoneEvents) return;
    const samples = decodeG711(this.options.codec, packet.payload, this.pcm);
    for (const key of this.inband.process(this.pcm, samples)) this.options.onKey(key, now);
    this.pcm.fill(0, 0, samples);
  }

  /** Overwrites the tone detector's window and the decoded audio (they may have held a digit's tones). */
  wipe(): void {
    this.inband.reset();
    this.pcm.fill(0);
  }
}
