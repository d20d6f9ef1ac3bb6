// A UDP socket that stands in for an RTP endpoint in tests: counts packets per payload type and
// decodes RFC 4733 telephone-events into digits (one per event, however often its end packet is
// repeated).
import dgram from 'node:dgram';

const EVENT_CHARS = '0123456789*#ABCD';

export class RtpSink {
  readonly packetsByPayloadType = new Map<number, number>();
  readonly digits: string[] = [];
  private readonly endedEvents = new Set<number>();
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly socket: dgram.Socket,
    /** Payload type that carries telephone-events (from the negotiated SDP). */
    public telephoneEventPayloadType: number,
  ) {
    socket.on('message', (buf) => this.onPacket(buf));
  }

  static async start(telephoneEventPayloadType = 101): Promise<RtpSink> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new RtpSink(socket, telephoneEventPayloadType);
  }

  get address(): { address: string; port: number } {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  get packets(): number {
    let n = 0;
    for (const c of this.packetsByPayloadType.values()) n += c;
    return n;
  }

  /** Resolves once `predicate` holds (checked after every packet); rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(
          new Error(
            `RTP sink: timed out waiting for ${what} (packets ${this.packets}, digits ${this.digits.join('')})`,
          ),
        );
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private onPacket(buf: Buffer): void {
    if (buf.length < 12 || buf[0]! >> 6 !== 2) return;
    const payloadType = buf[1]! & 0x7f;
    this.packetsByPayloadType.set(payloadType, (this.packetsByPayloadType.get(payloadType) ?? 0) + 1);
    const csrcCount = buf[0]! & 0x0f;
    const offset = 12 + 4 * csrcCount;
    if (payloadType === this.telephoneEventPayloadType && buf.length >= offset + 4) {
      const event = buf[offset]!;
      const end = (buf[offset + 1]! & 0x80) !== 0;
      const timestamp = buf.readUInt32BE(4);
      if (end && !this.endedEvents.has(timestamp)) {
        this.endedEvents.add(timestamp);
        this.digits.push(EVENT_CHARS[event] ?? '?');
      }
    }
    for (const w of [...this.waiters]) w();
  }
}
