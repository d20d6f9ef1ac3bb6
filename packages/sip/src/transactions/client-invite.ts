// INVITE client transaction (RFC 3261 §17.1.1). A non-2xx final response is acknowledged here
// (same branch); a 2xx ends the transaction and its ACK is the dialog's business.
import { header, headerValues, type SipHeader, type SipRequest, type SipResponse } from '../message';
import { type ClientTransactionEvent, TimerSet, type TransactionContext } from './timers';

export type ClientInviteState = 'calling' | 'proceeding' | 'completed' | 'terminated';

export class ClientInviteTransaction {
  state: ClientInviteState = 'calling';
  private readonly timers: TimerSet;

  constructor(
    readonly request: SipRequest,
    private readonly ctx: TransactionContext,
    private readonly onEvent: (event: ClientTransactionEvent) => void,
  ) {
    this.timers = new TimerSet(ctx.timers);
  }

  start(): void {
    this.ctx.send(this.request);
    const { t1 } = this.ctx.values;
    if (!this.ctx.reliable) this.retransmitA(t1);
    this.timers.start('B', 64 * t1, () => {
      this.terminate();
      this.onEvent({ type: 'timeout' });
    });
  }

  receive(response: SipResponse): void {
    if (this.state === 'terminated') return;
    if (this.state === 'completed') {
      if (response.status >= 300) this.ctx.send(this.ackFor(response));
      return;
    }
    this.timers.stop('A');
    if (response.status < 200) {
      this.state = 'proceeding';
      this.timers.stop('B');
      this.onEvent({ type: 'response', response });
    } else if (response.status < 300) {
      this.terminate();
      this.onEvent({ type: 'response', response });
    } else {
      this.state = 'completed';
      this.timers.stop('B');
      this.ctx.send(this.ackFor(response));
      this.onEvent({ type: 'response', response });
      this.timers.start('D', this.ctx.reliable ? 0 : 32_000, () => this.terminate());
    }
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.timers.stopAll();
    this.ctx.onTerminated();
  }

  private retransmitA(interval: number): void {
    this.timers.start('A', interval, () => {
      if (this.state !== 'calling') return;
      this.ctx.send(this.request);
      this.retransmitA(interval * 2);
    });
  }

  /** ACK for a non-2xx response (RFC 3261 §17.1.1.3). */
  private ackFor(response: SipResponse): SipRequest {
    const req = this.request;
    const copy = (name: string): SipHeader[] => headerValues(req, name).map((value) => ({ name, value }));
    const cseq = (header(req, 'CSeq') ?? '').split(/\s+/)[0];
    return {
      kind: 'request',
      method: 'ACK',
      uri: req.uri,
      headers: [
        { name: 'Via', value: headerValues(req, 'Via')[0] ?? '' },
        ...copy('Route'),
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: header(req, 'From') ?? '' },
        { name: 'To', value: header(response, 'To') ?? '' },
        { name: 'Call-ID', value: header(req, 'Call-ID') ?? '' },
        { name: 'CSeq', value: `${cseq} ACK` },
      ],
      body: Buffer.alloc(0),
    };
  }
}
