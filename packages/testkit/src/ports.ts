/**
 * Ports for the processes a test starts. One allocator for the whole test process: a port chosen
 * here is not bound until the service or phone starts, sometimes seconds later, so the kernel could
 * hand the same port out again in between (to another service's admin port, say). This never returns
 * a port twice, and checks it free on TCP (all addresses) and UDP.
 */
import dgram from 'node:dgram';
import net from 'node:net';

const handedOut = new Set<number>();

function listenTcp(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => {
      const bound = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/**
 * A port free on TCP and UDP that this process has not handed out before. `span` > 1 asks for that
 * many consecutive ports (baresip listens for SIP/TLS on the SIP port + 1).
 */
export async function freePort(span = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await listenTcp(0, '0.0.0.0');
    if (port === undefined || port + span - 1 > 65_535) continue;
    const ports = Array.from({ length: span }, (_, i) => port + i);
    if (ports.some((p) => handedOut.has(p))) continue;
    let free = true;
    for (const p of ports) {
      if ((p !== port && (await listenTcp(p, '0.0.0.0')) === undefined) || !(await udpFree(p))) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    for (const p of ports) handedOut.add(p);
    return port;
  }
  throw new Error('no free port found in 50 tries');
}
