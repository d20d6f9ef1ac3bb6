/**
 * Gateway calls run in the background, at most `limit` at a time: a Kafka handler records the request and
 * hands the call here, so that a slow PSP does not hold its partition (a payment's next operation waits for
 * this one anyway: one at a time). `schedule` resolves once the call has started, so a full pool slows the
 * consumer down instead of piling calls up. A call that fails is left to the reconciler (the request is
 * recorded and its pending row written before the call), so failures are only reported.
 */
export type Schedule = (work: () => Promise<unknown>) => Promise<void>;

export class BackgroundCalls {
  private readonly running = new Set<Promise<void>>();
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  readonly schedule: Schedule = async (work) => {
    while (this.running.size >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    const call: Promise<void> = work()
      .then(
        () => undefined,
        (error: unknown) => this.onError(error),
      )
      .finally(() => {
        this.running.delete(call);
        this.waiting.shift()?.();
      });
    this.running.add(call);
  };

  get inFlight(): number {
    return this.running.size;
  }

  /** Waits for the calls in flight (a stop: what is not finished now is the reconciler's). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
