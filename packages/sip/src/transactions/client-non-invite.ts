// Non-INVITE client transaction (RFC 3261 §17.1.2): Timer E retransmits on UDP (T1 doubling to
// T2, straight to T2 once a provisional arrived), Timer F gives up after 64*T1, Timer K lingers.
import type { SipRequest, SipResponse } from '../message';
import { type ClientTransactionEvent, TimerSet, type TransactionContext } from './timers';

export type ClientNonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export class ClientNonInviteTransaction {
  state: ClientNonInviteState = 'trying';
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
    if (!this.ctx.reliable) this.retransmitE(this.ctx.values.t1);
    this.timers.start('F', 64 * this.ctx.values.t1, () => {
      this.terminate();
      this.onEvent({ type: 'timeout' });
    });
  }

  receive(response: SipResponse): void {
    if (this.state === 'completed' || this.state === 'terminated') return;
    if (response.status < 200) {
      if (this.state === 'trying' && !this.ctx.reliable) this.retransmitE(this.ctx.values.t2);
      this.state = 'proceeding';
      this.onEvent({ type: 'response', response });
      return;
    }
    this.state = 'completed';
    this.timers.stop('E');
    this.timers.stop('F');
    this.onEvent({ type: 'response', response });
    this.timers.start('K', this.ctx.reliable ? 0 : this.ctx.values.t4, () => this.terminate());
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.timers.stopAll();
    this.ctx.onTerminated();
  }

  private retransmitE(interval: number): void {
    this.timers.start('E', interval, () => {
      this.ctx.send(this.request);
      const next = this.state === 'proceeding' ? this.ctx.values.t2 : Math.min(interval * 2, this.ctx.values.t2);
      this.retransmitE(next);
    });
  }
}
