import { readConfig } from '@ivr/config';
import { Topics } from '@ivr/contracts';
import { serviceMigrations } from '@ivr/eventstore';
import { createKafka, kafkaClientOptions, runConsumer } from '@ivr/kafka';
import { runService, serveHttp } from '@ivr/runtime';
import { createNotificationHttp } from './adapters/http/server';
import { deliveryHandler, liveHandler } from './app/handlers';
import { DB_SCHEMA, loadConfig, migrateConfigSpec } from './config';
import { buildCore, MIGRATIONS_DIR } from './wiring';

void runService({
  service: 'notification',
  config: loadConfig,
  migrations: serviceMigrations({
    dir: MIGRATIONS_DIR,
    settings: () => ({ databaseUrl: readConfig(migrateConfigSpec()).databaseUrl, schema: DB_SCHEMA }),
    maxConnections: 20,
    readinessCheck: true,
  }),
  adminPort: (config) => config.adminPort,
  async start(ctx) {
    const { config, logger: log } = ctx;
    const { pool } = ctx.database;
    const policy = {
      baseDelayMs: config.webhookBaseDelayMs,
      maxDelayMs: config.webhookMaxDelayMs,
      retryWindowMs: config.webhookRetryWindowMs,
    };
    const core = await buildCore({
      pool,
      schema: DB_SCHEMA,
      migrated: true,
      policy,
      timeoutMs: config.webhookTimeoutMs,
      concurrency: config.webhookConcurrency,
      pollIntervalMs: config.webhookPollMs,
      logger: log,
      meter: ctx.telemetry.meter,
      destinations: { allowLoopback: config.webhookAllowLoopback },
      secretKeys: config.webhookSecretKeys,
    });

    core.dispatcher.start();
    ctx.onStop('webhook dispatcher', () => core.dispatcher.stop());

    const kafka = createKafka({ ...kafkaClientOptions(config, 'notification'), logger: log });
    const deliveries = await runConsumer({
      kafka,
      groupId: config.consumerGroup,
      topics: [Topics.payments, Topics.paymentCompleted, Topics.paymentLifecycle],
      fromBeginning: true,
      // Partitions in parallel, each in order: a payment's events keep their order.
      partitionsConsumedConcurrently: 3,
      logger: log,
      onFailed: ctx.fail,
      handle: deliveryHandler({
        deliveries: core.events,
        events: core.events,
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
      // The call's stored events, and each key of a card field (live only: ivr.call-progress.v1).
      topics: [Topics.payments, Topics.calls, Topics.callProgress],
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
    // Open SSE streams would hold close() forever: end them first.
    await serveHttp(ctx, 'http', app, config.httpPort, { endOpenConnections: true });
    log.info({ httpPort: config.httpPort }, 'notification started');
  },
});
