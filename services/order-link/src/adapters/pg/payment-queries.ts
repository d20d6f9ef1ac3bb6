import type { Pool } from 'pg';
import type { ListFilter, PaymentReads, Transaction, TransferCodes } from '../../app/ports';
import type { Payment } from '../../payment';
import { prepared } from './prepared';

/** Reads of the `payments` read model. */
export class PaymentQueries implements PaymentReads {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async get(paymentId: string): Promise<Payment | null> {
    const { rows } = await this.pool.query<{ state: Payment }>(
      `select state from "${this.schema}".payments where payment_id = $1`,
      [paymentId],
    );
    return rows[0]?.state ?? null;
  }

  async findByOrderId(orderSystem: string, orderId: string): Promise<Payment | null> {
    const { rows } = await this.pool.query<{ state: Payment }>(
      `select state from "${this.schema}".payments where order_system = $1 and order_id = $2
        order by created_at desc, payment_id desc limit 1`,
      [orderSystem, orderId],
    );
    return rows[0]?.state ?? null;
  }

  /** Newest first; asks for one more row than the page to know whether another page exists. */
  async list(f: ListFilter): Promise<{ payments: Payment[]; more: boolean }> {
    const where = ['order_system = $1'];
    const args: unknown[] = [f.orderSystem];
    const add = (sql: string, value: unknown) => {
      args.push(value);
      where.push(sql.replace('?', `$${args.length}`));
    };
    if (f.status) add('status = ?', f.status);
    if (f.orderId) add('order_id = ?', f.orderId);
    if (f.createdFrom) add('created_at >= ?', f.createdFrom);
    if (f.createdTo) add('created_at < ?', f.createdTo);
    if (f.after) {
      args.push(f.after.createdAt, f.after.paymentId);
      where.push(`(created_at, payment_id) < ($${args.length - 1}::timestamptz, $${args.length})`);
    }
    args.push(f.limit + 1);
    const { rows } = await this.pool.query<{ state: Payment }>(
      `select state from "${this.schema}".payments where ${where.join(' and ')}
        order by created_at desc, payment_id desc limit $${args.length}`,
      args,
    );
    return { payments: rows.slice(0, f.limit).map((r) => r.state), more: rows.length > f.limit };
  }

  /** Payments whose unused transfer code is past its expiry: the sweeper expires them. */
  async dueForExpiry(now: Date, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ payment_id: string }>(
      `select payment_id from "${this.schema}".payments where status = 'REQUESTED' and transfer_code_expires_at <= $1
        order by transfer_code_expires_at limit $2`,
      [now, limit],
    );
    return rows.map((r) => r.payment_id);
  }

  /** The payment a live transfer code belongs to, or null. */
  async resolveTransferCode(code: string): Promise<{ paymentId: string; expiresAt: Date } | null> {
    const { rows } = await this.pool.query<{ payment_id: string; expires_at: Date }>(
      `select payment_id, expires_at from "${this.schema}".transfer_codes where code = $1`,
      [code],
    );
    const row = rows[0];
    return row ? { paymentId: row.payment_id, expiresAt: row.expires_at } : null;
  }
}

/**
 * Reserves a transfer code for a payment inside its creation transaction. A code still held by a
 * live payment is refused (false); one whose holder expired is taken over.
 */
async function reserveTransferCode(
  tx: Transaction,
  code: string,
  paymentId: string,
  now: Date,
  expiresAt: Date,
): Promise<boolean> {
  const { rowCount } = await tx.client.query(
    prepared(
      `insert into "${tx.schema}".transfer_codes (code, payment_id, expires_at) values ($1, $2, $3)
       on conflict (code) do update set payment_id = excluded.payment_id, expires_at = excluded.expires_at
         where transfer_codes.expires_at <= $4`,
      [code, paymentId, expiresAt, now],
    ),
  );
  return rowCount === 1;
}

export const transferCodes: TransferCodes = { reserve: reserveTransferCode };
