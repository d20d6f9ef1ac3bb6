// A dialog, either side (RFC 3261 §12.1, §12.2): identifiers, route set, remote target and
// CSeq spaces, and how to build and address a request inside it.
import { randomBytes } from 'node:crypto';
import { parseCSeq, parseNameAddr, parseSipUri } from './header-values';
import { header, headerValues, type SipHeader, type SipRequest, type SipResponse } from './message';
import { newBranch } from './transaction-layer';
import type { Flow } from './transport';

export interface LocalAddress {
  /** Host and port written into Via and Contact. */
  host: string;
  port: number;
  /** The TLS port, for the Via and Contact of TLS dialogs. */
  tlsPort?: number | undefined;
}

export function newTag(): string {
  return randomBytes(8).toString('hex');
}

export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

/** What identifies a dialog and how to reach the peer inside it (RFC 3261 §12.1). */
export interface DialogState {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our identity and the peer's, as header values with their tags (From/To of our requests). */
  localParty: string;
  remoteParty: string;
  /** Route set, next hop first. */
  routeSet: string[];
  remoteTarget: string;
  remoteSeq: number;
  /** The last CSeq number we used (the INVITE's, for the dialogs we created). */
  localSeq: number;
  /** `sips:`: every hop must be TLS, and our Contact is `sips:` too. */
  secure: boolean;
}

export class Dialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Our identity (the To of the INVITE) and the peer's (its From), as header values with tags. */
  readonly localParty: string;
  readonly remoteParty: string;
  /** Record-Route of the INVITE in order: the UAS uses it as is (§12.1.1). */
  readonly routeSet: string[];
  remoteTarget: string;
  remoteSeq: number;
  /** The INVITE's Request-URI was `sips:`: every hop must be TLS, and our Contact is `sips:` too. */
  readonly secure: boolean;
  private localSeq = Math.floor(Math.random() * 10_000) + 1;

  constructor(
    invite: SipRequest,
    localTag: string,
    readonly flow: Flow,
    private readonly local: LocalAddress,
    state?: DialogState,
  ) {
    if (state) {
      this.callId = state.callId;
      this.localTag = state.localTag;
      this.remoteTag = state.remoteTag;
      this.localParty = state.localParty;
      this.remoteParty = state.remoteParty;
      this.routeSet = state.routeSet;
      this.remoteTarget = state.remoteTarget;
      this.remoteSeq = state.remoteSeq;
      this.localSeq = state.localSeq;
      this.secure = state.secure;
      return;
    }
    this.callId = header(invite, 'Call-ID') ?? '';
    this.localTag = localTag;
    const from = header(invite, 'From') ?? '';
    this.remoteTag = parseNameAddr(from)?.params.get('tag') ?? '';
    const to = header(invite, 'To') ?? '';
    this.localParty = /;\s*tag=/i.test(to) ? to : `${to};tag=${localTag}`;
    this.remoteParty = from;
    this.routeSet = headerValues(invite, 'Record-Route');
    this.remoteTarget = contactUri(invite) ?? invite.uri;
    this.remoteSeq = parseCSeq(header(invite, 'CSeq') ?? '')?.seq ?? 0;
    this.secure = /^sips:/i.test(invite.uri);
  }

  /**
   * The dialog an INVITE of ours created with its 2xx (the UAC side, §12.1.2): the route set is the
   * answer's Record-Route in reverse, the remote target its Contact, our CSeq goes on from the INVITE's.
   */
  static created(invite: SipRequest, answer: SipResponse, flow: Flow, local: LocalAddress): Dialog {
    const from = header(invite, 'From') ?? '';
    const to = header(answer, 'To') ?? '';
    return new Dialog(invite, '', flow, local, {
      callId: header(invite, 'Call-ID') ?? '',
      localTag: parseNameAddr(from)?.params.get('tag') ?? '',
      remoteTag: parseNameAddr(to)?.params.get('tag') ?? '',
      localParty: from,
      remoteParty: to,
      routeSet: headerValues(answer, 'Record-Route').reverse(),
      remoteTarget: contactUri(answer) ?? invite.uri,
      remoteSeq: 0,
      localSeq: parseCSeq(header(invite, 'CSeq') ?? '')?.seq ?? 1,
      secure: /^sips:/i.test(invite.uri),
    });
  }

  get key(): string {
    return dialogKey(this.callId, this.localTag, this.remoteTag);
  }

  /** Our Contact: `sips:` when the caller used a SIPS Request-URI (RFC 5630), else the transport named. */
  get contact(): string {
    const hp = hostPort(
      this.local.host,
      this.flow.transport === 'TLS' ? (this.local.tlsPort ?? this.local.port) : this.local.port,
    );
    if (this.secure) return `<sips:ivr@${hp}>`;
    const transport = this.flow.transport === 'UDP' ? '' : `;transport=${this.flow.transport.toLowerCase()}`;
    return `<sip:ivr@${hp}${transport}>`;
  }

  /** A re-INVITE may update the remote target (§12.2.2). */
  refreshTarget(request: SipRequest): void {
    const uri = contactUri(request);
    if (uri) this.remoteTarget = uri;
  }

  /**
   * A request inside the dialog (§12.2.1.1), with a fresh branch and the next local CSeq (or `cseq`: the
   * ACK of a 2xx carries its INVITE's number, §13.2.2.4).
   */
  createRequest(method: string, extra: SipHeader[] = [], body: Buffer = Buffer.alloc(0), cseq?: number): SipRequest {
    const firstRoute = this.routeSet[0];
    const looseRouting = firstRoute === undefined || /;lr\b/i.test(firstRoute);
    const uri = looseRouting ? this.remoteTarget : (parseNameAddr(firstRoute)?.uri ?? this.remoteTarget);
    const routes = looseRouting ? this.routeSet : [...this.routeSet.slice(1), `<${this.remoteTarget}>`];
    const transport = this.flow.transport;
    return {
      kind: 'request',
      method,
      uri,
      headers: [
        {
          name: 'Via',
          value: `SIP/2.0/${transport} ${hostPort(this.local.host, transport === 'TLS' ? (this.local.tlsPort ?? this.local.port) : this.local.port)};branch=${newBranch()};rport`,
        },
        ...routes.map((value) => ({ name: 'Route', value })),
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: this.localParty },
        { name: 'To', value: this.remoteParty },
        { name: 'Call-ID', value: this.callId },
        { name: 'CSeq', value: `${cseq ?? ++this.localSeq} ${method}` },
        { name: 'Contact', value: this.contact },
        ...extra,
      ],
      body,
    };
  }

  /** Where a request of ours goes: the first route if any, else the remote target (§8.1.2). */
  nextHop(): { host: string; port: number } | undefined {
    const first = this.routeSet[0];
    const uri = parseSipUri(first !== undefined ? (parseNameAddr(first)?.uri ?? '') : this.remoteTarget);
    return uri ? { host: uri.host, port: uri.port ?? 5060 } : undefined;
  }
}

function contactUri(message: SipRequest | SipResponse): string | undefined {
  const contact = headerValues(message, 'Contact')[0];
  return contact ? parseNameAddr(contact)?.uri : undefined;
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
