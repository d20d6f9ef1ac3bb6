// Records one call's facts in call-control's event store, in order, with the outbox to
// ivr.calls.v1, through @ivr/eventstore's handleCommand. The dialogue never waits for it: commands
// are queued and handled one after the other (a single writer per call, so the state and version
// kept here are the stream's and a command is decided without reading it). A database hiccup is
// retried with @ivr/backoff's delays; a command that still cannot be stored is logged by type
// (payloads are masked, but they stay out of logs anyway) and the caller carries on. The open-calls
// projection (crash recovery) is written in the same transaction as the events. Another writer (a
// sweeper that took this call for lost) makes the append fail: handleCommand reloads and the ended
// call takes nothing more.
import type { BackoffPolicy } from '@ivr/backoff';
import { Topics } from '@ivr/contracts';
import { type EventStore, handleCommand } from '@ivr/eventstore';
import {
  CALL_STREAM_TYPE,
  type CallCommand,
  CallCommandRejected,
  type CallState,
  callDecider,
  initialCallState,
} from '../../call';
import { writeOpenCall } from './open-calls';

export interface RecorderLogger {
  error(obj: object, msg: string): void;
}

export interface RecorderRetry {
  /** Tries after the first. */
  retries: number;
  backoff: BackoffPolicy;
}

/** 150 ms tripling to 4 s, five times: 5 to 10 s in all (jittered), as a database restart takes a few seconds. */
export const RECORDER_RETRY: RecorderRetry = { retries: 5, backoff: { initialMs: 150, maxMs: 4000, factor: 3 } };

export class CallRecorder {
  /** The stream as this writer left it; unknown after a command was given up (the next one reads it). */
  private known: { state: CallState; version: number } | undefined = { state: initialCallState(), version: 0 };
  private state: CallState = initialCallState();
  private queue: Promise<void> = Promise.resolve();
  /** A command queued since the last flush was given up: the stream misses that fact. */
  private givenUpSinceFlush = false;
  /** Another writer ended the call (crash recovery took this process for dead). */
  private endedByOther = false;

  constructor(
    private readonly store: EventStore,
    private readonly callId: string,
    private readonly log: RecorderLogger,
    retry: Partial<RecorderRetry> = {},
  ) {
    this.retry = { ...RECORDER_RETRY, ...retry };
  }

  private readonly retry: RecorderRetry;

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
    const wasOpen = this.state.status !== 'ended';
    try {
      const { state, version, events } = await handleCommand(this.store, callDecider, this.callId, command, {
        streamType: CALL_STREAM_TYPE,
        outbox: { topic: Topics.calls },
        metadata: { correlationId: this.callId, actor: 'call-control' },
        ...(this.known ? { known: this.known } : {}),
        inTransaction: (tx, change) => writeOpenCall(tx, change.state, change.next),
        // Anything but the decider's refusal may pass: a conflict, a database restart.
        retryOn: (error) => !(error instanceof CallCommandRejected),
        retries: this.retry.retries,
        backoff: this.retry.backoff,
      });
      this.known = { state, version };
      this.state = state;
      // Ended without this command ending it: another writer did (crash recovery took this process
      // for dead). Whatever is still queued is dropped, so the dialogue must not act on it (no
      // Authorize after an unstored card).
      if (wasOpen && state.status === 'ended' && events.length === 0) this.endedByOther = true;
    } catch (err) {
      this.known = undefined;
      this.givenUpSinceFlush = true;
      this.log.error(
        { call_id: this.callId, command: command.type, err: (err as Error).message },
        'call event could not be stored',
      );
    }
  }
}
