import { join } from 'node:path';
import { readConfig } from '@ivr/config';
import { Topics } from '@ivr/contracts';
import { OutboxRelay, serviceMigrations } from '@ivr/eventstore';
import { loadTls } from '@ivr/grpc';
import { createKafka, KafkaEventPublisher, kafkaClientOptions, startInBackground } from '@ivr/kafka';
import { runService, serveHttp } from '@ivr/runtime';
import { startGrpcServer } from './adapters/grpc/server';
import { loadConsoleConfig } from './adapters/http/console';
import { buildConsoleDeps } from './adapters/http/console/wire';
import { createEntryApp } from './adapters/http/entry';
import { createHttpApp } from './adapters/http/server';
import { ExpirySweeper } from './adapters/jobs/expiry-sweeper';
import { startProcessManager } from './adapters/kafka/process-manager-consumer';
import { DB_SCHEMA, loadConfig, migrateConfigSpec } from './config';
import { buildCore, MIGRATIONS_DIR } from './wiring';

void runService({
  service: 'order-link',
  config: () => ({ ...loadConfig(), console: loadConsoleConfig() }),
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
    const core = await buildCore({
      pool,
      schema: DB_SCHEMA,
      migrated: true,
      transferCodeTtlMs: config.transferCodeTtlSeconds * 1000,
      transferCodeLength: config.transferCodeLength,
      notification: { baseUrl: config.notificationUrl, token: config.notificationToken },
      meter: ctx.telemetry.meter,
      ...(config.pspAccountKeys ? { pspAccountKeys: config.pspAccountKeys } : {}),
      settleWaitMs: config.settleWaitMs,
    });
    // Credentials under an older key are sealed again with the current one (rotation, docs/runbook.md).
    const atRest = await core.pspAccountStore.sealAtRest();
    if (atRest.resealed > 0) log.info(atRest, 'PSP account credentials sealed with the current key');
    if (atRest.unreadable > 0)
      log.warn(atRest, 'PSP accounts under keys missing from PSP_ACCOUNT_KEYS: their payments fail');

    const kafka = createKafka({ ...kafkaClientOptions(config, 'order-link'), logger: log });
    if (config.outboxRelayEnabled) {
      const publisher = new KafkaEventPublisher(kafka);
      await publisher.connect();
      ctx.onStop('kafka publisher', () => publisher.disconnect());
      const relay = new OutboxRelay({ pool, schema: DB_SCHEMA, publisher, logger: log, meter: ctx.telemetry.meter });
      relay.start();
      ctx.onStop('outbox relay', () => relay.stop());
    }
    // The API serves without the process manager, and joining its group can take a session timeout
    // after a crash (the dead member must expire): it starts in the background, retrying.
    const processManager = startInBackground(
      'process manager',
      () => startProcessManager(kafka, core.payments, log, { groupId: config.consumerGroup, onFailed: ctx.fail }),
      ctx.signal,
      log,
    );
    ctx.onStop('process manager', () => processManager.stop());

    const sweeper = new ExpirySweeper(core.queries, core.payments, core.clock, log, config.expirySweepIntervalMs);
    sweeper.start();
    ctx.onStop('expiry sweeper', () => sweeper.stop());

    const api = createHttpApp({
      ...core.routeDeps,
      keyRepository: core.keyRepository,
      logger: log,
      rateLimits: { perKeyPerMinute: config.apiRateLimitPerKey, perSourcePerMinute: config.apiRateLimitPerSource },
    });
    // The operator console (/console) sits in front of the REST API, which answers everything else.
    const operatorConsole = buildConsoleDeps(core, pool, DB_SCHEMA, config.console, log);
    ctx.onStop('console', operatorConsole.stop);
    const app = createEntryApp({
      api,
      console: { deps: operatorConsole.deps, assetsDir: join(__dirname, '..', 'console', 'dist') },
      trustedProxies: config.trustedProxies,
      hstsMaxAgeSeconds: config.hstsMaxAgeSeconds,
    });
    await serveHttp(ctx, 'http', app, config.httpPort);
    const grpc = await startGrpcServer(
      `0.0.0.0:${config.grpcPort}`,
      {
        payments: core.paymentsApp,
        operations: core.operations,
        keys: core.keyRepository,
        pspAccounts: core.pspAccounts,
      },
      {
        tls: loadTls(config.certsDir, 'order-link'),
        transferCodeClients: config.transferCodeClients,
        orderSystemClients: config.orderSystemClients,
        pspAccountClients: config.pspAccountClients,
        pspSiteOnlyClients: config.pspSiteOnlyClients,
        logger: log,
      },
    );
    ctx.onStop('grpc', () => grpc.stop());

    log.info(
      { grpcPort: config.grpcPort, httpPort: config.httpPort, topics: [Topics.calls, Topics.authorizations] },
      'order-link started',
    );
  },
});
