// A minimal SIP user agent client over UDP for the call benchmark: many calls on one socket. It
// places INVITE (retransmitted like Timer A until a final answer), ACKs 2xx, and as the transferee
// answers what the IVR sends in the dialog: REFER → 202 then a NOTIFY "SIP/2.0 200 OK" (we accept
// the transfer without placing the new call), BYE → 200, anything else → 200. Messages are built
// and parsed with the stack's own parser/serializer (@ivr/sip). Several call-control replicas: each
// INVITE goes where `target()` says (the next replica, as an SBC spreads calls), and the rest of that
// call follows it; requests from the IVR are answered where they came from.
import dgram from 'node:dgram';
import { header, parseMessage, type SipHeader, type SipRequest, type SipResponse, serialize } from '@ivr/sip';

export interface Dialog {
  callId: string;
  fromTag: string;
  toTag: string;
  remoteTarget: string;
  cseq: number;
  answerSdp: string;
  /** The SIP port of the call-control replica that answered: the dialog's requests go there. */
  target: number;
}

interface CallHandlers {
  onFinal: (res: SipResponse) => void;
  onRefer: () => void;
  onBye: () => void;
}

export class SipUac {
  retransmissions = 0;
  malformed = 0;
  private readonly calls = new Map<string, CallHandlers & { dialog?: Dialog }>();
  private branchSeq = 0;

  private readonly target: () => number;

  private constructor(
    private readonly socket: dgram.Socket,
    target: number | (() => number),
  ) {
    this.target = typeof target === 'number' ? () => target : target;
    socket.on('message', (buf, from) => this.receive(buf, from.port));
  }

  /** `target`: call-control's SIP port, or a function that picks one per call. */
  static async open(target: number | (() => number)): Promise<SipUac> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    socket.setRecvBufferSize(8 * 1024 * 1024);
    socket.setSendBufferSize(8 * 1024 * 1024);
    return new SipUac(socket, target);
  }

  private get port(): number {
    return this.socket.address().port;
  }

  /**
   * INVITE with the transfer code as Request-URI user; resolves with the dialog once 200 is ACKed.
   * `events` tells the caller about the REFER and BYE that end the call.
   */
  invite(
    callId: string,
    user: string,
    sdp: string,
    events: { onRefer: () => void; onBye: () => void },
  ): Promise<Dialog> {
    const fromTag = `f${callId}`;
    const target = this.target();
    const uri = `sip:${user}@127.0.0.1:${target}`;
    const branch = this.branch();
    const request: SipRequest = {
      kind: 'request',
      method: 'INVITE',
      uri,
      headers: [
        ...this.viaAndRoute(branch),
        { name: 'From', value: `<sip:pbx@127.0.0.1>;tag=${fromTag}` },
        { name: 'To', value: `<${uri}>` },
        { name: 'Call-ID', value: callId },
        { name: 'CSeq', value: '1 INVITE' },
        { name: 'Contact', value: `<sip:pbx@127.0.0.1:${this.port}>` },
        { name: 'Content-Type', value: 'application/sdp' },
      ],
      body: Buffer.from(sdp, 'latin1'),
    };
    return new Promise<Dialog>((resolve, reject) => {
      const bytes = serialize(request);
      let interval = 500;
      let retransmit: NodeJS.Timeout | undefined;
      const schedule = () => {
        retransmit = setTimeout(() => {
          this.retransmissions++;
          this.send(bytes, target);
          interval = Math.min(interval * 2, 4000);
          schedule();
        }, interval);
      };
      const giveUp = setTimeout(() => {
        clearTimeout(retransmit);
        this.calls.delete(callId);
        reject(new Error('INVITE timed out'));
      }, 32_000);
      this.calls.set(callId, {
        ...events,
        onFinal: (res) => {
          clearTimeout(retransmit);
          clearTimeout(giveUp);
          const toTag = /;tag=([^;>\s]+)/.exec(header(res, 'To') ?? '')?.[1] ?? '';
          if (res.status >= 300) {
            this.sendAck(target, callId, fromTag, toTag, uri, branch);
            this.calls.delete(callId);
            reject(new Error(`INVITE answered ${res.status}`));
            return;
          }
          const contact = /<([^>]+)>/.exec(header(res, 'Contact') ?? '')?.[1] ?? uri;
          const dialog: Dialog = {
            callId,
            fromTag,
            toTag,
            remoteTarget: contact,
            cseq: 1,
            answerSdp: res.body.toString('latin1'),
            target,
          };
          const entry = this.calls.get(callId);
          if (entry) entry.dialog = dialog;
          this.sendAck(target, callId, fromTag, toTag, contact, this.branch());
          resolve(dialog);
        },
      });
      this.send(bytes, target);
      schedule();
    });
  }

  /** The caller hangs up: BYE in the dialog, sent once (the answer is not waited for). */
  hangUp(d: Dialog): void {
    this.sendInDialog(d, 'BYE', [], Buffer.alloc(0));
  }

  /** Forgets a call (after its BYE, or when the benchmark gives up on it): later messages get 481. */
  forget(callId: string): void {
    this.calls.delete(callId);
  }

  close(): void {
    this.socket.close();
  }

  private receive(buf: Buffer, from: number): void {
    const parsed = parseMessage(buf);
    if (!parsed.ok) {
      this.malformed++;
      return;
    }
    const msg = parsed.message;
    const callId = header(msg, 'Call-ID') ?? '';
    const call = this.calls.get(callId);
    if (msg.kind === 'response') {
      const cseq = header(msg, 'CSeq') ?? '';
      if (call && cseq.endsWith('INVITE') && msg.status >= 200) call.onFinal(msg);
      else if (cseq.endsWith('INVITE') && msg.status >= 200 && msg.status < 300) this.reAck(msg, from);
      return;
    }
    if (!call) {
      if (msg.method !== 'ACK') this.respond(msg, 481, 'Call/Transaction Does Not Exist', from);
      return;
    }
    switch (msg.method) {
      case 'REFER':
        this.respond(msg, 202, 'Accepted', from);
        if (call.dialog) this.notifyTransferred(call.dialog);
        call.onRefer();
        return;
      case 'BYE':
        this.respond(msg, 200, 'OK', from);
        call.onBye();
        return;
      case 'ACK':
        return;
      default:
        this.respond(msg, 200, 'OK', from);
    }
  }

  /** A retransmitted 200 for an INVITE we already ACKed (our ACK was lost): ACK it again. */
  private reAck(res: SipResponse, from: number): void {
    const fromTag = /;tag=([^;>\s]+)/.exec(header(res, 'From') ?? '')?.[1] ?? '';
    const toTag = /;tag=([^;>\s]+)/.exec(header(res, 'To') ?? '')?.[1] ?? '';
    const contact = /<([^>]+)>/.exec(header(res, 'Contact') ?? '')?.[1] ?? '';
    this.sendAck(from, header(res, 'Call-ID') ?? '', fromTag, toTag, contact, this.branch());
  }

  private notifyTransferred(d: Dialog): void {
    this.sendInDialog(
      d,
      'NOTIFY',
      [
        { name: 'Contact', value: `<sip:pbx@127.0.0.1:${this.port}>` },
        { name: 'Event', value: 'refer' },
        { name: 'Subscription-State', value: 'terminated;reason=noresource' },
        { name: 'Content-Type', value: 'message/sipfrag;version=2.0' },
      ],
      Buffer.from('SIP/2.0 200 OK\r\n', 'latin1'),
    );
  }

  /** A new request in an established dialog (next CSeq, new branch). */
  private sendInDialog(d: Dialog, method: string, extra: SipHeader[], body: Buffer): void {
    d.cseq++;
    this.send(
      serialize({
        kind: 'request',
        method,
        uri: d.remoteTarget,
        headers: [
          ...this.viaAndRoute(this.branch()),
          { name: 'From', value: `<sip:pbx@127.0.0.1>;tag=${d.fromTag}` },
          { name: 'To', value: `<sip:ivr@127.0.0.1>;tag=${d.toTag}` },
          { name: 'Call-ID', value: d.callId },
          { name: 'CSeq', value: `${d.cseq} ${method}` },
          ...extra,
        ],
        body,
      }),
      d.target,
    );
  }

  private sendAck(target: number, callId: string, fromTag: string, toTag: string, uri: string, branch: string): void {
    this.send(
      serialize({
        kind: 'request',
        method: 'ACK',
        uri,
        headers: [
          ...this.viaAndRoute(branch),
          { name: 'From', value: `<sip:pbx@127.0.0.1>;tag=${fromTag}` },
          { name: 'To', value: `<sip:ivr@127.0.0.1>;tag=${toTag}` },
          { name: 'Call-ID', value: callId },
          { name: 'CSeq', value: '1 ACK' },
        ],
        body: Buffer.alloc(0),
      }),
      target,
    );
  }

  private respond(req: SipRequest, status: number, reason: string, to: number): void {
    const copied = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];
    const headers: SipHeader[] = req.headers.filter((h) => copied.includes(h.name));
    this.send(serialize({ kind: 'response', status, reason, headers, body: Buffer.alloc(0) }), to);
  }

  private viaAndRoute(branch: string): SipHeader[] {
    return [
      { name: 'Via', value: `SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport` },
      { name: 'Max-Forwards', value: '70' },
    ];
  }

  private branch(): string {
    return `z9hG4bKbench${++this.branchSeq}`;
  }

  private send(bytes: Buffer, port: number): void {
    this.socket.send(bytes, port, '127.0.0.1');
  }
}
