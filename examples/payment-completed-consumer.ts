/**
 * A minimal order-system consumer of the public topic `ivr.payment-completed.v1` (docs/api/asyncapi.yaml).
 *   KAFKA_BROKERS=127.0.0.1:59092 npx tsx examples/payment-completed-consumer.ts [group-id]
 * Messages are keyed by your order id; delivery is at least once, so deduplicate on `eventId`
 * (here in memory; keep it in your database, in the same transaction as the order update).
 */
import { Kafka, logLevel } from 'kafkajs';

interface PaymentCompleted {
  eventId: string;
  type: string;
  payload: {
    paymentId: string;
    orderId: string;
    orderSystem: string;
    outcome: 'APPROVED' | 'DECLINED' | 'FAILED' | 'CANCELLED' | 'EXPIRED' | 'ABANDONED';
    amount: number;
    currency: string;
    authorizationCode?: string;
    reason?: string;
    card?: { brand: string; last4: string };
  };
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:59092').split(',');
  const kafka = new Kafka({ clientId: 'example-order-system', brokers, logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: process.argv[2] ?? 'example-order-system' });
  const seen = new Set<string>();
  await consumer.connect();
  await consumer.subscribe({ topic: 'ivr.payment-completed.v1', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      let event: PaymentCompleted;
      try {
        event = JSON.parse(String(message.value)) as PaymentCompleted;
      } catch {
        console.error(`skipping a message that is not JSON at offset ${message.offset}`);
        return;
      }
      if (event.type !== 'PaymentCompleted' || seen.has(event.eventId)) return;
      seen.add(event.eventId);
      const p = event.payload;
      const card = p.card ? ` ${p.card.brand} •••• ${p.card.last4}` : '';
      const detail = p.outcome === 'APPROVED' ? `auth ${p.authorizationCode ?? '-'}${card}` : (p.reason ?? '');
      console.log(`order ${p.orderId}: ${p.outcome} ${p.amount} ${p.currency} ${detail}`);
    },
  });
  const stop = async () => {
    await consumer.disconnect();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
