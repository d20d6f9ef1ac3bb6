import type { Pool } from 'pg';
import type { Watchers } from '../../app/ports';

/** payment id → operator, so that call events (which carry only the payment id) reach the right screen. */
export class PaymentWatchers implements Watchers {
  private readonly cache = new Map<string, string | null>();

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  async remember(paymentId: string, orderSystem: string, operatorId: string | null): Promise<void> {
    this.cache.set(paymentId, operatorId);
    await this.pool.query(
      `insert into "${this.schema}".payment_watchers (payment_id, order_system, operator_id) values ($1, $2, $3)
       on conflict (payment_id) do nothing`,
      [paymentId, orderSystem, operatorId],
    );
  }

  async operatorOf(paymentId: string): Promise<string | null> {
    const cached = this.cache.get(paymentId);
    if (cached !== undefined) return cached;
    const { rows } = await this.pool.query<{ operator_id: string | null }>(
      `select operator_id from "${this.schema}".payment_watchers where payment_id = $1`,
      [paymentId],
    );
    const operator = rows[0]?.operator_id ?? null;
    if (rows[0]) this.cache.set(paymentId, operator);
    if (this.cache.size > 50_000) this.cache.clear(); // bounded: the table is the truth
    return operator;
  }
}
