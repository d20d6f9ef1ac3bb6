/** authorization wiring: configuration, database, Kafka, PSP, gRPC, reconciler. No logic lives here. */
import { join } from 'node:path';
import { readConfig } from '@ivr/config';
import {
  checkDatabase,
  createPgPool,
  EventStore,
  isMigrateCommand,
  migrate,
  OutboxRelay,
  runMigrateCommand,
} from '@ivr/eventstore';
import { createKafka, KafkaEventPublisher, kafkaClientOptions } from '@ivr/kafka';
import { CircuitBreaker, StripeConnector } from '@ivr/psp';
import { loadOrExit, runService } from '@ivr/runtime';
import { authorizationService } from './adapters/grpc/authorization-service';
import { startGrpcServer } from './adapters/grpc/server';
import { AuthorizationRepository } from './adapters/pg/authorization-repository';
import { ResilientGateway } from './adapters/psp/resilient-gateway';
import { Authorizations } from './application/authorizations';
import { startReconciler } from './application/reconciler';
import { loadConfig, migrateConfigSpec } from './config';

const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

// `main.js migrate` (the chart's migration Job): apply the migrations and exit, nothing else.
if (isMigrateCommand()) {
  void runMigrateCommand({
    service: 'authorization',
    dir: MIGRATIONS_DIR,
    settings: () => {
      const { databaseUrl, dbSchema } = readConfig(migrateConfigSpec());
      return { databaseUrl, schema: dbSchema };
    },
  }).then((code) => process.exit(code));
} else {
  serve();
}

/** The service itself: everything but the migrate subcommand. */
function serve(): void {
  const config = loadOrExit('authorization', () => loadConfig());
  const DB_SCHEMA = config.dbSchema;

  void runService({
    service: 'authorization',
    adminPort: config.adminPort,
    async start(ctx) {
      const pool = createPgPool(config.databaseUrl, { applicationName: 'authorization', max: 20 });
      ctx.onStop('database pool', () => pool.end());
      await checkDatabase(pool);
      await migrate(pool, { schema: DB_SCHEMA, dir: MIGRATIONS_DIR });
      const store = new EventStore(pool, { schema: DB_SCHEMA });

      const kafka = createKafka({ ...kafkaClientOptions(config, 'authorization'), logger: ctx.logger });
      const publisher = new KafkaEventPublisher(kafka);
      await publisher.connect();
      ctx.onStop('kafka publisher', () => publisher.disconnect());
      if (config.outboxRelayEnabled) {
        const relay = new OutboxRelay({ pool, schema: DB_SCHEMA, publisher, logger: ctx.logger });
        relay.start();
        ctx.onStop('outbox relay', () => relay.stop());
      }

      const pspCalls = ctx.telemetry.meter.createCounter('authorization_psp_calls_total', {
        description: 'Calls to the PSP by operation and outcome',
      });
      const gateway = new ResilientGateway(
        new StripeConnector({ baseUrl: config.pspBaseUrl, apiKey: config.pspApiKey, timeoutMs: config.pspTimeoutMs }),
        new CircuitBreaker({ failureThreshold: config.breakerFailures, openMs: config.breakerOpenMs }),
        { retries: config.pspRetries, retryDelayMs: config.pspRetryDelayMs },
        { onCall: (operation, outcome) => pspCalls.add(1, { operation, outcome }) },
      );
      const authorizations = new Authorizations({
        repository: new AuthorizationRepository(store, config.topic),
        gateway,
        now: () => new Date(),
        idempotencyWindowMs: config.idempotencyWindowMs,
      });

      const reconciler = startReconciler({
        authorizations,
        intervalMs: config.reconcileIntervalMs,
        afterMs: config.reconcileAfterMs,
        logger: ctx.logger,
      });
      ctx.onStop('reconciler', () => reconciler.stop());

      const grpc = await startGrpcServer(
        `0.0.0.0:${config.grpcPort}`,
        authorizationService(authorizations, ctx.logger),
        {
          logger: ctx.logger,
        },
      );
      ctx.onStop('grpc server', () => grpc.stop());
      ctx.logger.info({ grpc_port: grpc.port, psp: config.pspBaseUrl }, 'authorization listening');
    },
  });
}
