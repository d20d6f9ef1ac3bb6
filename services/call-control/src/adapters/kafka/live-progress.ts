// The live channel of the operator's screen: each key of a card field as masked progress (digits
// entered, brand) on ivr.call-progress.v1, keyed by call id, which notification relays to the screen.
// Not the event store: a key press is not a fact worth a stored, outboxed event (the Call aggregate
// keeps one summary per field), so nothing is written to PostgreSQL and a lost update is only a
// screen a key behind until the next one. Updates are queued and sent in batches: one request in
// flight at a time, and whatever came meanwhile goes in the next one, so a call's updates keep their
// order and many calls share a request.
import { randomUUID } from 'node:crypto';
import { type CaptureProgressedPayload, CallEventTypes as T, Topics } from '@ivr/contracts';
import type { EventPublisher, OutgoingMessage } from '@ivr/kafka';

export interface LiveProgressLogger {
  warn(obj: object, msg: string): void;
}

/** Updates waiting beyond this are dropped, oldest first (Kafka is down: the screens fall behind anyway). */
export const LIVE_QUEUE_LIMIT = 10_000;

export class KafkaLiveProgress {
  private queue: OutgoingMessage[] = [];
  private sending: Promise<void> | undefined;
  /** Dropped for the queue's limit since the last warning. */
  private overflowed = 0;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly log: LiveProgressLogger,
    private readonly limit = LIVE_QUEUE_LIMIT,
  ) {}

  /** Queues one update; returns at once, never throws. */
  publish = (progress: CaptureProgressedPayload): void => {
    this.queue.push({
      topic: Topics.callProgress,
      key: progress.callId,
      envelope: {
        specVersion: 1,
        eventId: randomUUID(),
        type: T.captureProgressed,
        aggregateType: 'Call',
        aggregateId: progress.callId,
        // Not an event of the Call stream (those are on ivr.calls.v1): no position in it.
        version: 1,
        occurredAt: new Date().toISOString(),
        correlationId: progress.callId,
        payload: progress,
      },
    });
    if (this.queue.length > this.limit) {
      this.overflowed += this.queue.length - this.limit;
      this.queue.splice(0, this.queue.length - this.limit);
    }
    this.sending ??= this.drain();
  };

  /** Resolves once everything queued so far was sent (or given up). */
  async flush(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async drain(): Promise<void> {
    // Lets the updates of this turn of the event loop join the first request.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.publisher.publish(batch);
      } catch (err) {
        this.log.warn(
          { err: (err as Error).message, lost: batch.length + this.overflowed },
          'live capture progress not sent',
        );
        this.overflowed = 0;
      }
    }
    this.sending = undefined;
  }
}
