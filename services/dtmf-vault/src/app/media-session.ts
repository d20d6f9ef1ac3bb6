// One IVR leg's media: intake (RTP in, key presses out), playout (prompts out, paced by the shared
// ticker) and capture (the field being captured, fed by intake's keys), put together, over the leg's
// RtpProtection (plain RTP or SRTP: decrypted on intake, encrypted on playout); it wipes every buffer
// that may have held card digits, and the SRTP keys, when it closes. No socket here: the vault gives
// it a `send`.
import { type Codec, PLAIN_RTP, type RtpProtection } from '@ivr/media';
import { Capture, type CaptureOutcome } from './capture';
import { CardHolder } from './card-holder';
import { Intake } from './intake';
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
  closed = false;
  private readonly intake: Intake;
  private readonly playout: Playout;
  private readonly capturing: Capture;

  constructor(private readonly options: MediaSessionOptions) {
    const { counters } = this;
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

  /** Called by the shared ticker every 20 ms: one packet of playout, then the capture's timers. */
  tick(now: number): void {
    if (this.closed) return;
    this.playout.sendFrame(this.intake.peer);
    this.capturing.tick(now);
  }

  /** Queues µ-law audio; resolves when it has been sent, cut by a key (barge-in) or stopped. */
  play(ulawParts: Uint8Array[], bargeIn: boolean): Promise<PlayOutcome> {
    if (this.closed) return Promise.reject(new SessionClosedError('media session is closed'));
    return this.playout.play(ulawParts, bargeIn);
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
    this.options.protection?.wipe();
  }
}
