// A SIP peer made of one UDP socket and hand-written messages, for the user agent's int tests.
import dgram from 'node:dgram';
import type { SipResponse } from '../src/message';
import { header } from '../src/message';
import { parseMessage } from '../src/parser';

export class RawClient {
  readonly received: SipResponse[] = [];
  readonly requests: string[] = [];
  private constructor(
    readonly socket: dgram.Socket,
    private readonly target: () => number,
  ) {
    socket.on('message', (buf) => {
      const r = parseMessage(buf);
      if (r.ok && r.message.kind === 'response') this.received.push(r.message);
      else if (r.ok) this.requests.push(buf.toString('latin1'));
    });
  }
  /** A socket on `address` (any loopback address: 127.0.0.2 is another source) sending to the UA's port. */
  static async open(target: () => number, address = '127.0.0.1'): Promise<RawClient> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
    return new RawClient(socket, target);
  }
  get port(): number {
    return this.socket.address().port;
  }
  send(text: string | Buffer): void {
    this.socket.send(typeof text === 'string' ? Buffer.from(text, 'latin1') : text, this.target(), '127.0.0.1');
  }
  /** Polls as well as checking on every datagram: some conditions change without a reply. */
  until(predicate: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const check = () => {
        if (predicate()) resolve();
        else if (Date.now() - started > 3000) {
          reject(new Error(`timed out waiting for ${what}; got ${this.received.map((r) => r.status).join(',')}`));
        } else setTimeout(check, 10);
      };
      check();
    });
  }
  async response(status: number, callId: string): Promise<SipResponse> {
    const find = () => this.received.find((r) => r.status === status && header(r, 'Call-ID') === callId);
    await this.until(() => find() !== undefined, `${status} for ${callId}`);
    return find()!;
  }
}
