import {
  type EventMetadata,
  type EventStore,
  type EventStoreTransaction,
  foldEvents,
  handleCommand,
  type RecordedEvent,
} from '@ivr/eventstore';
import type { AuthorizationStore, KnownAuthorization } from '../../app/ports';
import {
  type AuthorizationCommand,
  type AuthorizationEvent,
  type AuthorizationState,
  authorizationDecider,
  STREAM_TYPE,
} from '../../authorization';

/**
 * The Authorization aggregate in PostgreSQL: load = fold the stream; execute = @ivr/eventstore's
 * handleCommand, the events going to ivr.authorizations.v1 through the outbox, and the pending list
 * kept in the same transaction. A concurrent writer makes it decide again on fresh state; so does a
 * `known` state that is not the stream's (the append's version check fails, the stream is read).
 */
export class AuthorizationRepository implements AuthorizationStore {
  constructor(
    private readonly store: EventStore,
    /** ivr.authorizations.v1 (Topics.authorizations); tests give their own. */
    private readonly topic: string,
  ) {}

  async load(paymentId: string): Promise<AuthorizationState> {
    return (await this.read(paymentId)).state;
  }

  async read(paymentId: string): Promise<KnownAuthorization> {
    const history = await this.store.readStream(paymentId);
    return {
      state: foldEvents(authorizationDecider, history as RecordedEvent<AuthorizationEvent>[]),
      version: history.length,
    };
  }

  async execute(
    paymentId: string,
    command: AuthorizationCommand,
    metadata: EventMetadata = {},
    known?: KnownAuthorization,
  ): Promise<{ state: AuthorizationState; events: AuthorizationEvent[]; version: number }> {
    // The pending lists' statements are not awaited: they go on the wire with the append and its COMMIT
    // (one round trip). One that fails aborts the transaction, so the append fails: its error is reported.
    const sent: Promise<void>[] = [];
    let failed: { error: unknown } | undefined;
    const write = (tx: EventStoreTransaction, text: string, values: string[]) => {
      sent.push(
        tx.client.query(text, values).then(
          () => undefined,
          (error: unknown) => {
            failed ??= { error };
          },
        ),
      );
    };
    let result: { state: AuthorizationState; events: AuthorizationEvent[]; version: number };
    try {
      result = await handleCommand(this.store, authorizationDecider, paymentId, command, {
        streamType: STREAM_TYPE,
        outbox: { topic: this.topic },
        metadata,
        ...(known ? { known } : {}),
        // The pending lists change in the same transaction as the events, so they are written only when
        // this change moves the payment onto or off them (one statement at most, none for most changes).
        inTransaction: async (tx, { state: before, next }) => {
          const pending = next.status === 'PENDING';
          if (pending !== (before.status === 'PENDING')) {
            write(
              tx,
              pending
                ? `insert into "${tx.schema}".pending_authorizations (payment_id) values ($1) on conflict do nothing`
                : `delete from "${tx.schema}".pending_authorizations where payment_id = $1`,
              [paymentId],
            );
          }
          if (next.pendingOperationId === before.pendingOperationId) return;
          if (next.pendingOperationId) {
            write(
              tx,
              `insert into "${tx.schema}".pending_operations (payment_id, operation_id) values ($1, $2)
                 on conflict (payment_id) do update set operation_id = excluded.operation_id, since = now()
                 where pending_operations.operation_id <> excluded.operation_id`,
              [paymentId, next.pendingOperationId],
            );
          } else {
            write(tx, `delete from "${tx.schema}".pending_operations where payment_id = $1`, [paymentId]);
          }
        },
      });
    } catch (error) {
      await Promise.all(sent);
      throw failed ? failed.error : error;
    }
    await Promise.all(sent);
    if (failed) throw failed.error;
    return { state: result.state, events: result.events, version: result.version };
  }

  /** Payment ids pending since before `before`, oldest first. */
  async listPending(before: Date, limit: number): Promise<{ paymentId: string; since: Date }[]> {
    const { rows } = await this.store.pool.query<{ payment_id: string; since: Date }>(
      `select payment_id, since from "${this.store.schema}".pending_authorizations
        where since < $1 order by since limit $2`,
      [before, limit],
    );
    return rows.map((r) => ({ paymentId: r.payment_id, since: r.since }));
  }

  async listPendingOperations(
    before: Date,
    limit: number,
  ): Promise<{ paymentId: string; operationId: string; since: Date }[]> {
    const { rows } = await this.store.pool.query<{ payment_id: string; operation_id: string; since: Date }>(
      `select payment_id, operation_id, since from "${this.store.schema}".pending_operations
        where since < $1 order by since limit $2`,
      [before, limit],
    );
    return rows.map((r) => ({ paymentId: r.payment_id, operationId: r.operation_id, since: r.since }));
  }
}
