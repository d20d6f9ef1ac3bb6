// The operator's leg of a bridged session (agent-assisted mode): its own RTP port, which call-control
// puts into the SDP offer of its call to the operator. It receives like the caller's leg (the SDP host
// only, the first stream there locked; payload types; nothing before the answer said which codec; plain
// RTP: SRTP on this leg is not done yet) but looks for no key, so
// nothing keyed on the operator's phone ever reaches a capture. It sends what the bridge gives it: the
// caller's audio (masked during card fields) and the prompts, encoded in the answer's codec.
import { randomInt } from 'node:crypto';
import { type Codec, encodeG711, payloadTypeOf, serializeRtp } from '@ivr/media';
import { Intake } from './intake';
import { LegDirection } from './leg-direction';
import type { MediaSocket, Peer } from './ports';
import { type SessionCounters, zeroCounters } from './session-counters';

export interface LegRemote {
  peer: Peer;
  /** The caller's leg keeps the codec its session opened with; the operator's takes the answer's. */
  codec?: Codec;
  telephoneEventPayloadType?: number;
}

export interface OperatorLegDeps {
  now: () => number;
  /** The operator's audio, decoded (the samples are overwritten once it returns). */
  onAudio: (pcm: Int16Array, samples: number) => void;
}

export class OperatorLeg {
  readonly counters: SessionCounters = zeroCounters();
  readonly direction: LegDirection;
  private intake: Intake | undefined;
  private codec: Codec | undefined;
  private encoded = new Uint8Array(160);
  private readonly out = {
    ssrc: randomInt(1, 0xffffffff),
    sequenceNumber: randomInt(0, 0xffff),
    timestamp: randomInt(0, 0xffffffff),
    marker: true,
  };
  private closed = false;

  constructor(
    private readonly socket: MediaSocket,
    private readonly deps: OperatorLegDeps,
  ) {
    this.direction = new LegDirection(deps.now());
    socket.onDatagram((datagram, from) => {
      this.receive(datagram, from);
      datagram.fill(0);
    });
  }

  get port(): number {
    return this.socket.port;
  }

  get lastPacketAt(): number | undefined {
    return this.intake?.lastPacketAt;
  }

  /** The answer to the vault's offer, or a later re-INVITE: where the operator's RTP is, in which codec. */
  setRemote(remote: LegRemote): void {
    const codec = remote.codec ?? this.codec ?? 'PCMU';
    const eventPt = remote.telephoneEventPayloadType ?? 101;
    if (this.intake && codec === this.codec) {
      this.intake.retarget(remote.peer);
      return;
    }
    this.intake?.wipe();
    this.codec = codec;
    this.intake = new Intake(
      {
        codec,
        telephoneEventPayloadType: eventPt,
        sdpPeer: remote.peer,
        now: this.deps.now,
        onKey: () => {},
        detectKeys: false,
      },
      this.counters,
    );
    this.intake.onAudio = (pcm, samples) => this.deps.onAudio(pcm, samples);
  }

  /** Sends a frame of the bridge's audio (nothing before the answer; only time passes while on hold). */
  send(pcm: Int16Array, samples: number): void {
    const peer = this.intake?.peer;
    const codec = this.codec;
    if (this.closed || !peer || !codec) return;
    const { out } = this;
    if (this.direction.sends) {
      if (this.encoded.length !== samples) this.encoded = new Uint8Array(samples);
      const payload = encodeG711(codec, pcm.subarray(0, samples), this.encoded);
      const packet = serializeRtp(
        {
          marker: out.marker,
          payloadType: payloadTypeOf[codec],
          sequenceNumber: out.sequenceNumber,
          timestamp: out.timestamp,
          ssrc: out.ssrc,
        },
        payload,
      );
      payload.fill(0);
      out.marker = false;
      out.sequenceNumber = (out.sequenceNumber + 1) & 0xffff;
      this.counters.packetsSent++;
      this.socket.send(packet, peer);
    }
    out.timestamp = (out.timestamp + samples) >>> 0;
  }

  /** Stops the leg, closes its socket and overwrites what it decoded. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.intake?.wipe();
    this.encoded.fill(0);
    this.socket.close();
  }

  private receive(datagram: Uint8Array, from: Peer): void {
    if (this.closed) return;
    if (!this.intake) {
      this.counters.packetsReceived++; // before the answer: no codec to read it with
      return;
    }
    this.intake.receive(datagram, from);
  }
}
