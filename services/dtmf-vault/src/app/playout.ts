// A session's playout: one RTP packet every tick of the shared clock, carrying the queued prompt
// audio (converted to A-law when the call uses PCMA) or silence, to wherever intake heard the peer.
// A bridged session mixes the operator's audio into each frame (`mix`).

import { randomInt } from 'node:crypto';
import { type Codec, payloadTypeOf, serializeRtp, silenceByte, ulawToAlaw } from '@ivr/media';
import type { Peer } from './ports';
import type { SessionCounters } from './session-counters';

const FRAME_SAMPLES = 160;

export type PlayOutcome = 'completed' | 'interrupted' | 'stopped';

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

interface Playback {
  frames: Uint8Array[];
  index: number;
  offset: number;
  bargeIn: boolean;
  done: (outcome: PlayOutcome) => void;
}

export class Playout {
  private playback: Playback | undefined;
  private readonly out = {
    ssrc: randomInt(1, 0xffffffff),
    sequenceNumber: randomInt(0, 0xffff),
    timestamp: randomInt(0, 0xffffffff),
    marker: true,
    frame: new Uint8Array(FRAME_SAMPLES),
  };

  /** Changes the frame about to leave (encoded in the leg's codec); `prompt`: it holds prompt audio. */
  mix: ((frame: Uint8Array, prompt: boolean) => void) | undefined;

  constructor(
    private readonly codec: Codec,
    private readonly counters: SessionCounters,
    private readonly send: (packet: Buffer, peer: Peer) => void,
  ) {}

  /** Whether a prompt is playing now. */
  get playing(): boolean {
    return this.playback !== undefined;
  }

  /** Whether what is playing now may be cut short by a key. */
  get bargeIn(): boolean {
    return this.playback?.bargeIn ?? false;
  }

  /** Queues µ-law audio in place of what was playing; resolves when it has been sent, cut by a key or stopped. */
  play(ulawParts: Uint8Array[], bargeIn: boolean): Promise<PlayOutcome> {
    this.stop('stopped');
    const frames = this.codec === 'PCMA' ? ulawParts.map(alawOf) : ulawParts;
    return new Promise((resolve) => {
      this.playback = { frames: frames.filter((f) => f.length > 0), index: 0, offset: 0, bargeIn, done: resolve };
      if (this.playback.frames.length === 0) this.stop('completed');
    });
  }

  stop(outcome: PlayOutcome = 'stopped'): void {
    const playback = this.playback;
    this.playback = undefined;
    playback?.done(outcome);
  }

  /** Sends the next 20 ms to `peer` (nothing before a peer is known; nothing but time passes on hold). */
  sendFrame(peer: Peer | undefined, transmit = true): void {
    if (!peer) return;
    const { out } = this;
    const frame = out.frame;
    const playback = this.playback;
    let filled = 0;
    if (playback) {
      while (filled < FRAME_SAMPLES && playback.index < playback.frames.length) {
        const part = playback.frames[playback.index] as Uint8Array;
        const n = Math.min(FRAME_SAMPLES - filled, part.length - playback.offset);
        // Byte by byte: no view of the prompt per frame (50 a second per session).
        for (let i = 0, from = playback.offset; i < n; i++) frame[filled + i] = part[from + i] as number;
        filled += n;
        playback.offset += n;
        if (playback.offset >= part.length) {
          playback.index++;
          playback.offset = 0;
        }
      }
      if (playback.index >= playback.frames.length) this.stop('completed');
    }
    if (filled < FRAME_SAMPLES) frame.fill(silenceByte[this.codec], filled);
    this.mix?.(frame, playback !== undefined);
    if (!transmit) {
      out.timestamp = (out.timestamp + FRAME_SAMPLES) >>> 0; // time passes on hold, sequence numbers do not
      return;
    }
    const packet = serializeRtp(
      {
        marker: out.marker,
        payloadType: payloadTypeOf[this.codec],
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
    this.send(packet, peer);
  }
}
