// One incoming call as the dialogue layer sees it: who called whom, the negotiated offer, and
// the few things the IVR does with a call (answer, reject, transfer, hang up). SIP mechanics
// (transactions, retransmissions, tags, CSeq) stay inside.
import { createHmac, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Dialog } from './dialog';
import { type NameAddr, parseCSeq, parseNameAddr, parseSipUri } from './header-values';
import { answerOtherRequest } from './in-dialog';
import { header, headerValues, type SipHeader, type SipRequest } from './message';
import { PendingTransfer, type TransferOutcome } from './refer';
import { createResponse } from './responses';
import {
  type AnswerOptions,
  buildAnswer,
  type CodecChoice,
  type MediaEndpoint,
  type NegotiationResult,
  type SdpCrypto,
  type SessionDescription,
} from './sdp';
import type { ServerInviteTransaction } from './transactions/server-invite';
import type { ServerNonInviteTransaction } from './transactions/server-non-invite';
import type { ClientTransactionEvent, TimerService } from './transactions/timers';
import type { Flow } from './transport';

export type CallState = 'offered' | 'answering' | 'confirmed' | 'ended';

export type EndReason =
  | 'remote-bye'
  | 'cancelled'
  | 'local-hangup'
  | 'rejected'
  | 'ack-timeout'
  | 'transport-error'
  | 'shutdown';

export interface IncomingCallEvents {
  ended: [reason: EndReason];
  /**
   * The peer re-INVITEd or sent an UPDATE (hold, session refresh, new media address); it was
   * answered with the same SDP. `media` is the current view: the caller's RTP address and direction
   * may have changed (e.g. `sendonly` while on hold), codec and payload types have not.
   */
  reinvite: [media: CodecChoice];
}

/** What a call needs from its user agent. */
export interface CallHost {
  /** Sends a request inside the dialog in a client transaction. */
  sendInDialog(dialog: Dialog, request: SipRequest, onEvent: (e: ClientTransactionEvent) => void): void;
  /** The call has ended: drop it from the tables. */
  forget(call: IncomingCall): void;
  timers: TimerService;
  referTimeoutMs: number;
  negotiate(offer: string): NegotiationResult;
  allow: string;
  /** An INFO was refused: counted and logged (never its body), so a misconfigured SBC shows. */
  refusedInfo(callId: string): void;
}

export class IncomingCall extends EventEmitter<IncomingCallEvents> {
  state: CallState = 'offered';
  readonly callId: string;
  /** Request-URI as received, and its user part (where a transfer code may ride). */
  readonly requestUri: string;
  readonly user: string | undefined;
  readonly from: NameAddr | undefined;
  readonly to: NameAddr | undefined;
  readonly transport: Flow['transport'];
  readonly remote: { address: string; port: number };
  readonly dialog: Dialog;
  private answerSdp: string | undefined;
  /** Where the answer pointed (the vault), and the o= version of the last SDP we sent. */
  private endpoint: MediaEndpoint | undefined;
  private sdpVersion = 0;
  private acked: { resolve: () => void; reject: (err: Error) => void } | undefined;
  private readonly transfers = new Set<PendingTransfer>();
  /** INVITE transactions whose 2xx awaits its ACK (the initial one, then any re-INVITE). */
  private readonly awaitingAck = new Set<ServerInviteTransaction>();
  /** SRTP: the offer's accepted a=crypto lines (the caller's keys) until takeOfferedCrypto() hands them over. */
  private offeredCrypto: SdpCrypto[] | undefined;
  /**
   * SRTP: a keyed digest of each offered a=crypto line by tag, then of the one the answer took: a
   * re-INVITE must offer that same line (a new key would need the vault's new context; it gets 488 and
   * the call keeps its keys, RFC 3264 §8). The key of the digest is random per call.
   */
  private cryptoDigests = new Map<number, Buffer>();
  private readonly cryptoDigestKey = randomBytes(32);

  constructor(
    readonly invite: SipRequest,
    private readonly inviteTx: ServerInviteTransaction,
    /** The parsed offer and the codec chosen from it. */
    readonly offer: SessionDescription,
    /** Codec, telephone-event payload type and the caller's RTP address; updated by re-INVITEs. */
    public codec: CodecChoice,
    dialog: Dialog,
    private readonly host: CallHost,
    private readonly sdpOrigin: AnswerOptions,
    /** SRTP: the chosen stream's a=crypto lines whose suite is accepted (NegotiationResult.crypto). */
    offeredCrypto: SdpCrypto[] = [],
  ) {
    super();
    if (offeredCrypto.length > 0) this.offeredCrypto = offeredCrypto;
    for (const c of offeredCrypto) this.cryptoDigests.set(c.tag, this.cryptoDigest(c.value));
    this.dialog = dialog;
    this.callId = dialog.callId;
    this.requestUri = invite.uri;
    this.user = parseSipUri(invite.uri)?.user;
    this.from = parseNameAddr(header(invite, 'From') ?? '');
    this.to = parseNameAddr(header(invite, 'To') ?? '');
    this.transport = dialog.flow.transport;
    this.remote = { address: dialog.flow.remoteAddress, port: dialog.flow.remotePort };
  }

  /** First value of a header of the INVITE (case-insensitive, compact forms understood). */
  header(name: string): string | undefined {
    return header(this.invite, name);
  }

  headers(name: string): string[] {
    return headerValues(this.invite, name);
  }

  /** 180 Ringing (optional; a PBX may want to see progress before a slow answer). */
  ringing(): void {
    if (this.state !== 'offered') return;
    this.inviteTx.respond(
      createResponse(this.invite, 180, { toTag: this.dialog.localTag, headers: this.contactHeaders() }),
    );
  }

  /**
   * SRTP: the offer's a=crypto values (the caller's master keys, in the offer's order) for the media
   * endpoint, once. The call forgets them, and zeroes the INVITE's body bytes, as soon as it has given
   * them: what it keeps of the offer no longer holds a key. (The strings parsed from the body can only
   * be dropped, not overwritten: they go with the next garbage collection.)
   */
  takeOfferedCrypto(): string[] {
    const values = (this.offeredCrypto ?? []).map((c) => c.value);
    this.offeredCrypto = undefined;
    for (const m of this.offer.media) m.crypto.length = 0;
    this.invite.body.fill(0);
    return values;
  }

  /**
   * 200 OK with an SDP answer pointing at `media` (the vault's RTP endpoint). Resolves when the
   * caller's ACK arrives; rejects if the call ends first (CANCEL raced the answer, no ACK). An SRTP
   * stream is answered RTP/SAVP with the endpoint's single a=crypto line, whose tag is one of the offer's.
   */
  answer(media: MediaEndpoint): Promise<void> {
    if (this.state !== 'offered') return Promise.reject(new Error(`cannot answer a call in state ${this.state}`));
    const mismatch = this.srtpAnswerMismatch(media);
    if (mismatch) return Promise.reject(new Error(mismatch));
    this.state = 'answering';
    this.endpoint = media;
    this.sdpVersion = this.sdpOrigin.sessionVersion;
    this.answerSdp = buildAnswer(this.offer, this.codec, media, this.sdpOrigin);
    const done = new Promise<void>((resolve, reject) => {
      this.acked = { resolve, reject };
    });
    this.inviteTx.respond(this.okWithAnswer(this.invite));
    this.awaitingAck.add(this.inviteTx);
    return done;
  }

  /** Final error response before answering (e.g. 404 unknown code, 486, 503). */
  reject(status: number, reason?: string, headers: SipHeader[] = []): void {
    if (this.state !== 'offered') return;
    this.inviteTx.respond(createResponse(this.invite, status, { toTag: this.dialog.localTag, reason, headers }));
    this.end('rejected');
  }

  /**
   * Blind transfer (RFC 3515): REFER to `target` (a SIP URI) and follow the NOTIFY progress.
   * Never rejects: every failure is an outcome. The caller is expected to hang up after success
   * if the transferee has not already.
   */
  refer(target: string, extra: SipHeader[] = []): Promise<TransferOutcome> {
    if (this.state !== 'confirmed') {
      return Promise.resolve({ outcome: 'failed', reason: `call is ${this.state}, not confirmed` });
    }
    const pending = new PendingTransfer();
    this.transfers.add(pending);
    const timer = this.host.timers.setTimeout(
      () => pending.settle({ outcome: 'failed', reason: 'no final transfer progress in time' }),
      this.host.referTimeoutMs,
    );
    pending.promise.then(() => {
      this.host.timers.clearTimeout(timer);
      this.transfers.delete(pending);
    });
    const request = this.dialog.createRequest('REFER', [
      { name: 'Refer-To', value: `<${target}>` },
      { name: 'Referred-By', value: `<${parseNameAddr(this.dialog.localParty)?.uri ?? ''}>` },
      ...extra,
    ]);
    this.host.sendInDialog(this.dialog, request, (e) => {
      if (e.type === 'timeout') pending.settle({ outcome: 'failed', reason: 'REFER timed out', refused: true });
      else if (e.response.status >= 300) {
        const status = e.response.status;
        pending.settle({ outcome: 'failed', reason: `REFER answered ${status}`, status, refused: true });
      }
    });
    return pending.promise;
  }

  /** Ends the call from our side: BYE once answered, 480 before. Resolves when it is over. */
  hangup(): Promise<void> {
    if (this.state === 'ended') return Promise.resolve();
    if (this.state === 'offered') {
      this.reject(480, 'Temporarily Unavailable');
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.host.sendInDialog(this.dialog, this.dialog.createRequest('BYE'), (e) => {
        if (e.type === 'timeout' || e.response.status >= 200) resolve();
      });
      this.end('local-hangup');
    });
  }

  // ---- called by the user agent -------------------------------------------------------------

  /** @internal CANCEL matched our INVITE: 487 unless a final response already went out. */
  cancelled(): void {
    if (this.state !== 'offered') return;
    this.inviteTx.respond(createResponse(this.invite, 487, { toTag: this.dialog.localTag }));
    this.end('cancelled');
  }

  /** @internal The ACK of a 2xx (initial INVITE or re-INVITE). */
  ackReceived(): void {
    for (const tx of this.awaitingAck) tx.acknowledged();
    this.awaitingAck.clear();
    if (this.state !== 'answering') return;
    this.state = 'confirmed';
    this.acked?.resolve();
    this.acked = undefined;
  }

  /** @internal Timer L/H fired: the 2xx was never acknowledged (§13.3.1.4 says: then BYE). */
  ackTimedOut(): void {
    if (this.state !== 'answering') return;
    this.host.sendInDialog(this.dialog, this.dialog.createRequest('BYE'), () => {});
    this.end('ack-timeout');
  }

  /** @internal An in-dialog request other than ACK and CANCEL. */
  inDialogRequest(request: SipRequest, tx: ServerNonInviteTransaction | ServerInviteTransaction): void {
    const cseq = parseCSeq(header(request, 'CSeq') ?? '')?.seq ?? 0;
    if (cseq <= this.dialog.remoteSeq) {
      // Out of order inside the dialog (§12.2.2).
      tx.respond(createResponse(request, 500, { reason: 'CSeq out of order' }));
      return;
    }
    this.dialog.remoteSeq = cseq;
    switch (request.method) {
      case 'BYE':
        tx.respond(createResponse(request, 200));
        this.end('remote-bye');
        return;
      case 'INVITE':
      case 'UPDATE':
        this.reinvite(request, tx);
        return;
      case 'NOTIFY':
        tx.respond(createResponse(request, 200));
        for (const t of this.transfers) t.notify(request.body.toString('utf8'), header(request, 'Subscription-State'));
        return;
      default:
        answerOtherRequest(request, tx, this.host, this.callId);
    }
  }

  /** @internal The TCP connection of the dialog closed: nothing can be sent to the peer any more. */
  connectionLost(): void {
    this.end('transport-error');
  }

  /** @internal The transport or the user agent is going away. */
  terminate(reason: EndReason): void {
    if (this.state === 'confirmed' || this.state === 'answering') {
      this.host.sendInDialog(this.dialog, this.dialog.createRequest('BYE'), () => {});
    } else if (this.state === 'offered') {
      this.inviteTx.respond(createResponse(this.invite, 503, { toTag: this.dialog.localTag }));
    }
    this.end(reason);
  }

  /** re-INVITE or UPDATE inside a confirmed call: same answer, refreshed view of the caller's media. */
  private reinvite(request: SipRequest, tx: ServerInviteTransaction | ServerNonInviteTransaction): void {
    if (this.state !== 'confirmed' || !this.answerSdp) {
      tx.respond(createResponse(request, 491, { toTag: this.dialog.localTag }));
      return;
    }
    const media = this.renegotiate(request);
    if (!media) {
      tx.respond(createResponse(request, 488, { toTag: this.dialog.localTag }));
      return;
    }
    this.dialog.refreshTarget(request);
    // The media endpoint (the vault) does not change mid-call: the same SDP and o= version, unless the
    // direction does (hold: their sendonly is our recvonly, their inactive ours, RFC 3264 §8.4).
    if (media.direction !== this.codec.direction && this.endpoint) {
      this.sdpVersion++;
      const origin = { sessionId: this.sdpOrigin.sessionId, sessionVersion: this.sdpVersion };
      this.answerSdp = buildAnswer(this.offer, media, this.endpoint, origin);
    }
    tx.respond(
      request.method === 'UPDATE' && request.body.length === 0
        ? createResponse(request, 200)
        : this.okWithAnswer(request),
    );
    if (request.method === 'INVITE') this.awaitingAck.add(tx as ServerInviteTransaction);
    this.codec = media;
    this.emit('reinvite', media);
  }

  /** The codec choice after a new offer, or undefined when our unchanged answer would not fit it. */
  private renegotiate(request: SipRequest): CodecChoice | undefined {
    if (request.body.length === 0) return this.codec;
    const r = this.host.negotiate(request.body.toString('utf8'));
    if (!r.ok || r.offer.media.length !== this.offer.media.length) return undefined;
    const stream = r.offer.media[this.codec.mediaIndex];
    if (!stream?.formats.includes(String(this.codec.codec.payloadType))) return undefined;
    if (r.choice.mediaIndex !== this.codec.mediaIndex || r.choice.srtp !== this.codec.srtp) return undefined;
    if (this.codec.srtp) {
      // The same keys, or 488: the vault's SRTP context cannot change mid-call.
      const [tag, digest] = [...this.cryptoDigests][0] ?? [];
      const same = r.crypto.find((c) => c.tag === tag);
      request.body.fill(0);
      if (!same || !digest || !this.cryptoDigest(same.value).equals(digest)) return undefined;
    }
    return { ...this.codec, remote: r.choice.remote, direction: r.choice.direction };
  }

  /** Why `media` cannot answer this offer's stream (RTP/SAVP with one a=crypto of an offered tag, or RTP/AVP). */
  private srtpAnswerMismatch(media: MediaEndpoint): string | undefined {
    const secure = media.proto === 'RTP/SAVP';
    const crypto = (media.attributes ?? []).filter((a) => a.startsWith('crypto:'));
    if (!this.codec.srtp) return secure || crypto.length > 0 ? 'the offer is plain RTP: answer RTP/AVP' : undefined;
    const tag = /^crypto:(\d{1,9}) /.exec(crypto[0] ?? '')?.[1];
    const digest = tag === undefined ? undefined : this.cryptoDigests.get(Number(tag));
    if (!secure || crypto.length !== 1 || !digest)
      return 'the offer is SRTP: answer RTP/SAVP with one a=crypto line of an offered tag';
    this.cryptoDigests = new Map([[Number(tag), digest]]);
    return undefined;
  }

  private cryptoDigest(value: string): Buffer {
    return createHmac('sha256', this.cryptoDigestKey).update(value).digest();
  }

  private okWithAnswer(request: SipRequest): ReturnType<typeof createResponse> {
    return createResponse(request, 200, {
      toTag: this.dialog.localTag,
      headers: [
        ...this.contactHeaders(),
        ...headerValues(request, 'Record-Route').map((value) => ({ name: 'Record-Route', value })),
        { name: 'Allow', value: this.host.allow },
        { name: 'Content-Type', value: 'application/sdp' },
      ],
      body: Buffer.from(this.answerSdp ?? '', 'utf8'),
    });
  }

  private contactHeaders(): SipHeader[] {
    return [{ name: 'Contact', value: this.dialog.contact }];
  }

  private end(reason: EndReason): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.acked?.reject(new Error(`call ended before ACK: ${reason}`));
    this.acked = undefined;
    for (const t of this.transfers)
      t.settle({ outcome: 'failed', reason: `call ended (${reason}) before the transfer outcome` });
    this.host.forget(this);
    this.emit('ended', reason);
  }
}
