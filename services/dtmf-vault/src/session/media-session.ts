// One IVR leg's media: receives RTP (symmetric, SSRC-locked), turns RFC 4733 events or in-band
// tones into key presses for the active field capture, plays prompts paced by the shared ticker,
// and wipes every buffer that may have held card digits when it closes.
import { randomInt } from 'node:crypto';
import { type CaptureUpdate, FieldCapture, type FieldSpec } from '../capture/field-capture';
import type { DtmfKey } from '../media/dtmf-key';
import { type Codec, decodeG711, payloadTypeOf, silenceByte, ulawToAlaw } from '../media/g711';
import { InbandDtmfDetector } from '../media/inband-dtmf';
import { parseRtp, serializeRtp } from '../media/rtp-packet';
import { parseTelephoneEvent, TelephoneEventTracker } from '../media/telephone-event';
import { CardHolder } from './card-holder';

const FRAME_SAMPLES = 160;
/** A locked SSRC silent this long may be replaced (the peer restarted its stream, e.g. after a transfer). */
const SSRC_RELOCK_MS = 2000;

// Prompts are shared µ-law buffers; their A-law versions are converted once and shared too.
const alawVersions = new WeakMap<Uint8Array, Uint8Array>();
function alawOf(ulaw: Uint8Array): Uint8Array {
  let alaw = alawVersions.get(ulaw);
  if (!alaw) {
    alaw = ulawToAlaw(ulaw);
    alawVersions.set(ulaw, alaw);
  }
  return alaw;
}

export interface Peer {
  address: string;
  port: number;
}

export interface MediaSessionOptions {
  id: string;
  codec: Codec;
  telephoneEventPayloadType: number;
  /** The address from the SDP offer: where to send before the peer's first packet. */
  sdpPeer?: Peer;
  /** Accept packets only from the SDP address's host (otherwise any source; the first valid one wins). */
  pinToSdpAddress: boolean;
  now: () => number;
  today: () => Date;
  send: (packet: Buffer, peer: Peer) => void;
}

export interface SessionCounters {
  packetsReceived: number;
  packetsAccepted: number;
  garbage: number;
  foreignSsrc: number;
  wrongSource: number;
  unexpectedPayloadType: number;
  badTelephoneEvents: number;
  keys: number;
  keysWithoutCapture: number;
  packetsSent: number;
}

export type PlayOutcome = 'completed' | 'interrupted' | 'stopped';

export type CaptureOutcome =
  | { status: 'completed'; update: Extract<CaptureUpdate, { type: 'completed' }> }
  | { status: 'failed' }
  | { status: 'closed' };

export class SessionBusyError extends Error {}
export class SessionClosedError extends Error {}

interface Playback {
  frames: Uint8Array[];
  index: number;
  offset: number;
  bargeIn: boolean;
  done: (outcome: PlayOutcome) => void;
}

interface ActiveCapture {
  capture: FieldCapture;
  onUpdate: (update: CaptureUpdate) => void;
  retryPrompt: Uint8Array[];
  done: (outcome: CaptureOutcome) => void;
}

export class MediaSession {
  readonly counters: SessionCounters = {
    packetsReceived: 0,
    packetsAccepted: 0,
    garbage: 0,
    foreignSsrc: 0,
    wrongSource: 0,
    unexpectedPayloadType: 0,
    badTelephoneEvents: 0,
    keys: 0,
    keysWithoutCapture: 0,
    packetsSent: 0,
  };
  readonly card = new CardHolder();
  closed = false;
  lastPacketAt: number | undefined;

  private peer: Peer | undefined;
  private ssrc: number | undefined;
  private readonly events = new TelephoneEventTracker();
  private readonly inband = new InbandDtmfDetector();
  private sawTelephoneEvents = false;
  private readonly pcm = new Int16Array(FRAME_SAMPLES * 2);
  private playback: Playback | undefined;
  private active: ActiveCapture | undefined;
  private readonly out = {
    ssrc: randomInt(1, 0xffffffff),
    sequenceNumber: randomInt(0, 0xffff),
    timestamp: randomInt(0, 0xffffffff),
    marker: true,
    frame: new Uint8Array(FRAME_SAMPLES),
  };

  constructor(private readonly options: MediaSessionOptions) {
    this.peer = options.sdpPeer;
  }

  get codec(): Codec {
    return this.options.codec;
  }

  get learnedPeer(): Peer | undefined {
    return this.peer;
  }

  /** Handles one datagram; never throws. The caller may zero the buffer afterwards. */
  receive(datagram: Uint8Array, from: Peer): void {
    if (this.closed) return;
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
      if (tracked.key) this.onKey(tracked.key, now);
      return;
    }
    // Peers that send telephone-events may leave the tones in the audio too: count them once.
    if (this.sawTelephoneEvents) return;
    const samples = decodeG711(this.options.codec, packet.payload, this.pcm);
    for (const key of this.inband.process(this.pcm, samples)) this.onKey(key, now);
    this.pcm.fill(0, 0, samples);
  }

  /** Called by the shared ticker every 20 ms: one packet of playout, then the capture's timers. */
  tick(now: number): void {
    if (this.closed) return;
    this.sendFrame();
    const active = this.active;
    if (active) this.apply(active, active.capture.tick(now));
  }

  /** Queues µ-law audio; resolves when it has been sent, cut by a key (barge-in) or stopped. */
  play(ulawParts: Uint8Array[], bargeIn: boolean): Promise<PlayOutcome> {
    if (this.closed) return Promise.reject(new SessionClosedError('media session is closed'));
    this.stopPlayback('stopped');
    const frames = this.options.codec === 'PCMA' ? ulawParts.map(alawOf) : ulawParts;
    return new Promise((resolve) => {
      this.playback = { frames: frames.filter((f) => f.length > 0), index: 0, offset: 0, bargeIn, done: resolve };
      if (this.playback.frames.length === 0) this.stopPlayback('completed');
    });
  }

  stopPlayback(outcome: PlayOutcome = 'stopped'): void {
    const playback = this.playback;
    this.playback = undefined;
    playback?.done(outcome);
  }

  /**
   * Captures one field. The prompt plays first (keys cut it short); the first-digit timer starts when
   * it ends. Updates are masked; the digits of a completed card field go to `card`. `cancelled`
   * abandons this capture (its caller went away; the digits so far are wiped) and never a later one:
   * a cancel that arrives after the capture ended must not end the next field's.
   */
  capture(
    spec: FieldSpec,
    prompt: Uint8Array[],
    retryPrompt: Uint8Array[],
    onUpdate: (update: CaptureUpdate) => void,
    cancelled?: AbortSignal,
  ): Promise<CaptureOutcome> {
    if (this.closed) return Promise.reject(new SessionClosedError('media session is closed'));
    if (this.active) return Promise.reject(new SessionBusyError('a field capture is already running in this session'));
    const capture = new FieldCapture(spec, this.options.today);
    return new Promise((resolve) => {
      const active: ActiveCapture = { capture, onUpdate, retryPrompt, done: resolve };
      this.active = active;
      cancelled?.addEventListener(
        'abort',
        () => {
          if (this.active !== active) return;
          this.stopPlayback('stopped');
          this.finish(active, { status: 'closed' });
        },
        { once: true },
      );
      this.promptThenArm(active, prompt);
    });
  }

  /** Ends the session: stops playout and capture, and overwrites every buffer that held digits or tones. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopPlayback('stopped');
    const active = this.active;
    this.active = undefined;
    active?.capture.wipe();
    active?.done({ status: 'closed' });
    this.card.wipe();
    this.inband.reset();
    this.pcm.fill(0);
  }

  private promptThenArm(active: ActiveCapture, prompt: Uint8Array[]): void {
    if (prompt.length === 0) {
      active.capture.arm(this.options.now());
      return;
    }
    void this.play(prompt, true).then(() => {
      if (this.active === active) active.capture.arm(this.options.now());
    });
  }

  private onKey(key: DtmfKey, now: number): void {
    this.counters.keys++;
    const active = this.active;
    if (!active) {
      this.counters.keysWithoutCapture++;
      return;
    }
    if (this.playback?.bargeIn) this.stopPlayback('interrupted');
    this.apply(active, active.capture.key(key, now));
  }

  private apply(active: ActiveCapture, updates: CaptureUpdate[]): void {
    for (const update of updates) {
      active.onUpdate(update);
      if (update.type === 'completed') {
        this.storeCompleted(active.capture);
        this.finish(active, { status: 'completed', update });
        return;
      }
      if (update.type === 'failed') {
        this.finish(active, { status: 'failed' });
        return;
      }
      if (update.type === 'invalid' || update.type === 'timed_out') this.promptThenArm(active, active.retryPrompt);
    }
  }

  private storeCompleted(capture: FieldCapture): void {
    const details = capture.completedDetails;
    switch (capture.spec.kind) {
      case 'card_number':
        if (details.brand) this.card.setPan(capture.takeSecret(), details.brand);
        break;
      case 'expiry':
        if (details.month !== undefined && details.year !== undefined)
          this.card.setExpiry(capture.takeSecret(), details.month, details.year);
        break;
      case 'security_code':
        this.card.setSecurityCode(capture.takeSecret());
        break;
      default:
        capture.wipe();
    }
  }

  private finish(active: ActiveCapture, outcome: CaptureOutcome): void {
    if (this.active === active) this.active = undefined;
    // The in-band detector is not reset here: a tone still sounding would be reported again. Its
    // 20 ms window is overwritten by the next packets and zeroed on close.
    active.capture.wipe();
    active.done(outcome);
  }

  private sendFrame(): void {
    const peer = this.peer;
    if (!peer) return;
    const { out } = this;
    const frame = out.frame;
    frame.fill(silenceByte[this.options.codec]);
    const playback = this.playback;
    if (playback) {
      let filled = 0;
      while (filled < FRAME_SAMPLES && playback.index < playback.frames.length) {
        const part = playback.frames[playback.index] as Uint8Array;
        const n = Math.min(FRAME_SAMPLES - filled, part.length - playback.offset);
        frame.set(part.subarray(playback.offset, playback.offset + n), filled);
        filled += n;
        playback.offset += n;
        if (playback.offset >= part.length) {
          playback.index++;
          playback.offset = 0;
        }
      }
      if (playback.index >= playback.frames.length) this.stopPlayback('completed');
    }
    const packet = serializeRtp(
      {
        marker: out.marker,
        payloadType: payloadTypeOf[this.options.codec],
        sequenceNumber: out.sequenceNumber,
        timestamp: out.timestamp,
        ssrc: out.ssrc,
      },
      frame,
    ); // a fresh buffer each time: the socket may still hold the previous one
    out.marker = false;
    out.sequenceNumber = (out.sequenceNumber + 1) & 0xffff;
    out.timestamp = (out.timestamp + FRAME_SAMPLES) >>> 0;
    this.counters.packetsSent++;
    this.options.send(packet, peer);
  }
}
