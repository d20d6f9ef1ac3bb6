// Non-INVITE server transaction (RFC 3261 §17.2.2): absorbs retransmitted requests by resending
// the last response, and lingers for Timer J (64*T1 on UDP, zero on TCP).
import type { SipRequest, SipResponse } from '../message';
import { TimerSet, type TransactionContext } from './timers';

export type ServerNonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export class ServerNonInviteTransaction {
  state: ServerNonInviteState = 'trying';
  private lastResponse: SipResponse | undefined;
  private readonly timers: TimerSet;

  constructor(
    readonly request: SipRequest,
    private readonly ctx: TransactionContext,
  ) {
    this.timers = new TimerSet(ctx.timers);
  }

  respond(response: SipResponse): void {
    if (this.state === 'completed' || this.state === 'terminated') return;
    this.lastResponse = response;
    this.ctx.send(response);
    if (response.status < 200) {
      this.state = 'proceeding';
      return;
    }
    this.state = 'completed';
    this.timers.start('J', this.ctx.reliable ? 0 : 64 * this.ctx.values.t1, () => this.terminate());
  }

  /** A retransmission of the request. */
  receive(_request: SipRequest): void {
    if (this.lastResponse && (this.state === 'proceeding' || this.state === 'completed')) {
      this.ctx.send(this.lastResponse);
    }
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.timers.stopAll();
    this.ctx.onTerminated();
  }
}
