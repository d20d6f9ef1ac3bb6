import type { Server } from 'node:http';
import { join } from 'node:path';
import { Topics } from '@ivr/contracts';
import { checkDatabase, createPgPool, OutboxRelay } from '@ivr/eventstore';
import { createKafka, KafkaEventPublisher } from '@ivr/kafka';
import { runService } from '@ivr/runtime';
import express from 'express';
import { loadConsoleConfig, mountConsole } from './adapters/http/console';
import { buildConsoleDeps } from './adapters/http/console/wire';
import { createHttpApp } from './adapters/http/server';
import { ExpirySweeper } from './adapters/jobs/expiry-sweeper';
import { startProcessManager } from './adapters/kafka/process-manager-consumer';
import { DB_SCHEMA, loadConfig } from './config';
import { buildCore } from './wiring';

const config = loadConfig();
const consoleConfig = loadConsoleConfig();

void runService({
  service: 'order-link',
  adminPort: config.adminPort,
  async start(ctx) {
    const log = ctx.logger;
    const pool = createPgPool(config.databaseUrl, { applicationName: 'order-link', max: 20 });
    ctx.onStop('postgres', () => pool.end());
    await checkDatabase(pool);
    const core = await buildCore({
      pool,
      schema: DB_SCHEMA,
      transferCodeTtlMs: config.transferCodeTtlSeconds * 1000,
      transferCodeLength: config.transferCodeLength,
    });
    ctx.addReadinessCheck('postgres', async () => {
      await pool.query('select 1');
      return true;
    });

    const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: 'order-link', logger: log });
    if (config.outboxRelayEnabled) {
      const publisher = new KafkaEventPublisher(kafka);
      await publisher.connect();
      ctx.onStop('kafka publisher', () => publisher.disconnect());
      const relay = new OutboxRelay({ pool, schema: DB_SCHEMA, publisher, logger: log });
      relay.start();
      ctx.onStop('outbox relay', () => relay.stop());
    }
    const consumer = await startProcessManager(kafka, core.payments, log, config.consumerGroup);
    ctx.onStop('process manager', () => consumer.stop());

    const sweeper = new ExpirySweeper(core.queries, core.payments, core.clock, log, config.expirySweepIntervalMs);
    sweeper.start();
    ctx.onStop('expiry sweeper', () => sweeper.stop());

    const api = createHttpApp({ ...core.routeDeps, keyRepository: core.keyRepository, logger: log });
    // The operator console (/console) sits in front of the REST API, which answers everything else.
    const app = express();
    app.disable('x-powered-by');
    const operatorConsole = buildConsoleDeps(core, pool, DB_SCHEMA, consoleConfig, log);
    ctx.onStop('console', operatorConsole.stop);
    mountConsole(app, operatorConsole.deps, join(__dirname, '..', 'console', 'dist'));
    app.use(api);
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.httpPort, () => resolve(s));
      s.once('error', reject);
    });
    ctx.onStop('http', () => new Promise<void>((resolve) => server.close(() => resolve())));
    log.info({ httpPort: config.httpPort, topics: [Topics.calls, Topics.authorizations] }, 'order-link started');
  },
});
