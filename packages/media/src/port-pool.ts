// UDP sockets for media sessions, one per session, bound to even ports of a configured range
// (RTP convention: the odd port above would be RTCP, which is ignored).
import dgram from 'node:dgram';
import dns from 'node:dns';
import { isIP } from 'node:net';

export class PortRangeExhaustedError extends Error {}

export interface PortRange {
  address: string;
  minPort: number;
  maxPort: number;
}

export interface RtpPeer {
  address: string;
  port: number;
}

/** One media session's UDP port: what its RTP arrives on and leaves from. */
export interface RtpSocket {
  readonly port: number;
  /** Every datagram that arrives; the handler may overwrite the buffer when it returns. */
  onDatagram(handler: (datagram: Buffer, from: RtpPeer) => void): void;
  send(packet: Uint8Array, to: RtpPeer): void;
  /** Stops receiving, closes the socket and gives its port back to the pool. */
  close(): void;
}

export class PortPool {
  private cursor: number;
  private readonly inUse = new Set<number>();

  constructor(private readonly range: PortRange) {
    if (range.minPort < 1024 || range.maxPort > 65535 || range.maxPort <= range.minPort)
      throw new RangeError('RTP port range must lie within 1024-65535 and hold at least two ports');
    this.cursor = range.minPort + (range.minPort % 2);
  }

  get address(): string {
    return this.range.address;
  }

  /** Binds a socket to the next free even port; ports taken by other programs are skipped. */
  async open(): Promise<RtpSocket> {
    const first = this.range.minPort + (this.range.minPort % 2);
    const slots = Math.floor((this.range.maxPort - first) / 2) + 1;
    for (let attempt = 0; attempt < slots; attempt++) {
      const port = this.cursor;
      this.cursor = port + 2 > this.range.maxPort ? first : port + 2;
      if (this.inUse.has(port)) continue;
      const socket = await bind(this.range.address, port);
      if (socket) {
        this.inUse.add(port);
        return this.wrap(socket, port);
      }
    }
    throw new PortRangeExhaustedError(`no free RTP port in ${this.range.minPort}-${this.range.maxPort}`);
  }

  get allocated(): number {
    return this.inUse.size;
  }

  private wrap(socket: dgram.Socket, port: number): RtpSocket {
    socket.on('error', () => {
      // Send errors (ICMP unreachable) are not fatal for a media session; silence closes it later.
    });
    return {
      port,
      onDatagram: (handler) => socket.on('message', handler), // Node's (message, rinfo): no wrapper per packet
      send: (packet, to) => socket.send(packet, to.port, to.address),
      close: () => {
        socket.removeAllListeners('message');
        socket.close();
        this.inUse.delete(port);
      },
    };
  }
}

function bind(address: string, port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', lookup: literalFirst() });
    const onError = () => {
      socket.close();
      resolve(undefined);
    };
    socket.once('error', onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

/**
 * Where a datagram goes: an address literal (what SDP and intake give as a peer) at once, a name by the
 * resolver. Node's default lookup answers even a literal on the next tick: a closure and a deferred send
 * per packet, 100,000 a second at 1,000 sessions. One per socket: it remembers the last literal it
 * answered (a session sends to one peer), so that the per-packet answer needs no isIP.
 */
function literalFirst(): (
  hostname: string,
  options: dns.LookupOneOptions | number,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
) => void {
  let lastLiteral = '';
  let lastFamily = 0;
  return (hostname, options, callback) => {
    if (hostname === lastLiteral) {
      callback(null, hostname, lastFamily);
      return;
    }
    const literal = isIP(hostname);
    if (literal) {
      lastLiteral = hostname;
      lastFamily = literal;
      callback(null, hostname, literal);
    } else dns.lookup(hostname, typeof options === 'number' ? { family: options } : options, callback); // Node passes the socket's family (4 or 6)
  };
}
