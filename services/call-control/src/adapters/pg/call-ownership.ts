// Instances' heartbeats and the open calls with their owner's silence, measured with the database's
// clock so that clock skew between hosts cannot make a live instance look dead.
import type { Pool } from 'pg';
import type { CallOwnership as Ownership } from '../../app/ports';
import type { OwnedCall } from '../../recovery';

export class CallOwnership implements Ownership {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  /**
   * Refreshes this instance's heartbeat (creates its row on the first beat), with the lease it
   * declares: silent for longer than `staleAfterMs`, its calls are lost.
   */
  async heartbeat(instanceId: string, staleAfterMs: number): Promise<void> {
    await this.pool.query(
      `insert into "${this.schema}".instances (instance_id, stale_after_ms) values ($1, $2)
       on conflict (instance_id) do update set heartbeat_at = now(), stale_after_ms = excluded.stale_after_ms`,
      [instanceId, staleAfterMs],
    );
  }

  /** A clean stop: whatever this instance still owns is treated as lost at once. */
  async retire(instanceId: string): Promise<void> {
    await this.pool.query(`delete from "${this.schema}".instances where instance_id = $1`, [instanceId]);
  }

  /** Open calls of other instances, oldest first, with how long each owner has been silent and may be. */
  async openCallsOfOthers(selfInstanceId: string, limit = 500): Promise<OwnedCall[]> {
    const { rows } = await this.pool.query<{
      call_id: string;
      instance_id: string;
      payment_id: string | null;
      card_captured: boolean;
      authorization_recorded: boolean;
      silent_ms: string | null;
      stale_after_ms: number | null;
    }>(
      `select o.call_id, o.instance_id, o.payment_id, o.card_captured, o.authorization_recorded,
              (extract(epoch from (now() - i.heartbeat_at)) * 1000)::bigint::text as silent_ms, i.stale_after_ms
         from "${this.schema}".open_calls o
         left join "${this.schema}".instances i on i.instance_id = o.instance_id
        where o.instance_id <> $1
        order by o.answered_at
        limit $2`,
      [selfInstanceId, limit],
    );
    return rows.map((r) => ({
      callId: r.call_id,
      instanceId: r.instance_id,
      paymentId: r.payment_id,
      cardCaptured: r.card_captured,
      authorizationRecorded: r.authorization_recorded,
      owner:
        r.silent_ms === null || r.stale_after_ms === null
          ? null
          : { silentMs: Number(r.silent_ms), staleAfterMs: r.stale_after_ms },
    }));
  }

  /** Drops the call from the projection (its stream turned out to be ended already). */
  async forgetCall(callId: string): Promise<void> {
    await this.pool.query(`delete from "${this.schema}".open_calls where call_id = $1`, [callId]);
  }

  /** Deletes rows of instances silent for longer than their lease that own no open call. */
  async forgetDeadInstances(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `delete from "${this.schema}".instances i
        where i.heartbeat_at < now() - make_interval(secs => i.stale_after_ms::double precision / 1000)
          and not exists (select 1 from "${this.schema}".open_calls o where o.instance_id = i.instance_id)`,
    );
    return rowCount ?? 0;
  }
}
