// Timer plumbing shared by the four transaction machines (RFC 3261 §17, Table 4). The clock is
// injected so that unit tests can step through every timer without waiting.
import type { SipMessage, SipRequest, SipResponse } from '../message';

export type TimerHandle = unknown;

export interface TimerService {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realTimers: TimerService = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** T1 (RTT estimate), T2 (max retransmit interval for non-INVITE), T4 (max time a message lingers). */
export interface TimerValues {
  t1: number;
  t2: number;
  t4: number;
}

export const DEFAULT_TIMER_VALUES: TimerValues = { t1: 500, t2: 4000, t4: 5000 };

export interface TransactionContext {
  /** Sends on the transaction's flow (same socket/peer as the request). */
  send: (msg: SipMessage) => void;
  /** TCP/TLS: no retransmissions, and the linger timers are zero. */
  reliable: boolean;
  timers: TimerService;
  values: TimerValues;
  /** The machine reached Terminated: the layer drops it from its table. */
  onTerminated: () => void;
}

/** Named timers of one transaction; starting a timer again replaces the previous one. */
export class TimerSet {
  private readonly handles = new Map<string, TimerHandle>();

  constructor(private readonly timers: TimerService) {}

  start(name: string, ms: number, fn: () => void): void {
    this.stop(name);
    this.handles.set(
      name,
      this.timers.setTimeout(() => {
        this.handles.delete(name);
        fn();
      }, ms),
    );
  }

  stop(name: string): void {
    const h = this.handles.get(name);
    if (h !== undefined) this.timers.clearTimeout(h);
    this.handles.delete(name);
  }

  stopAll(): void {
    for (const name of [...this.handles.keys()]) this.stop(name);
  }
}

export type ServerTransactionEvent = { type: 'timeout' } | { type: 'ack'; request: SipRequest };
export type ClientTransactionEvent = { type: 'response'; response: SipResponse } | { type: 'timeout' };
