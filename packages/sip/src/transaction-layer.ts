// Transaction tables (RFC 3261 §17.1.3, §17.2.3): server transactions are keyed by the top Via's
// branch and sent-by plus the method (an ACK belongs to its INVITE); client transactions by the
// branch we generated plus the CSeq method.
import { randomBytes } from 'node:crypto';
import { parseCSeq, parseVia } from './header-values';
import { header, headerValues, type SipRequest, type SipResponse } from './message';
import { ClientInviteTransaction } from './transactions/client-invite';
import { ClientNonInviteTransaction } from './transactions/client-non-invite';
import { ServerInviteTransaction } from './transactions/server-invite';
import { ServerNonInviteTransaction } from './transactions/server-non-invite';
import type { ClientTransactionEvent, TimerService, TimerValues } from './transactions/timers';
import type { Flow } from './transport';

export type ServerTransaction = ServerInviteTransaction | ServerNonInviteTransaction;
export type ClientTransaction = ClientInviteTransaction | ClientNonInviteTransaction;

export const MAGIC_COOKIE = 'z9hG4bK';

export function newBranch(): string {
  return MAGIC_COOKIE + randomBytes(10).toString('hex');
}

/** Key of the server transaction a request belongs to; `method` overrides (CANCEL looks up its INVITE). */
export function serverKey(request: SipRequest, method = request.method): string {
  const via = parseVia(headerValues(request, 'Via')[0] ?? '');
  const branch = via?.params.get('branch') ?? '';
  const m = method === 'ACK' ? 'INVITE' : method;
  if (branch.startsWith(MAGIC_COOKIE)) return `${branch}|${via?.host}:${via?.port ?? ''}|${m}`;
  // RFC 2543 peers without the magic cookie: fall back to the dialog identifiers plus CSeq.
  const cseq = parseCSeq(header(request, 'CSeq') ?? '');
  return `${header(request, 'Call-ID')}|${header(request, 'From')}|${cseq?.seq}|${branch}|${m}`;
}

export function clientKey(msg: SipRequest | SipResponse): string {
  const via = parseVia(headerValues(msg, 'Via')[0] ?? '');
  const cseq = parseCSeq(header(msg, 'CSeq') ?? '');
  return `${via?.params.get('branch') ?? ''}|${cseq?.method ?? ''}`;
}

export class TransactionLayer {
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly clients = new Map<string, ClientTransaction>();

  constructor(
    private readonly timers: TimerService,
    private readonly values: TimerValues,
  ) {}

  get size(): { server: number; client: number } {
    return { server: this.servers.size, client: this.clients.size };
  }

  findServer(request: SipRequest, method?: string): ServerTransaction | undefined {
    return this.servers.get(serverKey(request, method));
  }

  createServerInvite(request: SipRequest, flow: Flow, onTimeout: () => void): ServerInviteTransaction {
    const key = serverKey(request);
    const tx = new ServerInviteTransaction(
      request,
      this.context(flow, () => this.servers.delete(key)),
      { onTimeout },
    );
    this.servers.set(key, tx);
    return tx;
  }

  createServerNonInvite(request: SipRequest, flow: Flow): ServerNonInviteTransaction {
    const key = serverKey(request);
    const tx = new ServerNonInviteTransaction(
      request,
      this.context(flow, () => this.servers.delete(key)),
    );
    this.servers.set(key, tx);
    return tx;
  }

  /** Sends a request in a new client transaction; `onEvent` gets responses and the timeout. */
  sendRequest(request: SipRequest, flow: Flow, onEvent: (e: ClientTransactionEvent) => void): ClientTransaction {
    const key = clientKey(request);
    const ctx = this.context(flow, () => this.clients.delete(key));
    const tx =
      request.method === 'INVITE'
        ? new ClientInviteTransaction(request, ctx, onEvent)
        : new ClientNonInviteTransaction(request, ctx, onEvent);
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Hands a response to its client transaction; false when none matches (a stray response). */
  receiveResponse(response: SipResponse): boolean {
    const tx = this.clients.get(clientKey(response));
    if (!tx) return false;
    tx.receive(response);
    return true;
  }

  terminateAll(): void {
    for (const tx of [...this.servers.values(), ...this.clients.values()]) tx.terminate();
  }

  private context(flow: Flow, onTerminated: () => void) {
    return { send: flow.send, reliable: flow.reliable, timers: this.timers, values: this.values, onTerminated };
  }
}
