// The SIP user agent server of the IVR: routes every message that the transport admits to a
// transaction, a dialog, or a new call, and answers what the dialogue layer never needs to see
// (OPTIONS, stray requests, drain 503s, 488 for offers without a usable codec).
import { EventEmitter } from 'node:events';
import {
  DigestAuthenticator,
  type DigestOptions,
  REFUSAL_REASONS,
  type RefusalReason,
  TrustedSources,
} from './admission';
import { type CallHost, IncomingCall } from './call';
import { Dialog, dialogKey, type LocalAddress, newTag } from './dialog';
import { parseNameAddr, parseSipUri } from './header-values';
import { type SipLogger, silentLogger } from './logger';
import { header, headerValues, type SipMessage, type SipRequest } from './message';
import { type DialOptions, OutgoingCall, type OutgoingHost } from './outgoing-call';
import type { RateLimit } from './rate-limiter';
import { createResponse } from './responses';
import { type NegotiationOptions, negotiate } from './sdp';
import { TransactionLayer } from './transaction-layer';
import type { ServerInviteTransaction } from './transactions/server-invite';
import {
  type ClientTransactionEvent,
  DEFAULT_TIMER_VALUES,
  realTimers,
  type TimerService,
  type TimerValues,
} from './transactions/timers';
import { type Flow, type SipTlsOptions, SipTransport, type TransportStats } from './transport';

export interface SipUserAgentOptions {
  /** Address and port to listen on (UDP, and TCP when `tcp`). Port 0 picks a free one. */
  host: string;
  port: number;
  tcp?: boolean;
  /** SIP over TLS on its own port (TLS 1.2+; `sips:` and `;transport=tls`); off when absent. */
  tls?: SipTlsOptions;
  /** Host written into Via/Contact when it differs from the bind address (NAT, 0.0.0.0). */
  advertisedHost?: string;
  maxMessageSize?: number;
  /** Per source address; a PBX trunk is one source for all its calls (default 1000/s, burst 2000). */
  rateLimit?: RateLimit;
  /** A TCP connection without traffic for this long is closed (default 5 min; a PBX sends keep-alives). */
  tcpIdleTimeoutMs?: number;
  maxTcpConnections?: number;
  /** Retry-After (seconds) of the 503 answered to new INVITEs while draining. */
  drainRetryAfterSeconds?: number;
  /** How long a REFER may take to report a final NOTIFY before it counts as failed. */
  referTimeoutMs?: number;
  sdp?: NegotiationOptions;
  /**
   * Who may send requests: the SBC/PBX addresses or CIDRs. Anything else is answered 403 before a call
   * exists. Empty or absent: every source (a development default; deployments list their SBCs).
   */
  trustedSources?: string[];
  /** Digest authentication of INVITE and REFER (RFC 8760 SHA-256, RFC 7616 MD5); none when absent. */
  digest?: DigestOptions;
  /** Calls in progress from one source address, at most; more INVITEs get 503 with Retry-After. */
  maxCallsPerSource?: number;
  /** Retry-After (seconds) of that 503 (default 5). */
  busyRetryAfterSeconds?: number;
  timers?: TimerService;
  timerValues?: TimerValues;
  logger?: SipLogger;
}

export interface SipUserAgentEvents {
  incomingCall: [call: IncomingCall];
}

export interface SipStats extends TransportStats {
  callsOffered: number;
  rejectedNoCodec: number;
  rejectedDraining: number;
  /** SIP INFO requests refused (405): an SBC sending keypad tones as INFO instead of RFC 4733. */
  infoRefused: number;
  /** 401 challenges sent (digest authentication asked for, not a refusal). */
  authChallenges: number;
  activeCalls: number;
  /** Calls the IVR placed (dial), and how many of them were answered. */
  callsPlaced: number;
  callsPlacedAnswered: number;
  /** Requests refused by who may call (trusted sources, digest, per-source cap, TLS) or for media security (SRTP): reason → count. */
  refused: Record<RefusalReason, number>;
}

// No INFO: keypad tones must reach the vault as RFC 4733 events or in-band audio, never as SIP INFO
// (which would carry card digits through call-control). An INFO is answered 405 (RFC 3261 §8.2.1).
const ALLOW = 'INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY, UPDATE';
const SUPPORTED_EXTENSIONS = new Set(['timer', 'replaces', 'norefersub']);

export class SipUserAgent extends EventEmitter<SipUserAgentEvents> {
  private readonly transport: SipTransport;
  private readonly transactions: TransactionLayer;
  private readonly calls = new Map<string, IncomingCall>();
  private readonly callsByInvite = new Map<ServerInviteTransaction, IncomingCall>();
  /** Calls we placed: by Call-ID from the INVITE on, and by dialog key once answered. */
  private readonly placing = new Map<string, OutgoingCall>();
  private readonly outgoing = new Map<string, OutgoingCall>();
  private readonly outgoingHost: OutgoingHost;
  private readonly log: SipLogger;
  private readonly timers: TimerService;
  private readonly counters = {
    callsOffered: 0,
    rejectedNoCodec: 0,
    rejectedDraining: 0,
    infoRefused: 0,
    authChallenges: 0,
    callsPlaced: 0,
    callsPlacedAnswered: 0,
  };
  private readonly refused = Object.fromEntries(REFUSAL_REASONS.map((r) => [r, 0])) as Record<RefusalReason, number>;
  private readonly trusted: TrustedSources;
  private readonly digest: DigestAuthenticator | undefined;
  private isDraining = false;
  private idleWaiters: Array<() => void> = [];
  private readonly callHost: CallHost;

  constructor(private readonly opts: SipUserAgentOptions) {
    super();
    this.log = opts.logger ?? silentLogger;
    this.timers = opts.timers ?? realTimers;
    this.trusted = new TrustedSources(opts.trustedSources ?? []);
    this.digest = opts.digest ? new DigestAuthenticator(opts.digest) : undefined;
    this.transactions = new TransactionLayer(this.timers, opts.timerValues ?? DEFAULT_TIMER_VALUES);
    this.transport = new SipTransport(
      {
        host: opts.host,
        port: opts.port,
        tcp: opts.tcp ?? true,
        maxMessageSize: opts.maxMessageSize ?? 16_384,
        rateLimit: opts.rateLimit ?? { perSecond: 1000, burst: 2000 },
        tcpIdleTimeoutMs: opts.tcpIdleTimeoutMs ?? 300_000,
        maxTcpConnections: opts.maxTcpConnections ?? 2000,
        ...(opts.tls ? { tls: opts.tls } : {}),
      },
      {
        onMessage: (msg, flow) => this.onMessage(msg, flow),
        onFlowClosed: (flow) => {
          for (const call of this.callsOnFlow(flow)) call.connectionLost();
        },
        flowInUse: (flow) => this.callsOnFlow(flow).length > 0,
      },
      this.log,
    );
    this.callHost = {
      sendInDialog: (dialog, request, onEvent) => this.sendInDialog(dialog, request, onEvent),
      forget: (call) => this.forget(call),
      timers: this.timers,
      referTimeoutMs: opts.referTimeoutMs ?? 32_000,
      allow: ALLOW,
      negotiate: (offer) => negotiate(offer, opts.sdp),
      refusedInfo: (callId) => this.refusedInfo(callId),
    };
    this.outgoingHost = {
      local: () => this.local,
      flowTo: (uri) => this.flowTo(uri),
      sendRequest: (request, flow, onEvent) => void this.transactions.sendRequest(request, flow, onEvent),
      sendInDialog: (dialog, request, onEvent) => this.sendInDialog(dialog, request, onEvent),
      sendAck: (dialog, ack) => this.dialogFlow(dialog)?.send(ack),
      established: (call) => {
        if (!call.dialog) return;
        this.outgoing.set(call.dialog.key, call);
        this.counters.callsPlacedAnswered++;
      },
      forget: (call) => this.forgetOutgoing(call),
      negotiate: (offer) => negotiate(offer, { ...opts.sdp, requireTelephoneEvent: false }),
      refusedInfo: (callId) => this.refusedInfo(callId),
      timers: this.timers,
      allow: ALLOW,
    };
  }

  /**
   * Places a call (INVITE as a UAC): to `target`, through `route` (the outbound proxy first) if given,
   * offering `media`. Watch `outcome`; once answered, `ended` and `reinvite` as for incoming calls.
   */
  dial(options: DialOptions): OutgoingCall {
    const call = new OutgoingCall(options, this.outgoingHost);
    this.placing.set(call.callId, call);
    this.counters.callsPlaced++;
    void call.start();
    return call;
  }

  async start(): Promise<void> {
    await this.transport.start();
  }

  /** Ends every call (BYE or 503) and closes the sockets. */
  async stop(): Promise<void> {
    for (const call of [...this.calls.values()]) call.terminate('shutdown');
    for (const call of [...this.placing.values()]) call.terminate('shutdown');
    this.transactions.terminateAll();
    await this.transport.stop();
  }

  /** The bound TLS port, when TLS is on. */
  get tlsPort(): number | undefined {
    return this.transport.tlsPort;
  }

  /** The bound port (UDP and TCP share it). */
  get port(): number {
    return this.transport.port;
  }

  get draining(): boolean {
    return this.isDraining;
  }

  /** New INVITEs get 503 with Retry-After from now on; calls in progress carry on. */
  drain(): void {
    this.isDraining = true;
  }

  /** Resolves when no call is in progress (use after drain() on SIGTERM). */
  whenIdle(): Promise<void> {
    if (this.calls.size === 0 && this.placing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Calls in progress: answered or offered to us, and placed by us. */
  get activeCalls(): number {
    return this.calls.size + this.placing.size;
  }

  private refusedInfo(callId: string): void {
    this.counters.infoRefused++;
    this.log.warn(
      { callId, infoRefused: this.counters.infoRefused },
      'SIP INFO refused (405): the SBC must send keypad tones as RFC 4733 events or in-band audio',
    );
  }

  stats(): SipStats {
    return {
      ...this.transport.stats,
      ...this.counters,
      activeCalls: this.activeCalls,
      refused: { ...this.refused, 'tls-handshake': this.transport.stats.tlsHandshakeFailures },
    };
  }

  private get local(): LocalAddress {
    return {
      host: this.opts.advertisedHost ?? this.opts.host,
      port: this.transport.port,
      tlsPort: this.transport.tlsPort,
    };
  }

  private onMessage(msg: SipMessage, flow: Flow): void {
    if (msg.kind === 'response') {
      if (this.transactions.receiveResponse(msg)) return;
      const placed = this.placing.get(header(msg, 'Call-ID') ?? '');
      if (placed) placed.strayResponse(msg);
      else this.log.debug({ status: msg.status }, 'stray sip response');
      return;
    }
    const existing = this.transactions.findServer(msg);
    if (msg.method === 'ACK') {
      // The ACK of an error response shares the INVITE's branch; the ACK of a 2xx belongs to the
      // dialog (a few peers reuse the branch for it anyway, hence the state check).
      if (existing?.state === 'completed') existing.receive(msg);
      else this.findCall(msg)?.ackReceived();
      return;
    }
    if (existing) {
      existing.receive(msg);
      return;
    }
    this.onNewRequest(msg, flow);
  }

  /** A request that starts a new server transaction (not a retransmission, not an ACK). */
  private onNewRequest(msg: SipRequest, flow: Flow): void {
    if (!this.trusted.allows(flow.remoteAddress)) {
      this.refuse(msg, flow, 'untrusted-source', 403, 'Forbidden (untrusted source)');
      return;
    }
    const toTag = parseNameAddr(header(msg, 'To') ?? '')?.params.get('tag');
    const needsAuth = (msg.method === 'INVITE' && !toTag) || msg.method === 'REFER';
    if (needsAuth && this.digest && !this.authenticated(msg, flow, this.digest)) return;
    const unsupported = (header(msg, 'Require') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s && !SUPPORTED_EXTENSIONS.has(s.toLowerCase()));
    if (msg.method === 'CANCEL') this.onCancel(msg, flow);
    else if (header(msg, 'Max-Forwards')?.trim() === '0') {
      this.respondOnce(msg, flow, createResponse(msg, 483, { reason: 'Too Many Hops' }));
    } else if (unsupported.length > 0) {
      const headers = [{ name: 'Unsupported', value: unsupported.join(', ') }];
      this.respondOnce(msg, flow, createResponse(msg, 420, { headers }));
    } else if (toTag) this.onInDialog(msg, flow);
    else if (msg.method === 'INVITE') this.onInvite(msg, flow);
    else if (msg.method === 'OPTIONS') {
      const headers = [
        { name: 'Allow', value: ALLOW },
        { name: 'Accept', value: 'application/sdp' },
      ];
      this.respondOnce(msg, flow, createResponse(msg, this.isDraining ? 503 : 200, { toTag: newTag(), headers }));
    } else {
      if (msg.method === 'INFO') this.refusedInfo(header(msg, 'Call-ID') ?? '');
      const status = msg.method === 'BYE' || msg.method === 'NOTIFY' ? 481 : 405;
      const headers = [{ name: 'Allow', value: ALLOW }];
      this.respondOnce(msg, flow, createResponse(msg, status, { toTag: newTag(), headers }));
    }
  }

  private onInvite(invite: SipRequest, flow: Flow): void {
    const tx = this.transactions.createServerInvite(invite, flow, () => this.callsByInvite.get(tx)?.ackTimedOut());
    const localTag = newTag();
    if (this.isDraining) {
      this.counters.rejectedDraining++;
      const retryAfter = String(this.opts.drainRetryAfterSeconds ?? 30);
      tx.respond(
        createResponse(invite, 503, { toTag: localTag, headers: [{ name: 'Retry-After', value: retryAfter }] }),
      );
      return;
    }
    const source = flow.remoteAddress;
    const max = this.opts.maxCallsPerSource;
    if (max !== undefined && [...this.calls.values()].filter((c) => c.remote.address === source).length >= max) {
      this.refused['source-busy']++;
      this.log.info({ source, max }, 'sip call refused: too many calls from this source');
      const retryAfter = String(this.opts.busyRetryAfterSeconds ?? 5);
      tx.respond(
        createResponse(invite, 503, {
          toTag: localTag,
          reason: 'Service Unavailable (too many calls from this source)',
          headers: [{ name: 'Retry-After', value: retryAfter }],
        }),
      );
      return;
    }
    tx.respond(createResponse(invite, 100));
    const contentType = (header(invite, 'Content-Type') ?? '').toLowerCase();
    if (invite.body.length === 0 || !contentType.startsWith('application/sdp')) {
      // Offerless INVITEs (offer in the 2xx, answer in the ACK) are not supported.
      tx.respond(createResponse(invite, 488, { toTag: localTag, reason: 'SDP offer required' }));
      return;
    }
    const negotiation = negotiate(invite.body.toString('utf8'), this.opts.sdp);
    if (!negotiation.ok) {
      if (negotiation.reason === 'srtp-required' || negotiation.reason === 'srtp-no-crypto-suite') {
        this.refused[negotiation.reason]++;
        this.log.info({ source: flow.remoteAddress, reason: negotiation.reason }, 'sip call refused: media security');
      } else this.counters.rejectedNoCodec++;
      const status = negotiation.reason === 'malformed-sdp' ? 400 : 488;
      tx.respond(createResponse(invite, status, { toTag: localTag, reason: `Not Acceptable (${negotiation.detail})` }));
      return;
    }
    const dialog = new Dialog(invite, localTag, flow, this.local);
    const sdpOrigin = { sessionId: String(Date.now()), sessionVersion: 1 };
    const call = new IncomingCall(
      invite,
      tx,
      negotiation.offer,
      negotiation.choice,
      dialog,
      this.callHost,
      sdpOrigin,
      negotiation.crypto,
    );
    this.calls.set(dialog.key, call);
    this.callsByInvite.set(tx, call);
    this.counters.callsOffered++;
    if (this.listenerCount('incomingCall') === 0) {
      call.reject(480, 'No IVR attached');
      return;
    }
    this.emit('incomingCall', call);
  }

  private onCancel(cancel: SipRequest, flow: Flow): void {
    const inviteTx = this.transactions.findServer(cancel, 'INVITE');
    const tx = this.transactions.createServerNonInvite(cancel, flow);
    if (!inviteTx) {
      tx.respond(createResponse(cancel, 481));
      return;
    }
    tx.respond(createResponse(cancel, 200));
    this.callsByInvite.get(inviteTx as ServerInviteTransaction)?.cancelled();
  }

  private onInDialog(request: SipRequest, flow: Flow): void {
    const call = this.findCall(request);
    const tx =
      request.method === 'INVITE'
        ? this.transactions.createServerInvite(request, flow, () => {})
        : this.transactions.createServerNonInvite(request, flow);
    if (!call) {
      tx.respond(createResponse(request, 481));
      return;
    }
    call.inDialogRequest(request, tx);
  }

  /** The call whose dialog a request belongs to: Call-ID, our tag in To, theirs in From. */
  private findCall(request: SipRequest): IncomingCall | OutgoingCall | undefined {
    const localTag = parseNameAddr(header(request, 'To') ?? '')?.params.get('tag') ?? '';
    const remoteTag = parseNameAddr(header(request, 'From') ?? '')?.params.get('tag') ?? '';
    const key = dialogKey(header(request, 'Call-ID') ?? '', localTag, remoteTag);
    return this.calls.get(key) ?? this.outgoing.get(key);
  }

  /** Digest check of an INVITE or REFER: true when it may go on; otherwise 401 or 403 was answered. */
  private authenticated(msg: SipRequest, flow: Flow, digest: DigestAuthenticator): boolean {
    const verdict = digest.verify(msg.method, headerValues(msg, 'Authorization'));
    if (verdict.ok) return true;
    if ('refused' in verdict) {
      this.refuse(msg, flow, 'bad-credentials', 403, 'Forbidden (bad credentials)');
      return false;
    }
    this.counters.authChallenges++;
    const headers = digest
      .challenges(verdict.challenge === 'stale')
      .map((value) => ({ name: 'WWW-Authenticate', value }));
    this.finalAnswer(msg, flow, createResponse(msg, 401, { toTag: newTag(), headers }));
    return false;
  }

  /** A refusal of who may call: counted by reason, logged without the request's content, answered. */
  private refuse(msg: SipRequest, flow: Flow, reason: RefusalReason, status: number, phrase: string): void {
    this.refused[reason]++;
    this.log.info({ source: flow.remoteAddress, method: msg.method, reason }, 'sip request refused');
    this.finalAnswer(msg, flow, createResponse(msg, status, { toTag: newTag(), reason: phrase }));
  }

  /** A final answer in a transaction of the request's kind (an INVITE's absorbs its ACK). */
  private finalAnswer(msg: SipRequest, flow: Flow, response: ReturnType<typeof createResponse>): void {
    if (msg.method === 'INVITE') this.transactions.createServerInvite(msg, flow, () => {}).respond(response);
    else this.respondOnce(msg, flow, response);
  }

  private respondOnce(request: SipRequest, flow: Flow, response: ReturnType<typeof createResponse>): void {
    this.transactions.createServerNonInvite(request, flow).respond(response);
  }

  private callsOnFlow(flow: Flow): Array<IncomingCall | OutgoingCall> {
    const dialogs = [...this.calls.values(), ...this.outgoing.values()];
    return dialogs.filter((call) => {
      const f = call.dialog?.flow;
      if (!f) return false;
      return (
        f.transport === flow.transport && f.remoteAddress === flow.remoteAddress && f.remotePort === flow.remotePort
      );
    });
  }

  private forget(call: IncomingCall): void {
    this.calls.delete(call.dialog.key);
    for (const [tx, c] of this.callsByInvite) if (c === call) this.callsByInvite.delete(tx);
    if (this.calls.size === 0 && this.placing.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private sendInDialog(dialog: Dialog, request: SipRequest, onEvent: (e: ClientTransactionEvent) => void): void {
    const flow = this.dialogFlow(dialog);
    if (!flow) {
      onEvent({ type: 'timeout' });
      this.calls.get(dialog.key)?.terminate('transport-error');
      this.outgoing.get(dialog.key)?.terminate('transport-error');
      return;
    }
    this.transactions.sendRequest(request, flow, onEvent);
  }

  /** Where a request inside a dialog goes: the dialog's own connection, or its next hop over UDP. */
  private dialogFlow(dialog: Dialog): Flow | undefined {
    const { transport } = dialog.flow;
    if (transport === 'TCP' || transport === 'TLS') {
      // Reuse the dialog's connection (RFC 5923 for TLS); opening a new one towards its Contact is not supported.
      return this.transport.streamFlow(transport, dialog.flow.remoteAddress, dialog.flow.remotePort);
    }
    const hop = dialog.nextHop();
    return hop ? this.transport.udpFlow(hop.host, hop.port) : dialog.flow;
  }

  /** The flow to the next hop of a request we start (`sip:host[:port][;transport=tcp|tls]`, default 5060). */
  private async flowTo(text: string): Promise<Flow | undefined> {
    const uri = parseSipUri(text.includes('<') ? (parseNameAddr(text)?.uri ?? '') : text);
    if (!uri) return undefined;
    const transport = (uri.params.get('transport') ?? (uri.scheme === 'sips' ? 'tls' : 'udp')).toUpperCase();
    const port = uri.port ?? (transport === 'TLS' ? 5061 : 5060);
    if (transport === 'TCP') return this.transport.connectTcp(uri.host, port);
    // Over TLS only a connection the peer opened can be reused (no TLS client here).
    if (transport === 'TLS') return this.transport.streamFlow('TLS', uri.host, port);
    return this.transport.udpFlow(uri.host, port);
  }

  private forgetOutgoing(call: OutgoingCall): void {
    this.placing.delete(call.callId);
    if (call.dialog) this.outgoing.delete(call.dialog.key);
    if (this.calls.size === 0 && this.placing.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
