/** order-link wiring: configuration, database, Kafka, outbox relay, HTTP API. No logic lives here. */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { checkDatabase, createPgPool, EventStore, migrate, OutboxRelay } from '@ivr/eventstore';
import { createKafka, KafkaEventPublisher } from '@ivr/kafka';
import { loadOrExit, runService } from '@ivr/runtime';
import express from 'express';
import { paymentsRouter } from './adapters/http/payments-router';
import { DB_SCHEMA, loadConfig } from './config';

const config = loadOrExit('order-link', loadConfig);

void runService({
  service: 'order-link',
  adminPort: config.adminPort,
  async start(ctx) {
    const pool = createPgPool(config.databaseUrl, { applicationName: 'order-link' });
    ctx.onStop('database pool', () => pool.end());
    await checkDatabase(pool);
    await migrate(pool, { schema: DB_SCHEMA, dir: join(__dirname, '..', 'migrations') });
    const store = new EventStore(pool, { schema: DB_SCHEMA });

    const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'order-link', logger: ctx.logger });
    const publisher = new KafkaEventPublisher(kafka);
    await publisher.connect();
    ctx.onStop('kafka publisher', () => publisher.disconnect());
    if (config.outboxRelayEnabled) {
      const relay = new OutboxRelay({ pool, schema: DB_SCHEMA, publisher, logger: ctx.logger, meter: ctx.telemetry.meter });
      relay.start();
      ctx.onStop('outbox relay', () => relay.stop());
    }

    const app = express();
    app.disable('x-powered-by');
    app.use(express.json({ limit: '64kb' }));
    app.use(paymentsRouter(store));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(config.httpPort, resolve));
    ctx.onStop('http server', () => new Promise<void>((resolve) => server.close(() => resolve())));
    ctx.logger.info({ port: config.httpPort }, 'order-link listening');
  },
});
