// One call the IVR places (a UAC INVITE, RFC 3261 §13.2): the operator's leg of an agent-assisted
// payment. It offers SDP naming a media endpoint (the vault), follows the answer through provisional
// responses, CANCELs when told to give up, ACKs the 2xx and then lives as a dialog: the peer's BYE,
// re-INVITE (hold) and UPDATE are answered here; we can hang up. SIP mechanics stay inside.
import { EventEmitter } from 'node:events';
import { Dialog, type LocalAddress, newTag } from './dialog';
import { parseCSeq, parseNameAddr } from './header-values';
import { answerOtherRequest } from './in-dialog';
import { header, headerValues, type SipHeader, type SipRequest, type SipResponse } from './message';
import { createResponse } from './responses';
import {
  type AnsweredMedia,
  buildAnswer,
  buildOffer,
  type G711,
  type MediaEndpoint,
  type NegotiationResult,
  readAnswer,
} from './sdp';
import { newBranch } from './transaction-layer';
import type { ServerInviteTransaction } from './transactions/server-invite';
import type { ServerNonInviteTransaction } from './transactions/server-non-invite';
import type { ClientTransactionEvent, TimerHandle, TimerService } from './transactions/timers';
import type { Flow } from './transport';

export interface DialOptions {
  /** Request-URI and To: whom to call (e.g. `sip:operator-12@pbx.example.com`). */
  target: string;
  /** The user part of our From (default `ivr`). */
  fromUser?: string;
  /** Where our RTP is (the vault's operator leg) and what to offer there. */
  media: MediaEndpoint;
  codecs: readonly G711[];
  telephoneEventPayloadType?: number;
  /**
   * A preloaded route set (RFC 3261 §8.1.2): the outbound proxy first, as `sip:host:port;lr` (with
   * `;transport=tcp` for TCP). Empty: the request goes to the target's host directly.
   */
  route?: readonly string[];
  /** Given up (CANCEL) after this long without an answer (default 30 s). */
  ringTimeoutMs?: number;
  headers?: SipHeader[];
}

/** Why a placed call did not get answered. */
export type DialFailure =
  /** Rang out (our ring timeout, 408, 480) */
  | 'no-answer'
  /** 486, 600 */
  | 'busy'
  /** any other final error (the status says which) */
  | 'rejected'
  /** no SIP answer at all, or the next hop could not be reached */
  | 'unreachable'
  /** cancel() before the answer */
  | 'cancelled';

export type DialOutcome =
  | { answered: true; media: AnsweredMedia }
  | { answered: false; failure: DialFailure; status?: number; detail?: string };

export type OutgoingEndReason = 'remote-bye' | 'local-hangup' | 'transport-error' | 'shutdown';

export interface OutgoingCallEvents {
  /** A provisional response (180/183), once the peer said it is alerting. */
  ringing: [status: number];
  /** The call is over (only after it was answered). */
  ended: [reason: OutgoingEndReason];
  /** The peer sent a new offer (hold, resume, new address); answered already with our endpoint. */
  reinvite: [media: AnsweredMedia];
}

/** What an outgoing call needs from its user agent. */
export interface OutgoingHost {
  local(flow: Flow): LocalAddress;
  /** The flow to a next hop (`sip:` URI), connecting a TCP one when needed; undefined if unreachable. */
  flowTo(uri: string): Promise<Flow | undefined>;
  sendRequest(request: SipRequest, flow: Flow, onEvent: (e: ClientTransactionEvent) => void): void;
  sendInDialog(dialog: Dialog, request: SipRequest, onEvent: (e: ClientTransactionEvent) => void): void;
  /** An ACK of a 2xx: sent as is to the dialog's next hop (no transaction). */
  sendAck(dialog: Dialog, ack: SipRequest): void;
  /** The call has a dialog: route its in-dialog requests to it. */
  established(call: OutgoingCall): void;
  forget(call: OutgoingCall): void;
  negotiate(offer: string): NegotiationResult;
  refusedInfo(callId: string): void;
  timers: TimerService;
  allow: string;
}

type State = 'calling' | 'ringing' | 'confirmed' | 'ended';

export class OutgoingCall extends EventEmitter<OutgoingCallEvents> {
  state: State = 'calling';
  readonly callId = `${newTag()}${newTag()}`;
  readonly target: string;
  /** Settles once: answered (with what the answer chose), or why not. Never rejects. */
  readonly outcome: Promise<DialOutcome>;
  dialog: Dialog | undefined;
  media: AnsweredMedia | undefined;
  private settle!: (o: DialOutcome) => void;
  private settled = false;
  private invite: SipRequest | undefined;
  private flow: Flow | undefined;
  private ack: SipRequest | undefined;
  private provisional = false;
  /** Any response came (100 Trying included): someone is there. */
  private heard = false;
  /** Why we gave up, when we did (cancel() or the ring timeout): the CANCEL goes once a 1xx came. */
  private givingUp: 'cancelled' | 'no-answer' | undefined;
  private cancelSent = false;
  private ringTimer: TimerHandle | undefined;
  private readonly fromTag = newTag();
  private sessionVersion = 1;
  private readonly sessionId = String(Date.now());
  /** INVITE transactions of the peer whose 2xx awaits its ACK. */
  private readonly awaitingAck = new Set<ServerInviteTransaction>();

  constructor(
    private readonly opts: DialOptions,
    private readonly host: OutgoingHost,
  ) {
    super();
    this.target = opts.target;
    this.outcome = new Promise((resolve) => {
      this.settle = (o) => {
        if (this.settled) return;
        this.settled = true;
        if (this.ringTimer !== undefined) host.timers.clearTimeout(this.ringTimer);
        resolve(o);
      };
    });
  }

  /** @internal Sends the INVITE (the user agent calls this once). */
  async start(): Promise<void> {
    const hop = this.opts.route?.[0] ?? this.opts.target;
    const flow = await this.host.flowTo(hop);
    if (!flow) {
      this.fail('unreachable', undefined, `cannot reach ${hop}`);
      return;
    }
    if (this.givingUp) {
      this.fail(this.givingUp);
      return;
    }
    this.flow = flow;
    const local = this.host.local(flow);
    const invite = this.buildInvite(flow, local);
    this.invite = invite;
    this.ringTimer = this.host.timers.setTimeout(() => this.giveUp('no-answer'), this.opts.ringTimeoutMs ?? 30_000);
    this.host.sendRequest(invite, flow, (e) => this.onInviteEvent(e));
  }

  /** Gives up before the answer (CANCEL); after it, the same as hangup(). */
  cancel(): void {
    if (this.state === 'confirmed') void this.hangup();
    else this.giveUp('cancelled');
  }

  /** BYE once answered (resolves when the peer answered it or it timed out); before that, cancel(). */
  hangup(): Promise<void> {
    if (this.state === 'ended') return Promise.resolve();
    if (this.state !== 'confirmed' || !this.dialog) {
      this.giveUp('cancelled');
      return Promise.resolve();
    }
    const dialog = this.dialog;
    return new Promise((resolve) => {
      this.host.sendInDialog(dialog, dialog.createRequest('BYE'), (e) => {
        if (e.type === 'timeout' || e.response.status >= 200) resolve();
      });
      this.end('local-hangup');
    });
  }

  // ---- called by the user agent -------------------------------------------------------------

  /** @internal A 2xx to our INVITE after its transaction ended (the peer did not hear our ACK): ACK again. */
  strayResponse(response: SipResponse): void {
    const cseq = parseCSeq(header(response, 'CSeq') ?? '');
    if (cseq?.method !== 'INVITE' || response.status < 200 || response.status >= 300) return;
    const tag = parseNameAddr(header(response, 'To') ?? '')?.params.get('tag');
    if (this.dialog && this.ack && tag === this.dialog.remoteTag) this.host.sendAck(this.dialog, this.ack);
  }

  /** @internal The ACK of a 2xx we answered to the peer's re-INVITE. */
  ackReceived(): void {
    for (const tx of this.awaitingAck) tx.acknowledged();
    this.awaitingAck.clear();
  }

  /** @internal A request inside our dialog (BYE, re-INVITE, UPDATE, ...). */
  inDialogRequest(request: SipRequest, tx: ServerNonInviteTransaction | ServerInviteTransaction): void {
    const dialog = this.dialog;
    if (!dialog || this.state !== 'confirmed') {
      tx.respond(createResponse(request, 481));
      return;
    }
    const cseq = parseCSeq(header(request, 'CSeq') ?? '')?.seq ?? 0;
    if (dialog.remoteSeq > 0 && cseq <= dialog.remoteSeq) {
      tx.respond(createResponse(request, 500, { reason: 'CSeq out of order' }));
      return;
    }
    dialog.remoteSeq = cseq;
    switch (request.method) {
      case 'BYE':
        tx.respond(createResponse(request, 200));
        this.end('remote-bye');
        return;
      case 'INVITE':
      case 'UPDATE':
        this.reoffer(request, tx);
        return;
      default:
        // OPTIONS, and INFO refused as on the caller's leg: keys never travel in signalling.
        answerOtherRequest(request, tx, this.host, this.callId);
    }
  }

  /** @internal The dialog's connection closed. */
  connectionLost(): void {
    if (this.state === 'confirmed') this.end('transport-error');
    else this.fail('unreachable', undefined, 'connection closed');
  }

  /** @internal The user agent stops. */
  terminate(reason: OutgoingEndReason): void {
    if (this.state === 'confirmed' && this.dialog) {
      this.host.sendInDialog(this.dialog, this.dialog.createRequest('BYE'), () => {});
      this.end(reason);
    } else this.giveUp('cancelled');
  }

  // ---- the INVITE -------------------------------------------------------------------------------

  private buildInvite(flow: Flow, local: LocalAddress): SipRequest {
    const hp = hostPort(local.host, flow.transport === 'TLS' ? (local.tlsPort ?? local.port) : local.port);
    const transport = flow.transport === 'UDP' ? '' : `;transport=${flow.transport.toLowerCase()}`;
    const user = this.opts.fromUser ?? 'ivr';
    const sdp = buildOffer(this.opts.media, {
      codecs: this.opts.codecs,
      ...(this.opts.telephoneEventPayloadType !== undefined
        ? { telephoneEventPayloadType: this.opts.telephoneEventPayloadType }
        : {}),
      sessionId: this.sessionId,
      sessionVersion: this.sessionVersion,
    });
    return {
      kind: 'request',
      method: 'INVITE',
      uri: this.opts.target,
      headers: [
        { name: 'Via', value: `SIP/2.0/${flow.transport} ${hp};branch=${newBranch()};rport` },
        ...(this.opts.route ?? []).map((r) => ({ name: 'Route', value: `<${r}>` })),
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: `<sip:${user}@${hp}>;tag=${this.fromTag}` },
        { name: 'To', value: `<${this.opts.target}>` },
        { name: 'Call-ID', value: this.callId },
        { name: 'CSeq', value: '1 INVITE' },
        { name: 'Contact', value: `<sip:${user}@${hp}${transport}>` },
        { name: 'Allow', value: this.host.allow },
        ...(this.opts.headers ?? []),
        { name: 'Content-Type', value: 'application/sdp' },
      ],
      body: Buffer.from(sdp, 'utf8'),
    };
  }

  private onInviteEvent(e: ClientTransactionEvent): void {
    if (e.type === 'timeout') {
      // Nothing at all came back (not even 100 Trying): nobody is there, whatever we meant to do.
      const failure = !this.heard ? 'unreachable' : (this.givingUp ?? 'no-answer');
      this.fail(failure, undefined, 'no final answer to the INVITE');
      return;
    }
    const r = e.response;
    this.heard = true;
    if (r.status < 200) {
      if (r.status === 100) return;
      this.provisional = true;
      if (this.state === 'calling') {
        this.state = 'ringing';
        this.emit('ringing', r.status);
      }
      if (this.givingUp) this.sendCancel();
      return;
    }
    if (r.status < 300) {
      this.answered(r);
      return;
    }
    if (this.givingUp) this.fail(this.givingUp, r.status);
    else if (r.status === 486 || r.status === 600) this.fail('busy', r.status);
    else if (r.status === 408 || r.status === 480) this.fail('no-answer', r.status);
    else this.fail('rejected', r.status, r.reason);
  }

  private answered(response: SipResponse): void {
    const invite = this.invite;
    const flow = this.flow;
    if (!invite || !flow || this.state === 'confirmed' || this.state === 'ended') return;
    const dialog = Dialog.created(invite, response, flow, this.host.local(flow));
    this.dialog = dialog;
    const ack = dialog.createRequest('ACK', [], Buffer.alloc(0), 1);
    this.ack = ack;
    this.host.sendAck(dialog, ack);
    this.state = 'confirmed';
    this.host.established(this);
    const reading = readAnswer(response.body.toString('utf8'), this.opts.codecs);
    if (this.givingUp || !reading.ok) {
      // Answered after we gave up, or with an answer we cannot use: the call is ACKed, then ended.
      void this.hangup();
      this.settle({
        answered: false,
        failure: this.givingUp ?? 'rejected',
        status: response.status,
        ...(!reading.ok ? { detail: `unusable SDP answer: ${reading.detail}` } : {}),
      });
      return;
    }
    this.media = reading.media;
    this.settle({ answered: true, media: reading.media });
  }

  private giveUp(why: 'cancelled' | 'no-answer'): void {
    if (this.state === 'confirmed' || this.state === 'ended' || this.givingUp) return;
    this.givingUp = why;
    // A CANCEL may only follow a provisional response (§9.1); until one comes, the INVITE runs on.
    if (this.provisional) this.sendCancel();
    else if (!this.invite) this.fail(why);
  }

  private sendCancel(): void {
    const invite = this.invite;
    const flow = this.flow;
    if (this.cancelSent || !invite || !flow) return;
    this.cancelSent = true;
    const copy = (name: string): SipHeader[] => headerValues(invite, name).map((value) => ({ name, value }));
    const cancel: SipRequest = {
      kind: 'request',
      method: 'CANCEL',
      uri: invite.uri,
      headers: [
        { name: 'Via', value: headerValues(invite, 'Via')[0] ?? '' },
        ...copy('Route'),
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: header(invite, 'From') ?? '' },
        { name: 'To', value: header(invite, 'To') ?? '' },
        { name: 'Call-ID', value: this.callId },
        { name: 'CSeq', value: '1 CANCEL' },
      ],
      body: Buffer.alloc(0),
    };
    // The INVITE's final answer (487, or a 2xx that crossed the CANCEL) settles the outcome.
    this.host.sendRequest(cancel, flow, () => {});
  }

  private fail(failure: DialFailure, status?: number, detail?: string): void {
    if (this.state === 'confirmed') return;
    this.settle({
      answered: false,
      failure,
      ...(status !== undefined ? { status } : {}),
      ...(detail ? { detail } : {}),
    });
    this.state = 'ended';
    this.host.forget(this);
  }

  /** A new offer from the peer: answered with our endpoint, keeping the codec; 488 if it is no longer offered. */
  private reoffer(request: SipRequest, tx: ServerNonInviteTransaction | ServerInviteTransaction): void {
    const dialog = this.dialog!;
    const current = this.media!;
    const tag = dialog.localTag;
    if (request.body.length === 0) {
      // An offerless re-INVITE (session refresh): our current SDP again, as an offer; UPDATE: nothing.
      dialog.refreshTarget(request);
      if (request.method === 'UPDATE') tx.respond(createResponse(request, 200));
      else this.okWith(request, tx, this.sdp(current));
      return;
    }
    const r = this.host.negotiate(request.body.toString('utf8'));
    const stream = r.ok ? r.offer.media[r.choice.mediaIndex] : undefined;
    if (!r.ok || !stream?.formats.includes(String(current.codec.payloadType))) {
      tx.respond(createResponse(request, 488, { toTag: tag }));
      return;
    }
    dialog.refreshTarget(request);
    const media: AnsweredMedia = { ...current, remote: r.choice.remote, direction: r.choice.direction };
    this.media = media;
    const choice = { ...r.choice, codec: current.codec };
    this.sessionVersion++;
    const answer = buildAnswer(r.offer, choice, this.opts.media, {
      sessionId: this.sessionId,
      sessionVersion: this.sessionVersion,
    });
    this.okWith(request, tx, answer);
    this.emit('reinvite', media);
  }

  /** Our SDP as an offer again (new version), in our current direction. */
  private sdp(current: AnsweredMedia): string {
    this.sessionVersion++;
    return buildOffer(this.opts.media, {
      codecs: [current.codec.name],
      ...(current.telephoneEvent ? { telephoneEventPayloadType: current.telephoneEvent.payloadType } : {}),
      direction: current.direction,
      sessionId: this.sessionId,
      sessionVersion: this.sessionVersion,
    });
  }

  private okWith(request: SipRequest, tx: ServerNonInviteTransaction | ServerInviteTransaction, sdp: string): void {
    const dialog = this.dialog!;
    tx.respond(
      createResponse(request, 200, {
        headers: [
          { name: 'Contact', value: dialog.contact },
          { name: 'Allow', value: this.host.allow },
          { name: 'Content-Type', value: 'application/sdp' },
        ],
        body: Buffer.from(sdp, 'utf8'),
      }),
    );
    if (request.method === 'INVITE') this.awaitingAck.add(tx as ServerInviteTransaction);
  }

  private end(reason: OutgoingEndReason): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.host.forget(this);
    this.emit('ended', reason);
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
