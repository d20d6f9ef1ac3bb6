// One IVR leg's media: intake (RTP in, key presses out), playout (prompts out, paced by the shared
// ticker) and capture (the field being captured, fed by intake's keys), put together, over the leg's
// RtpProtection (plain RTP or SRTP: decrypted on intake, encrypted on playout); it wipes every buffer
// that may have held card digits, and the SRTP keys, when it closes. No socket here: the vault gives
// it a `send`. In agent-assisted mode a MediaBridge is attached: the caller's audio and RFC 4733 packets
// go to it (masked toward the operator during card fields), and the operator's audio is mixed into playout.
import { type Codec, decodeG711, encodeG711, type MediaBridge, PLAIN_RTP, type RtpProtection } from '@ivr/media';
import { Capture, type CaptureOutcome } from './capture';
import { CardHolder } from './card-holder';
import { Intake } from './intake';
import { LegDirection } from './leg-direction';
import { type PlayOutcome, Playout } from './playout';
import type { Peer } from './ports';
import { type SessionCounters, zeroCounters } from './session-counters';

export interface MediaSessionOptions {
  id: string;
  codec: Codec;
  telephoneEventPayloadType: number;
  /** The address from the SDP offer: the only host heard (intake.ts), where to send before its first packet. */
  sdpPeer?: Peer;
  /** PLAIN_RTP, or the SrtpLeg of the SDES answer; wiped when the session closes. */
  protection?: RtpProtection;
  now: () => number;
  today: () => Date;
  /** Sends a datagram as it goes on the wire (already protected). */
  send: (datagram: Buffer, peer: Peer) => void;
}

export class SessionClosedError extends Error {}

export class MediaSession {
  readonly counters: SessionCounters = zeroCounters();
  readonly card = new CardHolder();
  /** The caller's leg direction (hold) as the last offer/answer set it. */
  readonly direction: LegDirection;
  closed = false;
  private readonly intake: Intake;
  private readonly playout: Playout;
  private readonly capturing: Capture;
  private bridge: MediaBridge | undefined;
  private cardField = false;

  constructor(private readonly options: MediaSessionOptions) {
    const { counters } = this;
    this.direction = new LegDirection(options.now());
    const protection = options.protection ?? PLAIN_RTP;
    this.playout = new Playout(options.codec, counters, (packet, peer) =>
      options.send(protection.protect(packet), peer),
    );
    this.capturing = new Capture({
      playout: this.playout,
      card: this.card,
      counters,
      now: options.now,
      today: options.today,
      onField: (kind) => {
        this.cardField = kind !== undefined && kind !== 'digits';
        this.bridge?.cardField(this.cardField);
      },
    });
    this.intake = new Intake(
      {
        codec: options.codec,
        telephoneEventPayloadType: options.telephoneEventPayloadType,
        sdpPeer: options.sdpPeer,
        protection,
        now: options.now,
        onKey: (key, now) => this.capturing.key(key, now),
      },
      counters,
    );
  }

  get codec(): Codec {
    return this.options.codec;
  }

  /** Whether the leg's media is SRTP. */
  get secure(): boolean {
    return this.options.protection?.kind === 'srtp';
  }

  get learnedPeer(): Peer | undefined {
    return this.intake.peer;
  }

  get lastPacketAt(): number | undefined {
    return this.intake.lastPacketAt;
  }

  /** Handles one datagram; never throws. The caller may zero the buffer afterwards. */
  receive(datagram: Uint8Array, from: Peer): void {
    if (this.closed) return;
    this.intake.receive(datagram, from);
  }

  /** Called by the shared ticker every 20 ms: one packet of playout, the capture's timers, the bridge's clock. */
  tick(now: number): void {
    if (this.closed) return;
    this.playout.sendFrame(this.intake.peer, this.direction.sends);
    this.capturing.tick(now);
    this.bridge?.tick(now);
  }

  /** The caller's RTP moved (a re-INVITE): that host only, from now on. */
  retarget(peer: Peer): void {
    this.intake.retarget(peer);
  }

  /** Bridges the caller's leg with the operator's (see the header); masking follows the card fields. */
  attachBridge(bridge: MediaBridge): void {
    this.bridge = bridge;
    bridge.cardField(this.cardField);
    this.intake.onAudio = (pcm, samples, now) => bridge.fromCaller(pcm, samples, now);
    this.intake.onTelephoneEvent = () => bridge.callerTelephoneEvent();
    const pcm = new Int16Array(160);
    const { codec } = this.options;
    this.playout.mix = (frame, prompt) => {
      decodeG711(codec, frame, pcm);
      if (bridge.towardCaller(pcm, prompt)) encodeG711(codec, pcm, frame);
    };
  }

  /** Back to IVR only (the operator's leg ended); the bridge's buffers are wiped. */
  detachBridge(): void {
    this.bridge?.wipe();
    this.bridge = undefined;
    this.intake.onAudio = undefined;
    this.intake.onTelephoneEvent = undefined;
    this.playout.mix = undefined;
  }

  /** Queues µ-law audio; resolves when it has been sent, cut by a key (barge-in) or stopped. */
  play(ulawParts: Uint8Array[], bargeIn: boolean): Promise<PlayOutcome> {
    if (this.closed) return Promise.reject(new SessionClosedError('media session is closed'));
    return this.playout.play(ulawParts, bargeIn);
  }

  /** Whether a prompt is playing now. */
  get playing(): boolean {
    return this.playout.playing;
  }

  stopPlayback(outcome: PlayOutcome = 'stopped'): void {
    this.playout.stop(outcome);
  }

  /** Captures one field (see Capture.start). */
  capture(...field: Parameters<Capture['start']>): Promise<CaptureOutcome> {
    if (this.closed) return Promise.reject(new SessionClosedError('media session is closed'));
    return this.capturing.start(...field);
  }

  /** Ends the session: stops playout and capture, and overwrites every buffer that held digits or tones. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.playout.stop('stopped');
    this.capturing.close();
    this.card.wipe();
    this.intake.wipe();
    this.detachBridge();
    this.options.protection?.wipe();
  }
}
