import type { Pool } from 'pg';
import type { IdempotencyKeys, StoredResponse, Transaction } from '../../app/ports';
import { prepared } from './prepared';

/** The first answer to each (order system, Idempotency-Key), replayed for the same request. */
export class IdempotencyRepository implements IdempotencyKeys {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async find(orderSystem: string, key: string): Promise<StoredResponse | null> {
    const { rows } = await this.pool.query<{
      method_path: string;
      request_sha256: string;
      status: number;
      response: unknown;
    }>(
      `select method_path, request_sha256, status, response from "${this.schema}".idempotency_keys
        where order_system = $1 and idempotency_key = $2`,
      [orderSystem, key],
    );
    const r = rows[0];
    return r
      ? { methodPath: r.method_path, requestSha256: r.request_sha256, status: r.status, response: r.response }
      : null;
  }

  /** In the transaction that made the answer, so that an answer is never recorded without its effect. */
  async record(tx: Transaction, orderSystem: string, key: string, stored: StoredResponse): Promise<void> {
    await tx.client.query(
      prepared(
        `insert into "${this.schema}".idempotency_keys (order_system, idempotency_key, method_path, request_sha256, status, response)
         values ($1, $2, $3, $4, $5, $6)`,
        [orderSystem, key, stored.methodPath, stored.requestSha256, stored.status, JSON.stringify(stored.response)],
      ),
    );
  }
}

/** Outside a transaction, for operations that are idempotent by themselves (cancel, key creation). */
export async function recordOutsideTransaction(
  pool: Pool,
  schema: string,
  orderSystem: string,
  key: string,
  stored: StoredResponse,
): Promise<void> {
  await pool.query(
    `insert into "${schema}".idempotency_keys (order_system, idempotency_key, method_path, request_sha256, status, response)
     values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
    [orderSystem, key, stored.methodPath, stored.requestSha256, stored.status, JSON.stringify(stored.response)],
  );
}
