import { Topics } from '@ivr/contracts';
import {
  ConcurrencyError,
  type EventStore,
  foldEvents,
  handleCommand,
  inSequence,
  type RecordedEvent,
} from '@ivr/eventstore';
import type { CallStreams } from '../../app/ports';
import { CALL_STREAM_TYPE, type CallCommand, type CallEvent, type CallState, callDecider } from '../../call';
import { writeOpenCall } from './open-calls';

/** Calls' streams in call-control's event store, for writers other than the call's own recorder. */
export class PgCallStreams implements CallStreams {
  constructor(private readonly store: EventStore) {}

  async load(callId: string): Promise<{ state: CallState; version: number }> {
    const history = (await this.store.readStream(callId)) as RecordedEvent<CallEvent>[];
    return { state: foldEvents(callDecider, history), version: history.length };
  }

  async appendAt(
    callId: string,
    read: { state: CallState; version: number },
    commands: CallCommand[],
    actor: string,
  ): Promise<boolean> {
    try {
      // At the version the caller read: a writer that came in between wins, and the caller backs off
      // rather than deciding again.
      await handleCommand(this.store, inSequence(callDecider), callId, commands, {
        streamType: CALL_STREAM_TYPE,
        outbox: { topic: Topics.calls },
        metadata: { correlationId: callId, actor },
        known: read,
        retries: 0,
        inTransaction: (tx, change) => writeOpenCall(tx, change.state, change.next),
      });
      return true;
    } catch (err) {
      if (err instanceof ConcurrencyError) return false;
      throw err;
    }
  }
}
