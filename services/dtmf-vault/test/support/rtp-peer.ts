// A minimal RTP phone for tests: sends audio and RFC 4733 events from a real UDP socket and
// records what the vault sends back; with an SrtpLeg (`protection`) it speaks SRTP both ways.
import dgram from 'node:dgram';
import {
  decodeG711,
  PLAIN_RTP,
  parseRtp,
  type RtpPacket,
  type RtpProtection,
  serializeRtp,
  serializeTelephoneEvent,
} from '@ivr/media';

const EVENT_CODES: Record<string, number> = { '*': 10, '#': 11, A: 12, B: 13, C: 14, D: 15 };

export class RtpPeer {
  readonly received: RtpPacket[] = [];
  /** Datagrams from the vault that did not unprotect (SRTP with another key), by reason. */
  readonly refused: string[] = [];
  /** Every datagram sent, as on the wire (a test may send one again: a replay). */
  readonly sent: Buffer[] = [];
  private sequenceNumber = 1000;
  private timestamp = 50_000;
  private closed = false;

  private constructor(
    readonly socket: dgram.Socket,
    readonly target: { address: string; port: number },
    readonly ssrc: number,
    readonly protection: RtpProtection,
  ) {
    socket.on('message', (msg) => {
      const unprotected = protection.unprotect(msg);
      if (!unprotected.ok) {
        this.refused.push(unprotected.reason);
        return;
      }
      const parsed = parseRtp(msg.subarray(0, unprotected.length));
      if (parsed.ok) this.received.push({ ...parsed.packet, payload: Uint8Array.from(parsed.packet.payload) });
    });
  }

  static async open(
    target: { address: string; port: number },
    ssrc = 0x1234_5678,
    bindAddress = '127.0.0.1',
    protection: RtpProtection = PLAIN_RTP,
  ): Promise<RtpPeer> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, bindAddress, resolve));
    return new RtpPeer(socket, target, ssrc, protection);
  }

  get port(): number {
    return this.socket.address().port;
  }

  sendRaw(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(bytes, this.target.port, this.target.address, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Sends one RTP packet, protected by the peer's leg (as is for plain RTP). */
  sendPacket(packet: Buffer): Promise<void> {
    const datagram = this.protection.protect(packet);
    this.sent.push(datagram);
    return this.sendRaw(datagram);
  }

  async sendAudio(frames: Uint8Array[], payloadType = 0, ssrc = this.ssrc): Promise<void> {
    for (const frame of frames) {
      await this.sendPacket(
        serializeRtp({ payloadType, sequenceNumber: this.sequenceNumber++, timestamp: this.timestamp, ssrc }, frame),
      );
      this.timestamp += 160;
      if (this.sequenceNumber % 25 === 0) await pause(2); // let the receiver drain its socket buffer
    }
  }

  /**
   * Sends audio in real time, one frame every 20 ms on a drift-free schedule, as a phone does;
   * `onFrame(i)` runs before frame i leaves (a test starts a capture at the right moment). Stops
   * early when the peer is closed.
   */
  async sendAudioPaced(frames: Uint8Array[], payloadType = 0, onFrame?: (i: number) => void): Promise<void> {
    const start = performance.now();
    for (const [i, frame] of frames.entries()) {
      if (this.closed) return;
      onFrame?.(i);
      await this.sendPacket(
        serializeRtp(
          { payloadType, sequenceNumber: this.sequenceNumber++, timestamp: this.timestamp, ssrc: this.ssrc },
          frame,
        ),
      );
      this.timestamp += 160;
      await pause(Math.max(0, start + (i + 1) * 20 - performance.now()));
    }
  }

  /** The audio received so far, decoded (PCMU or PCMA), in arrival order. */
  receivedAudio(): Int16Array {
    const frames = this.received.filter((p) => p.payloadType === 0 || p.payloadType === 8);
    const out = new Int16Array(frames.reduce((n, p) => n + p.payload.length, 0));
    let offset = 0;
    for (const p of frames) {
      offset += decodeG711(p.payloadType === 0 ? 'PCMU' : 'PCMA', p.payload, out.subarray(offset));
    }
    return out;
  }

  /** Sends key presses as RFC 4733 events: start, continuations, three end packets; optionally doubled. */
  async sendKeys(
    keys: string,
    options: { payloadType?: number; duplicate?: boolean; ssrc?: number } = {},
  ): Promise<void> {
    const payloadType = options.payloadType ?? 101;
    const ssrc = options.ssrc ?? this.ssrc;
    for (const key of keys) {
      const event = EVENT_CODES[key] ?? Number(key);
      const timestamp = this.timestamp;
      const packets: Buffer[] = [];
      for (let i = 1; i <= 5; i++)
        packets.push(
          serializeRtp(
            { marker: i === 1, payloadType, sequenceNumber: this.sequenceNumber++, timestamp, ssrc },
            serializeTelephoneEvent({ event, end: false, volume: 10, duration: 160 * i }),
          ),
        );
      for (let i = 0; i < 3; i++)
        packets.push(
          serializeRtp(
            { payloadType, sequenceNumber: this.sequenceNumber++, timestamp, ssrc },
            serializeTelephoneEvent({ event, end: true, volume: 10, duration: 960 }),
          ),
        );
      for (const packet of packets) {
        await this.sendPacket(packet);
        if (options.duplicate) await this.sendRaw(this.sent.at(-1) as Buffer);
      }
      this.timestamp += 160 * 10;
      await pause(1);
    }
  }

  async waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await pause(10);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
