import { type EventMetadata, type EventStore, foldEvents, handleCommand, type RecordedEvent } from '@ivr/eventstore';
import type { AuthorizationStore } from '../../app/ports';
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
 * kept in the same transaction. A concurrent writer makes it decide again on fresh state.
 */
export class AuthorizationRepository implements AuthorizationStore {
  constructor(
    private readonly store: EventStore,
    /** ivr.authorizations.v1 (Topics.authorizations); tests give their own. */
    private readonly topic: string,
  ) {}

  async load(paymentId: string): Promise<AuthorizationState> {
    const history = await this.store.readStream(paymentId);
    return foldEvents(authorizationDecider, history as RecordedEvent<AuthorizationEvent>[]);
  }

  async execute(
    paymentId: string,
    command: AuthorizationCommand,
    metadata: EventMetadata = {},
  ): Promise<{ state: AuthorizationState; events: AuthorizationEvent[] }> {
    const { state, events } = await handleCommand(this.store, authorizationDecider, paymentId, command, {
      streamType: STREAM_TYPE,
      outbox: { topic: this.topic },
      metadata,
      inTransaction: async (tx, { next }) => {
        if (next.status === 'PENDING') {
          await tx.client.query(
            `insert into "${tx.schema}".pending_authorizations (payment_id) values ($1) on conflict do nothing`,
            [paymentId],
          );
        } else {
          await tx.client.query(`delete from "${tx.schema}".pending_authorizations where payment_id = $1`, [paymentId]);
        }
        if (next.pendingOperationId) {
          await tx.client.query(
            `insert into "${tx.schema}".pending_operations (payment_id, operation_id) values ($1, $2)
               on conflict (payment_id) do update set operation_id = excluded.operation_id, since = now()
               where pending_operations.operation_id <> excluded.operation_id`,
            [paymentId, next.pendingOperationId],
          );
        } else {
          await tx.client.query(`delete from "${tx.schema}".pending_operations where payment_id = $1`, [paymentId]);
        }
      },
    });
    return { state, events };
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
