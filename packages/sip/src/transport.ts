// UDP and TCP transports on one address (RFC 3261 §18). Everything that arrives goes through the
// same gate: size limit, per-source rate limit, parser. Garbage never reaches the user agent and
// never throws: it is answered 400 when a Via survived (so the sender can read why), else dropped,
// and counted either way.
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import type { SipLogger } from './logger';
import type { SipMessage } from './message';
import { parseMessage } from './parser';
import { type RateLimit, RateLimiter } from './rate-limiter';
import { createResponse } from './responses';
import { serialize } from './serializer';
import { StreamFramer } from './stream-framer';

export type TransportName = 'UDP' | 'TCP' | 'TLS';

/** SIP over TLS (RFC 3261 §26.2, RFC 5630): its own port, TLS 1.2 or later, PEM material. */
export interface SipTlsOptions {
  port: number;
  key: Buffer | string;
  cert: Buffer | string;
  /** CA certificates a client's certificate must chain to (when `requireClientCertificate`). */
  ca?: Buffer | string;
  /** Mutual TLS: the SBC must present a certificate of `ca`; otherwise the handshake is refused. */
  requireClientCertificate: boolean;
  /**
   * With mutual TLS, the names (subject CN or DNS subjectAltName) an SBC's certificate must carry; a
   * certificate of `ca` with none of them is refused like a bad one. Absent: any certificate of `ca`.
   */
  clientNames?: readonly string[];
}

/** Where a message came from and how to answer on the same path. */
export interface Flow {
  transport: TransportName;
  remoteAddress: string;
  remotePort: number;
  reliable: boolean;
  send(msg: SipMessage): void;
}

export interface TransportOptions {
  host: string;
  port: number;
  /** Listen on TCP too (same port). */
  tcp: boolean;
  maxMessageSize: number;
  rateLimit: RateLimit;
  /** Idle TCP connections are closed after this long. */
  tcpIdleTimeoutMs: number;
  maxTcpConnections: number;
  /** Listen for SIP over TLS too (another port; idle timeout and connection cap as TCP). */
  tls?: SipTlsOptions;
}

export interface TransportHooks {
  onMessage(msg: SipMessage, flow: Flow): void;
  /** A TCP connection closed: dialogs that live on it cannot be reached any more. */
  onFlowClosed(flow: Flow): void;
  /** An idle TCP connection is kept while a dialog still uses it (a long call sends no SIP). */
  flowInUse(flow: Flow): boolean;
}

export interface TransportStats {
  received: number;
  malformed: number;
  answered400: number;
  oversized: number;
  rateLimited: number;
  sendErrors: number;
  /**
   * TLS connections whose handshake failed (bad or missing client certificate, old protocol, garbage) or
   * whose client certificate names none of `clientNames`.
   */
  tlsHandshakeFailures: number;
}

export class SipTransport {
  readonly stats: TransportStats = {
    received: 0,
    malformed: 0,
    answered400: 0,
    oversized: 0,
    rateLimited: 0,
    sendErrors: 0,
    tlsHandshakeFailures: 0,
  };
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private tlsServer: tls.Server | undefined;
  private readonly connections = new Map<string, net.Socket>();
  private readonly limiter: RateLimiter;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: TransportOptions,
    private readonly hooks: TransportHooks,
    private readonly log: SipLogger,
  ) {
    this.limiter = new RateLimiter(opts.rateLimit);
  }

  /** The TLS port actually bound, when TLS is on. */
  get tlsPort(): number | undefined {
    const address = this.tlsServer?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  /** The UDP port actually bound (useful with port 0 in tests). */
  get port(): number {
    return this.udp?.address().port ?? this.opts.port;
  }

  async start(): Promise<void> {
    // With port 0 the kernel picks a free UDP port that TCP may not have free: try a few.
    for (let attempt = 1; ; attempt++) {
      const udp = await this.bindUdp();
      this.udp = udp;
      if (!this.opts.tcp) break;
      try {
        this.tcp = await this.listenTcp(udp.address().port);
        break;
      } catch (err) {
        await new Promise<void>((resolve) => udp.close(() => resolve()));
        this.udp = undefined;
        const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (this.opts.port !== 0 || !inUse || attempt >= 10) throw err;
      }
    }
    if (this.opts.tls) this.tlsServer = await this.listenTls(this.opts.tls);
    this.sweepTimer = setInterval(() => this.limiter.sweep(), 30_000);
    this.sweepTimer.unref();
  }

  private async bindUdp(): Promise<dgram.Socket> {
    const udp = dgram.createSocket({ type: net.isIPv6(this.opts.host) ? 'udp6' : 'udp4' });
    udp.on('message', (buf, rinfo) => this.onDatagram(buf, rinfo));
    udp.on('error', (err) => this.log.warn({ err: err.message }, 'sip udp socket error'));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.opts.port, this.opts.host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    try {
      // Bursts (a PBX re-sending after a failover) overflow the default ~200 KB; the kernel caps this.
      udp.setRecvBufferSize(4 * 1024 * 1024);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.log.info({ err: reason }, 'sip udp receive buffer left at default');
    }
    return udp;
  }

  private async listenTcp(port: number): Promise<net.Server> {
    const server = net.createServer((socket) => this.onConnection(socket));
    server.maxConnections = this.opts.maxTcpConnections;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log.warn({ err: err.message }, 'sip tcp server error'));
    return server;
  }

  private async listenTls(opts: SipTlsOptions): Promise<tls.Server> {
    const server = tls.createServer(
      {
        key: opts.key,
        cert: opts.cert,
        ...(opts.ca ? { ca: opts.ca } : {}),
        minVersion: 'TLSv1.2',
        requestCert: opts.requireClientCertificate,
        rejectUnauthorized: opts.requireClientCertificate,
        // A handshake that does not finish in time is a failed one (slow-loris on the TLS port).
        handshakeTimeout: 10_000,
      },
      (socket) => {
        const names = opts.clientNames;
        if (names && !certificateNames(socket.getPeerCertificate()).some((n) => names.includes(n))) {
          this.stats.tlsHandshakeFailures++;
          const subject = socket.getPeerCertificate().subject?.CN;
          this.log.info({ remoteAddress: socket.remoteAddress, subject }, 'sip tls client refused: name not allowed');
          socket.destroy();
          return;
        }
        this.onConnection(socket, 'TLS');
      },
    );
    server.maxConnections = this.opts.maxTcpConnections;
    // A bad or missing client certificate, an old protocol, garbage: refused, counted, never thrown.
    server.on('tlsClientError', (err, socket) => {
      this.stats.tlsHandshakeFailures++;
      this.log.info({ remoteAddress: socket.remoteAddress, err: err.message }, 'sip tls handshake refused');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log.warn({ err: err.message }, 'sip tls server error'));
    return server;
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const socket of this.connections.values()) socket.destroy();
    this.connections.clear();
    await Promise.all([
      new Promise<void>((resolve) => (this.udp ? this.udp.close(() => resolve()) : resolve())),
      new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve())),
      new Promise<void>((resolve) => (this.tlsServer ? this.tlsServer.close(() => resolve()) : resolve())),
    ]);
    this.udp = undefined;
    this.tcp = undefined;
    this.tlsServer = undefined;
  }

  /** A UDP flow to any address (requests inside a dialog go to the remote target). */
  udpFlow(remoteAddress: string, remotePort: number): Flow {
    return {
      transport: 'UDP',
      remoteAddress,
      remotePort,
      reliable: false,
      send: (msg) => {
        const buf = serialize(msg);
        this.udp?.send(buf, remotePort, remoteAddress, (err) => {
          if (err) {
            this.stats.sendErrors++;
            this.log.warn({ err: err.message }, 'sip udp send failed');
          }
        });
      },
    };
  }

  /** The open TCP or TLS connection to this peer, if it still exists. */
  streamFlow(transport: 'TCP' | 'TLS', remoteAddress: string, remotePort: number): Flow | undefined {
    const socket = this.connections.get(`${transport}|${remoteAddress}:${remotePort}`);
    return socket ? this.socketFlow(socket, transport, remoteAddress, remotePort) : undefined;
  }

  /**
   * A TCP connection of our own to a peer (a request we send outside any dialog, e.g. an INVITE to
   * the PBX): the open one if there is one, else a new one, read like an accepted connection.
   * Undefined when it cannot be opened within 5 s.
   */
  async connectTcp(remoteAddress: string, remotePort: number): Promise<Flow | undefined> {
    const open = this.streamFlow('TCP', remoteAddress, remotePort);
    if (open) return open;
    const socket = net.connect({ host: remoteAddress, port: remotePort, timeout: 5000 });
    const connected = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => resolve(false));
    });
    if (!connected) {
      socket.destroy();
      this.stats.sendErrors++;
      return undefined;
    }
    socket.setTimeout(0);
    this.onConnection(socket, 'TCP');
    return this.streamFlow('TCP', socket.remoteAddress ?? remoteAddress, socket.remotePort ?? remotePort);
  }

  private onDatagram(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    const flow = this.udpFlow(rinfo.address, rinfo.port);
    if (!this.admit(rinfo.address)) return;
    if (buf.length > this.opts.maxMessageSize) {
      this.stats.oversized++;
      return;
    }
    this.handle(buf, flow);
  }

  private onConnection(socket: net.Socket, transport: 'TCP' | 'TLS' = 'TCP'): void {
    const remoteAddress = socket.remoteAddress ?? '';
    const remotePort = socket.remotePort ?? 0;
    const key = `${transport}|${remoteAddress}:${remotePort}`;
    this.connections.set(key, socket);
    const flow = this.socketFlow(socket, transport, remoteAddress, remotePort);
    const framer = new StreamFramer(this.opts.maxMessageSize);
    socket.setTimeout(this.opts.tcpIdleTimeoutMs, () => {
      if (!this.hooks.flowInUse(flow)) socket.destroy();
    });
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'sip tcp connection error'));
    socket.on('close', () => {
      this.connections.delete(key);
      this.hooks.onFlowClosed(flow);
    });
    socket.on('data', (chunk) => {
      if (!this.admit(remoteAddress)) return;
      const { frames, error } = framer.push(chunk);
      for (const frame of frames) this.handle(frame, flow);
      if (error) {
        // Framing is lost for good on this stream; the only safe move is to close it.
        if (error.includes('size')) this.stats.oversized++;
        else this.stats.malformed++;
        this.log.info({ remoteAddress, error }, 'closing sip tcp connection');
        socket.destroy();
      }
    });
  }

  private socketFlow(socket: net.Socket, transport: 'TCP' | 'TLS', remoteAddress: string, remotePort: number): Flow {
    return {
      transport,
      remoteAddress,
      remotePort,
      reliable: true,
      send: (msg) => {
        if (socket.destroyed) {
          this.stats.sendErrors++;
          return;
        }
        socket.write(serialize(msg));
      },
    };
  }

  private admit(source: string): boolean {
    this.stats.received++;
    if (this.limiter.allow(source)) return true;
    this.stats.rateLimited++;
    return false;
  }

  private handle(buf: Buffer, flow: Flow): void {
    const result = parseMessage(buf);
    if (result.ok) {
      try {
        this.hooks.onMessage(result.message, flow);
      } catch (err) {
        // A bug in a handler must not take the transport (and every other call) down with it.
        this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'sip message handler failed');
      }
      return;
    }
    this.stats.malformed++;
    const isRequest = result.startLine !== undefined && !result.startLine.startsWith('SIP/');
    const hasVia = result.headers.some((h) => h.name === 'Via');
    const isAck = result.startLine?.startsWith('ACK ') ?? false;
    this.log.info({ remoteAddress: flow.remoteAddress, error: result.error }, 'malformed sip message');
    if (isRequest && hasVia && !isAck) {
      this.stats.answered400++;
      flow.send(createResponse({ headers: result.headers }, 400, { reason: `Bad Request (${result.error})` }));
    }
  }
}

/** The names a peer's certificate stands for: its subject CN and its DNS subjectAltNames. */
function certificateNames(cert: tls.PeerCertificate): string[] {
  const cn = cert.subject?.CN;
  const dns = (cert.subjectaltname ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.startsWith('DNS:'))
    .map((n) => n.slice(4));
  return [...(typeof cn === 'string' ? [cn] : []), ...dns];
}
