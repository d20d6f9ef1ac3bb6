// UDP sockets for media sessions, one per session, bound to even ports of a configured range
// (RTP convention: the odd port above would be RTCP, which the vault ignores).
import dgram from 'node:dgram';

export class PortRangeExhaustedError extends Error {}

export interface PortRange {
  address: string;
  minPort: number;
  maxPort: number;
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
  async allocate(): Promise<{ socket: dgram.Socket; port: number }> {
    const first = this.range.minPort + (this.range.minPort % 2);
    const slots = Math.floor((this.range.maxPort - first) / 2) + 1;
    for (let attempt = 0; attempt < slots; attempt++) {
      const port = this.cursor;
      this.cursor = port + 2 > this.range.maxPort ? first : port + 2;
      if (this.inUse.has(port)) continue;
      const socket = await bind(this.range.address, port);
      if (socket) {
        this.inUse.add(port);
        return { socket, port };
      }
    }
    throw new PortRangeExhaustedError(`no free RTP port in ${this.range.minPort}-${this.range.maxPort}`);
  }

  release(port: number): void {
    this.inUse.delete(port);
  }

  get allocated(): number {
    return this.inUse.size;
  }
}

function bind(address: string, port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4' });
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
