// Transfer progress (RFC 3515): after a REFER is accepted, the transferee reports the outcome of
// its new call in NOTIFY requests whose body is a message/sipfrag status line.

export type TransferOutcome =
  | { outcome: 'succeeded'; status: number }
  /** `refused`: the REFER itself was refused or never answered (the PBX does not transfer), as opposed to a
   *  transfer whose target then did not answer. */
  | { outcome: 'failed'; reason: string; status?: number; refused?: true };

/** The status code of a sipfrag body such as `SIP/2.0 200 OK`, or undefined. */
export function sipfragStatus(body: string): number | undefined {
  const m = /^SIP\/2\.0 (\d{3})/.exec(body.trimStart());
  return m ? Number(m[1]) : undefined;
}

/** Settles once: the first final outcome wins, later ones are ignored. */
export class PendingTransfer {
  private settled = false;
  readonly promise: Promise<TransferOutcome>;
  private resolveFn!: (o: TransferOutcome) => void;

  constructor() {
    this.promise = new Promise((resolve) => {
      this.resolveFn = resolve;
    });
  }

  get done(): boolean {
    return this.settled;
  }

  settle(outcome: TransferOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveFn(outcome);
  }

  /** A NOTIFY arrived: a final sipfrag decides; a terminated subscription without one is a failure. */
  notify(body: string, subscriptionState: string | undefined): void {
    const status = sipfragStatus(body);
    if (status !== undefined && status >= 200) {
      if (status < 300) this.settle({ outcome: 'succeeded', status });
      else this.settle({ outcome: 'failed', reason: `transfer target answered ${status}`, status });
    } else if (subscriptionState?.toLowerCase().startsWith('terminated')) {
      this.settle({ outcome: 'failed', reason: 'subscription terminated without a final status' });
    }
  }
}
