/** notification wiring: configuration, database, Kafka consumer. No logic lives here. */
import { join } from 'node:path';
import { Topics } from '@ivr/contracts';
import { checkDatabase, createPgPool, EventStore, migrate } from '@ivr/eventstore';
import { createKafka, runConsumer } from '@ivr/kafka';
import { loadOrExit, runService } from '@ivr/runtime';
import { recordPaymentEvent } from './adapters/pg/payment-events';
import { CONSUMER_GROUP, DB_SCHEMA, loadConfig } from './config';

const config = loadOrExit('notification', loadConfig);

void runService({
  service: 'notification',
  adminPort: config.adminPort,
  async start(ctx) {
    const pool = createPgPool(config.databaseUrl, { applicationName: 'notification' });
    ctx.onStop('database pool', () => pool.end());
    await checkDatabase(pool);
    await migrate(pool, { schema: DB_SCHEMA, dir: join(__dirname, '..', 'migrations') });
    const store = new EventStore(pool, { schema: DB_SCHEMA });

    const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'notification', logger: ctx.logger });
    const consumer = await runConsumer({
      kafka,
      groupId: CONSUMER_GROUP,
      topics: [Topics.payments],
      fromBeginning: true,
      logger: ctx.logger,
      handle: async (envelope) => {
        const isNew = await recordPaymentEvent(store, envelope);
        ctx.logger.info(
          { eventId: envelope.eventId, type: envelope.type, duplicate: !isNew },
          'payment event received',
        );
      },
    });
    ctx.onStop('kafka consumer', () => consumer.stop());
  },
});
