// Follows the dialogue of every benchmark call on Kafka, indexed by payment id: which steps each call
// entered (ivr.calls.v1 CallStepEntered) and how its payment ended (ivr.payment-completed.v1). The
// caller keys a field only once its step began, as the e2e tests do: the vault drops keys that
// arrive while no capture runs. Only pacing depends on Kafka; latency is measured on the RTP.
import { type EventEnvelope, Topics } from '@ivr/contracts';
import type { Consumer, Kafka } from 'kafkajs';

interface Track {
  steps: Set<string>;
  outcome?: string;
  waiters: Array<() => void>;
}

export class StepWatch {
  private readonly tracks = new Map<string, Track>();
  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, groupId: string): Promise<StepWatch> {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 20 });
    const watch = new StepWatch(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [Topics.calls, Topics.paymentCompleted], fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        try {
          watch.accept(JSON.parse(String(message.value)) as EventEnvelope);
        } catch {
          // not an envelope: nothing to follow
        }
      },
    });
    return watch;
  }

  /** Resolves true once the payment's call entered `step` (or the payment completed: false). */
  async step(paymentId: string, step: string, timeoutMs: number): Promise<boolean> {
    return this.until(paymentId, (t) => t.steps.has(step) || t.outcome !== undefined, timeoutMs).then(
      (ok) => ok && (this.tracks.get(paymentId)?.steps.has(step) ?? false),
    );
  }

  async outcome(paymentId: string, timeoutMs: number): Promise<string | undefined> {
    await this.until(paymentId, (t) => t.outcome !== undefined, timeoutMs);
    return this.tracks.get(paymentId)?.outcome;
  }

  /** Starts following a payment; events of payments not followed are ignored. */
  follow(paymentId: string): void {
    this.track(paymentId);
  }

  /** The steps a payment's call entered so far, in arrival order (for failure reports). */
  stepsOf(paymentId: string): string[] {
    return [...(this.tracks.get(paymentId)?.steps ?? [])];
  }

  hasStep(paymentId: string, step: string): boolean {
    return this.tracks.get(paymentId)?.steps.has(step) ?? false;
  }

  forget(paymentId: string): void {
    this.tracks.delete(paymentId);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }

  private until(paymentId: string, done: (t: Track) => boolean, timeoutMs: number): Promise<boolean> {
    const t = this.track(paymentId);
    if (done(t)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const check = () => {
        if (!done(t)) return t.waiters.push(check);
        clearTimeout(timer);
        resolve(true);
      };
      t.waiters.push(check);
    });
  }

  private track(paymentId: string): Track {
    let t = this.tracks.get(paymentId);
    if (!t) {
      t = { steps: new Set(), waiters: [] };
      this.tracks.set(paymentId, t);
    }
    return t;
  }

  private accept(e: EventEnvelope): void {
    const p = e.payload as Record<string, unknown>;
    if (typeof p.paymentId !== 'string') return;
    const t = this.tracks.get(p.paymentId); // other engineers' payments share the topics
    if (!t) return;
    if (e.type === 'CallStepEntered' && typeof p.step === 'string') t.steps.add(p.step);
    else if (e.type === 'PaymentCompleted') t.outcome = String(p.outcome);
    else return;
    const waiters = t.waiters;
    t.waiters = [];
    for (const w of waiters) w();
  }
}
