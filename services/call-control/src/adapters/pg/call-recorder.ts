// Records one call's facts in call-control's event store, in order, with the outbox to
// ivr.calls.v1. The dialogue never waits for it: commands are queued and appended one after the
// other (a single writer per call, so the version kept here is the stream's). A database hiccup
// is retried; a command that still cannot be stored is logged by type (payloads are masked, but
// they stay out of logs anyway) and the caller carries on. The open-calls projection (crash
// recovery) is written in the same transaction as the events. Another writer (a sweeper that took
// this call for lost) makes the append fail: the recorder reloads and the ended call takes nothing more.
import { Topics } from '@ivr/contracts';
import { ConcurrencyError, type EventStore, foldEvents, type RecordedEvent } from '@ivr/eventstore';
import {
  CALL_STREAM_TYPE,
  type CallCommand,
  type CallEvent,
  type CallState,
  callDecider,
  initialCallState,
} from '../../call';
import { writeOpenCall } from './open-calls';

export interface RecorderLogger {
  error(obj: object, msg: string): void;
}

export class CallRecorder {
  private state: CallState = initialCallState();
  private version = 0;
  private queue: Promise<void> = Promise.resolve();
  /** A command queued since the last flush was given up: the stream misses that fact. */
  private givenUpSinceFlush = false;
  /** Another writer ended the call (crash recovery took this process for dead). */
  private endedByOther = false;

  constructor(
    private readonly store: EventStore,
    private readonly callId: string,
    private readonly log: RecorderLogger,
    // About 7 s in all: a database restart takes a few seconds.
    private readonly retryDelaysMs: readonly number[] = [50, 200, 1000, 2000, 4000],
  ) {}

  /** Queues a command; returns at once. */
  record = (command: CallCommand): void => {
    this.queue = this.queue.then(() => this.apply(command));
  };

  /**
   * Resolves when everything queued so far is stored or given up: true when every command queued
   * since the previous flush was stored and the call is still this process's. A fact given up earlier
   * (a progress update during a database restart) does not make a later flush fail: what the dialogue
   * asks before it authorizes is whether the card it just recorded is stored.
   */
  async flush(): Promise<boolean> {
    await this.queue;
    const stored = !this.givenUpSinceFlush && !this.endedByOther;
    this.givenUpSinceFlush = false;
    return stored;
  }

  private async apply(command: CallCommand): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const events = callDecider.decide(command, this.state);
        if (events.length === 0) return;
        const next = events.reduce(callDecider.evolve, this.state);
        const { version } = await this.store.transaction(async (tx) => {
          const appended = await tx.append(this.callId, this.version, events, {
            streamType: CALL_STREAM_TYPE,
            outbox: { topic: Topics.calls },
            metadata: { correlationId: this.callId, actor: 'call-control' },
          });
          await writeOpenCall(tx, this.state, next);
          return appended;
        });
        this.state = next;
        this.version = version;
        return;
      } catch (err) {
        if (err instanceof ConcurrencyError) await this.reload();
        const delay = this.retryDelaysMs[attempt];
        if (delay === undefined) {
          this.givenUpSinceFlush = true;
          this.log.error(
            { call_id: this.callId, command: command.type, err: (err as Error).message },
            'call event could not be stored',
          );
          return;
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async reload(): Promise<void> {
    const history = await this.store.readStream(this.callId).catch(() => undefined);
    if (!history) return;
    const wasOpen = this.state.status !== 'ended';
    this.state = foldEvents(callDecider, history as unknown as RecordedEvent<CallEvent>[]);
    this.version = history.length;
    // Another writer ended the call (crash recovery took this process for dead): whatever is still
    // queued is dropped, so the dialogue must not act on it (no Authorize after an unstored card).
    if (wasOpen && this.state.status === 'ended') this.endedByOther = true;
  }
}
