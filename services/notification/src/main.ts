import type { Server } from 'node:http';
import { readConfig } from '@ivr/config';
import { Topics } from '@ivr/contracts';
import { checkDatabase, createPgPool, isMigrateCommand, runMigrateCommand } from '@ivr/eventstore';
import { createKafka, kafkaClientOptions, runConsumer } from '@ivr/kafka';
import { loadOrExit, runService } from '@ivr/runtime';
import { createNotificationHttp } from './adapters/http/server';
import { deliveryHandler, liveHandler } from './adapters/kafka/handlers';
import { DB_SCHEMA, loadConfig, migrateConfigSpec } from './config';
import { buildCore, MIGRATIONS_DIR } from './wiring';

// `main.js migrate` (the chart's migration Job): apply the migrations and exit, nothing else.
if (isMigrateCommand()) {
  void runMigrateCommand({
    service: 'notification',
    dir: MIGRATIONS_DIR,
    settings: () => ({ databaseUrl: readConfig(migrateConfigSpec()).databaseUrl, schema: DB_SCHEMA }),
  }).then((code) => process.exit(code));
} else {
  serve();
}

/** The service itself: everything but the migrate subcommand. */
function serve(): void {
  const config = loadOrExit('notification', loadConfig);

  void runService({
    service: 'notification',
    adminPort: config.adminPort,
    async start(ctx) {
      const log = ctx.logger;
      const pool = createPgPool(config.databaseUrl, { applicationName: 'notification', max: 20 });
      ctx.onStop('postgres', () => pool.end());
      await checkDatabase(pool);
      const policy = {
        baseDelayMs: config.webhookBaseDelayMs,
        maxDelayMs: config.webhookMaxDelayMs,
        retryWindowMs: config.webhookRetryWindowMs,
      };
      const core = await buildCore({
        pool,
        schema: DB_SCHEMA,
        policy,
        timeoutMs: config.webhookTimeoutMs,
        concurrency: config.webhookConcurrency,
        pollIntervalMs: config.webhookPollMs,
        logger: log,
        meter: ctx.telemetry.meter,
        destinations: { allowLoopback: config.webhookAllowLoopback },
        secretKeys: config.webhookSecretKeys,
      });
      ctx.addReadinessCheck('postgres', async () => {
        await pool.query('select 1');
        return true;
      });

      core.dispatcher.start();
      ctx.onStop('webhook dispatcher', () => core.dispatcher.stop());

      const kafka = createKafka({ ...kafkaClientOptions(config, 'notification'), logger: log });
      const deliveries = await runConsumer({
        kafka,
        groupId: config.consumerGroup,
        topics: [Topics.payments, Topics.paymentCompleted],
        fromBeginning: true,
        // Partitions in parallel, each in order: a payment's events keep their order.
        partitionsConsumedConcurrently: 3,
        logger: log,
        onFailed: ctx.fail,
        handle: deliveryHandler({
          store: core.store,
          webhooks: core.webhooks,
          watchers: core.watchers,
          retryWindowMs: policy.retryWindowMs,
          now: core.now,
          onEnqueued: () => core.dispatcher.wake(),
          logger: log,
        }),
      });
      ctx.onStop('delivery consumer', () => deliveries.stop());
      const live = await runConsumer({
        kafka,
        groupId: config.liveGroup,
        topics: [Topics.payments, Topics.calls],
        fromBeginning: false,
        partitionsConsumedConcurrently: 3,
        maxAttempts: 3,
        logger: log,
        onFailed: ctx.fail,
        handle: liveHandler(core.hub, core.watchers),
      });
      ctx.onStop('live consumer', () => live.stop());

      const app = createNotificationHttp({
        hub: core.hub,
        webhooks: core.webhooks,
        operatorTokenSecret: config.operatorTokenSecret,
        internalToken: config.internalToken,
        retryWindowMs: policy.retryWindowMs,
        heartbeatMs: config.sseHeartbeatMs,
        now: core.now,
        destinations: { allowLoopback: config.webhookAllowLoopback },
        onRedeliver: () => core.dispatcher.wake(),
        logger: log,
      });
      const server = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(config.httpPort, () => resolve(s));
        s.once('error', reject);
      });
      // Open SSE streams would hold close() forever: end them first.
      ctx.onStop(
        'http',
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      );
      log.info({ httpPort: config.httpPort }, 'notification started');
    },
  });
}
