// The caller's media for one benchmark call: keys digits as RFC 4733 telephone-events (20 ms
// packets, three end packets, like a phone) to the vault's address from the SDP answer, and
// listens to the vault's prompt audio. It sends no voice: the vault needs only the events, and the
// generator would otherwise spend its one core on 50 packets a second per call. A silence packet a
// second keeps the session alive (the vault closes a session whose RTP stays silent for 30 s).
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const PT_PCMU = 0;
const PT_EVENT = 101;
const FRAME = 160;
const EVENT_CODE: Record<string, number> = { '*': 10, '#': 11 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The first 20 ms frame of the recordings that can open the result prompt (approved, declined,
 * cancelled, invalid): a new playout starts at a frame boundary, so the packet that carries exactly
 * these bytes is the first packet of the result prompt. "Please wait", which plays before, differs.
 */
export function resultPromptHeads(language = 'en'): Map<string, string> {
  const dir = path.join(__dirname, '..', '..', 'services', 'dtmf-vault', 'assets', 'prompts', language);
  const heads = new Map<string, string>();
  for (const id of ['approved', 'declined', 'cancelled', 'invalid']) {
    heads.set(
      readFileSync(path.join(dir, `${id}.ul`))
        .subarray(0, FRAME)
        .toString('hex'),
      id,
    );
  }
  return heads;
}

/** Near-zero µ-law bytes: the vault's silence frames are made of these. */
const isAudible = (payload: Buffer) => payload.some((b) => (b & 0x7e) !== 0x7e);

export class RtpLeg {
  /** Time (performance.now) of the first audible packet after `mark()`. */
  audioAfterMark: number | undefined;
  /** Time and prompt id of the first result prompt packet after `mark()`. */
  resultPrompt: { at: number; id: string } | undefined;
  private marked = false;
  private audioWaiters: Array<() => void> = [];
  private lastAudibleAt = 0;
  private seq = Math.floor(Math.random() * 0xffff);
  private timestamp = Math.floor(Math.random() * 0xffffffff);
  private readonly ssrc = Math.floor(Math.random() * 0xffffffff);

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly heads: Map<string, string>,
    private readonly vault: { address: string; port: number },
  ) {
    socket.on('message', (buf) => this.receive(buf));
    this.sendSilence();
    this.keepAlive = setInterval(() => this.sendSilence(), 1000);
  }

  private readonly keepAlive: NodeJS.Timeout;

  /** A bound socket whose offer goes in the INVITE; `connect` hands it to the leg, `close` drops it unused. */
  static async open(
    heads: Map<string, string>,
  ): Promise<{ port: number; connect: (answerSdp: string) => RtpLeg; close: () => void }> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return {
      port: socket.address().port,
      connect: (answerSdp) => {
        const address = /^c=IN IP4 (\S+)/m.exec(answerSdp)?.[1];
        const port = Number(/^m=audio (\d+)/m.exec(answerSdp)?.[1]);
        if (address !== '127.0.0.1' || !port) {
          socket.close();
          throw new Error('SDP answer without a 127.0.0.1 audio address');
        }
        return new RtpLeg(socket, heads, { address, port });
      },
      close: () => socket.close(),
    };
  }

  /** Resolves at the next audible packet (a prompt starting), or after `timeoutMs`. */
  nextAudio(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.audioWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Resolves once prompts have been quiet for `quietMs` (after at least one audible packet). */
  async quiet(quietMs: number, timeoutMs: number): Promise<boolean> {
    const until = performance.now() + timeoutMs;
    while (performance.now() < until) {
      if (this.lastAudibleAt > 0 && performance.now() - this.lastAudibleAt >= quietMs) return true;
      await sleep(20);
    }
    return false;
  }

  /**
   * Keys digits like a phone: each held `toneMs`, then a `gapMs` pause. With `markLast`, marks the
   * moment the last digit's first packet leaves (the last keypress: the vault may complete the field on
   * it, and a result can come before the key is let go) and returns it.
   */
  async key(digits: string, toneMs: number, gapMs: number, markLast = false): Promise<number> {
    let lastEnd = 0;
    let pressed = 0;
    for (const [i, d] of [...digits].entries()) {
      const event = EVENT_CODE[d] ?? Number(d);
      const last = markLast && i === digits.length - 1;
      if (last) {
        this.mark();
        pressed = performance.now();
      }
      this.timestamp = (this.timestamp + 8 * (toneMs + gapMs)) >>> 0;
      const packets = Math.max(1, Math.round(toneMs / 20));
      for (let i = 1; i <= packets; i++) {
        this.sendEvent(event, i === 1, false, i * FRAME);
        await sleep(20);
      }
      for (let n = 0; n < 3; n++) this.sendEvent(event, false, true, packets * FRAME);
      lastEnd = performance.now();
      if (last) return pressed;
      await sleep(gapMs);
    }
    return lastEnd;
  }

  /** From now on, note the first audible packet and the first result prompt packet. */
  mark(): void {
    this.marked = true;
    this.audioAfterMark = undefined;
    this.resultPrompt = undefined;
  }

  close(): void {
    clearInterval(this.keepAlive);
    this.socket.close();
  }

  private receive(buf: Buffer): void {
    const now = performance.now();
    if (buf.length < 12 + FRAME || ((buf[1] as number) & 0x7f) !== PT_PCMU) return;
    const payload = buf.subarray(buf.length - FRAME);
    if (!isAudible(payload)) return;
    this.lastAudibleAt = now;
    const waiters = this.audioWaiters;
    this.audioWaiters = [];
    for (const w of waiters) w();
    if (!this.marked) return;
    this.audioAfterMark ??= now;
    if (!this.resultPrompt) {
      const id = this.heads.get(payload.toString('hex'));
      if (id) this.resultPrompt = { at: now, id };
    }
  }

  private sendSilence(): void {
    const packet = Buffer.alloc(12 + FRAME, 0xff);
    packet[0] = 0x80;
    packet[1] = PT_PCMU;
    this.seq = (this.seq + 1) & 0xffff;
    packet.writeUInt16BE(this.seq, 2);
    packet.writeUInt32BE(this.timestamp, 4);
    packet.writeUInt32BE(this.ssrc >>> 0, 8);
    this.socket.send(packet, this.vault.port, this.vault.address);
  }

  private sendEvent(event: number, first: boolean, end: boolean, duration: number): void {
    const packet = Buffer.alloc(16);
    packet[0] = 0x80;
    packet[1] = (first ? 0x80 : 0) | PT_EVENT;
    this.seq = (this.seq + 1) & 0xffff;
    packet.writeUInt16BE(this.seq, 2);
    packet.writeUInt32BE(this.timestamp, 4);
    packet.writeUInt32BE(this.ssrc >>> 0, 8);
    packet[12] = event;
    packet[13] = (end ? 0x80 : 0) | 10; // volume -10 dBm0
    packet.writeUInt16BE(duration & 0xffff, 14);
    this.socket.send(packet, this.vault.port, this.vault.address);
  }
}
