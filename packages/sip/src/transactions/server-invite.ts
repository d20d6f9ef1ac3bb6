// INVITE server transaction (RFC 3261 §17.2.1, with the Accepted state of RFC 6026). It also
// retransmits a 2xx until the ACK arrives (§13.3.1.4), which RFC 3261 leaves to the UAS core;
// keeping it here puts every retransmission timer of a call in one tested place.
import type { SipRequest, SipResponse } from '../message';
import { TimerSet, type TransactionContext } from './timers';

export type ServerInviteState = 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

export interface ServerInviteCallbacks {
  /** No ACK for a final response within 64*T1 (Timer H, or Timer L for a 2xx). */
  onTimeout: () => void;
}

export class ServerInviteTransaction {
  state: ServerInviteState = 'proceeding';
  private lastResponse: SipResponse | undefined;
  private acked = false;
  private readonly timers: TimerSet;

  constructor(
    readonly request: SipRequest,
    private readonly ctx: TransactionContext,
    private readonly callbacks: ServerInviteCallbacks,
  ) {
    this.timers = new TimerSet(ctx.timers);
  }

  /** The TU's response. Ignored once a final response was sent. */
  respond(response: SipResponse): void {
    if (this.state !== 'proceeding') return;
    this.lastResponse = response;
    this.ctx.send(response);
    if (response.status < 200) return;
    const { t1, t2 } = this.ctx.values;
    if (response.status < 300) {
      this.state = 'accepted';
      if (!this.ctx.reliable) this.retransmit('G', t1, t2);
      this.timers.start('L', 64 * t1, () => this.timeout());
    } else {
      this.state = 'completed';
      if (!this.ctx.reliable) this.retransmit('G', t1, t2);
      this.timers.start('H', 64 * t1, () => this.timeout());
    }
  }

  /** A retransmitted INVITE, or the ACK of a non-2xx final response (same branch). */
  receive(request: SipRequest): void {
    if (request.method === 'ACK') {
      if (this.state !== 'completed') return;
      this.state = 'confirmed';
      this.timers.stop('G');
      this.timers.stop('H');
      this.timers.start('I', this.ctx.reliable ? 0 : this.ctx.values.t4, () => this.terminate());
      return;
    }
    // Once the 2xx is acknowledged, late INVITE retransmissions are absorbed (RFC 6026 §7.1);
    // before that, resending the 2xx helps when the first one was lost.
    if (this.state === 'accepted' && this.acked) return;
    if (this.lastResponse && this.state !== 'confirmed') this.ctx.send(this.lastResponse);
  }

  /**
   * The ACK of our 2xx arrived (it has its own branch, so the dialog layer matches it). The
   * transaction stays until Timer L so that a late INVITE retransmission cannot start a new call.
   */
  acknowledged(): void {
    if (this.state !== 'accepted' || this.acked) return;
    this.acked = true;
    this.timers.stop('G');
    this.timers.start('L', 64 * this.ctx.values.t1, () => this.terminate());
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.timers.stopAll();
    this.ctx.onTerminated();
  }

  private retransmit(name: string, interval: number, cap: number): void {
    this.timers.start(name, interval, () => {
      if (this.lastResponse) this.ctx.send(this.lastResponse);
      this.retransmit(name, Math.min(interval * 2, cap), cap);
    });
  }

  private timeout(): void {
    this.terminate();
    this.callbacks.onTimeout();
  }
}
