// The open-calls projection (migrations/001_call_ownership.sql): written in the transaction that
// appends a call's events, so it never disagrees with the stream for long; rebuilt from the events
// when in doubt.
import { type EventStore, type EventStoreTransaction, foldEvents, type RecordedEvent } from '@ivr/eventstore';
import { CALL_STREAM_TYPE, type CallEvent, type CallState, callDecider } from '../../call';
import { type OpenCall, openCallOf, sameOpenCall } from '../../recovery';

/** Writes the projection's row for a call whose state went from `before` to `after` (if it changed). */
export async function writeOpenCall(tx: EventStoreTransaction, before: CallState, after: CallState): Promise<void> {
  const row = openCallOf(after);
  if (sameOpenCall(openCallOf(before), row)) return;
  if (row === null) {
    if (after.callId) await tx.client.query(`delete from "${tx.schema}".open_calls where call_id = $1`, [after.callId]);
    return;
  }
  await insertOpenCall(tx, row);
}

async function insertOpenCall(tx: EventStoreTransaction, row: OpenCall): Promise<void> {
  await tx.client.query(
    `insert into "${tx.schema}".open_calls (call_id, instance_id, payment_id, card_captured, authorization_recorded)
     values ($1, $2, $3, $4, $5)
     on conflict (call_id) do update set instance_id = excluded.instance_id, payment_id = excluded.payment_id,
       card_captured = excluded.card_captured, authorization_recorded = excluded.authorization_recorded`,
    [row.callId, row.instanceId, row.paymentId, row.cardCaptured, row.authorizationRecorded],
  );
}

/**
 * Recomputes the projection from the Call streams (after a restore, or to check it). Writers of
 * open_calls wait for it (table lock); returns the number of open calls.
 */
export async function rebuildOpenCalls(store: EventStore): Promise<number> {
  return store.transaction(async (tx) => {
    await tx.client.query(`lock table "${tx.schema}".open_calls in exclusive mode`);
    await tx.client.query(`delete from "${tx.schema}".open_calls`);
    const { rows } = await tx.client.query<{ stream_id: string; type: string; data: unknown }>(
      `select stream_id, type, data from "${tx.schema}".events
        where stream_type = $1 and stream_id in (
          select stream_id from "${tx.schema}".events where stream_type = $1 and type = 'CallAnswered'
          except
          select stream_id from "${tx.schema}".events where stream_type = $1 and type = 'CallEnded')
        order by stream_id, version`,
      [CALL_STREAM_TYPE],
    );
    const streams = new Map<string, RecordedEvent<CallEvent>[]>();
    for (const r of rows) {
      const events = streams.get(r.stream_id) ?? [];
      events.push(r as unknown as RecordedEvent<CallEvent>);
      streams.set(r.stream_id, events);
    }
    let open = 0;
    for (const events of streams.values()) {
      const row = openCallOf(foldEvents(callDecider, events));
      if (!row) continue;
      await insertOpenCall(tx, row);
      open++;
    }
    return open;
  });
}
