/**
 * `make demo`: one payment through the running product (after `make up`), printing what each party
 * sees. Grows with the product: today a payment request reaching notification through Kafka.
 */
import './load-env';
import { Pool } from 'pg';

const API = process.env.DEMO_API_URL ?? 'http://127.0.0.1:8080';

async function main(): Promise<void> {
  const orderId = `demo-${new Date().toISOString().replace(/[-:.TZ]/g, '')}`;
  console.log(`order system → POST ${API}/v1/payments (order ${orderId}, 12,345 JPY)`);
  const res = await fetch(`${API}/v1/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId, amount: 12345, currency: 'JPY' }),
  });
  const payment = (await res.json()) as { id: string };
  console.log(`order-link answered ${res.status}:`, payment);

  const db = new Pool({ connectionString: process.env.NOTIFICATION_DATABASE_URL });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await db.query(
        'select type, version, received_at from notification.payment_events where payment_id = $1',
        [payment.id],
      );
      if (rows.length > 0) {
        console.log('notification received through ivr.payments.v1:', rows);
        return;
      }
      if (Date.now() > deadline)
        throw new Error('notification did not receive the payment within 30 s (see .var/logs/)');
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await db.end();
  }
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
