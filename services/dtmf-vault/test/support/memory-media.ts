// The vault's media ports in memory, for unit tests of its use cases: sockets that keep what is sent
// and let the test deliver datagrams, a clock the test moves and ticks by hand, and two short prompts.
import type { Language } from '@ivr/contracts';
import { decodeG711, encodeG711, parseRtp, serializeRtp, serializeTelephoneEvent } from '@ivr/media';
import type { MediaPorts, MediaSocket, Peer, PlayoutClock, PromptAudio } from '../../src/app/ports';
import { Vault, type VaultLimits } from '../../src/app/vault';

export class MemorySocket implements MediaSocket {
  readonly sent: { packet: Uint8Array; to: Peer }[] = [];
  closed = false;
  private handler: ((datagram: Buffer, from: Peer) => void) | undefined;

  constructor(readonly port: number) {}

  onDatagram(handler: (datagram: Buffer, from: Peer) => void): void {
    this.handler = handler;
  }

  send(packet: Uint8Array, to: Peer): void {
    if (!this.closed) this.sent.push({ packet: Uint8Array.from(packet), to });
  }

  close(): void {
    this.closed = true;
  }

  deliver(datagram: Uint8Array, from: Peer): void {
    if (!this.closed) this.handler?.(Buffer.from(datagram), from);
  }

  /** The audio sent so far, decoded in the order it was sent. */
  audio(): Int16Array {
    const frames = this.sent.flatMap(({ packet }) => {
      const parsed = parseRtp(packet);
      if (!parsed.ok || (parsed.packet.payloadType !== 0 && parsed.packet.payloadType !== 8)) return [];
      const pcm = new Int16Array(parsed.packet.payload.length);
      decodeG711(parsed.packet.payloadType === 0 ? 'PCMU' : 'PCMA', parsed.packet.payload, pcm);
      return [pcm];
    });
    const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
    let offset = 0;
    for (const f of frames) {
      out.set(f, offset);
      offset += f.length;
    }
    return out;
  }
}

export class MemoryPorts implements MediaPorts {
  readonly sockets: MemorySocket[] = [];
  private next = 40_000;

  async open(): Promise<MediaSocket> {
    const socket = new MemorySocket(this.next);
    this.next += 2;
    this.sockets.push(socket);
    return socket;
  }
}

export class ManualClock implements PlayoutClock {
  now = 1_000_000;
  private readonly listeners = new Set<() => void>();

  add(listener: () => void): void {
    this.listeners.add(listener);
  }

  remove(listener: () => void): void {
    this.listeners.delete(listener);
  }

  /** Moves time on by 20 ms and runs one tick. */
  tick(): void {
    this.now += 20;
    for (const listener of [...this.listeners]) listener();
  }
}

/** A 400 Hz "welcome" prompt of 200 ms, the only prompt these tests play. */
export const WELCOME_HZ = 400;
const welcome = encodeG711(
  'PCMU',
  Int16Array.from({ length: 1600 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * WELCOME_HZ * i) / 8000))),
);
const prompts: PromptAudio = {
  has: (_: Language, id: string) => id === 'welcome',
  get: () => welcome,
};

export function memoryVault(limits: Partial<VaultLimits> = {}): {
  vault: Vault;
  ports: MemoryPorts;
  clock: ManualClock;
} {
  const ports = new MemoryPorts();
  const clock = new ManualClock();
  const vault = new Vault({
    ports,
    advertisedAddress: '192.0.2.10',
    ticker: clock,
    prompts,
    tokenizers: { forAccount: () => Promise.reject(new Error('no PSP in this test')) },
    limits: { maxSessionMs: 3_600_000, rtpSilenceMs: 2_000, maxSessions: 10, ...limits },
    now: () => clock.now,
    today: () => new Date('2026-12-07T00:00:00Z'),
  });
  return { vault, ports, clock };
}

/** One RTP sender of a test: audio frames and RFC 4733 key presses with its own numbering. */
export class RtpStream {
  private sequenceNumber = 100;
  private timestamp = 8000;

  constructor(
    readonly ssrc: number,
    readonly from: Peer,
    private readonly codec: 'PCMU' | 'PCMA' = 'PCMU',
  ) {}

  audio(pcm: Int16Array): Buffer {
    const packet = serializeRtp(
      {
        payloadType: this.codec === 'PCMU' ? 0 : 8,
        sequenceNumber: this.sequenceNumber++,
        timestamp: this.timestamp,
        ssrc: this.ssrc,
      },
      encodeG711(this.codec, pcm),
    );
    this.timestamp += pcm.length;
    return packet;
  }

  /** The packets of one key press: five growing, then three end packets (one per 20 ms tick, ends together). */
  keyPress(event: number): Buffer[] {
    const timestamp = this.timestamp;
    const packets: Buffer[] = [];
    for (let i = 1; i <= 6; i++)
      packets.push(
        serializeRtp(
          { marker: i === 1, payloadType: 101, sequenceNumber: this.sequenceNumber++, timestamp, ssrc: this.ssrc },
          serializeTelephoneEvent({ event, end: i === 6, volume: 10, duration: 160 * i }),
        ),
      );
    this.timestamp += 160 * 6;
    return packets;
  }
}
