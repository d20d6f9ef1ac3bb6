/** authorization wiring: configuration, database, Kafka, PSP, gRPC, reconciler. No logic lives here. */
import { join } from 'node:path';
import { readConfig } from '@ivr/config';
import { EventStore, OutboxRelay, serviceMigrations } from '@ivr/eventstore';
import { loadTls } from '@ivr/grpc';
import { createKafka, KafkaEventPublisher, kafkaClientOptions } from '@ivr/kafka';
import { runService } from '@ivr/runtime';
import { authorizationService } from './adapters/grpc/authorization-service';
import { startGrpcServer } from './adapters/grpc/server';
import { AuthorizationRepository } from './adapters/pg/authorization-repository';
import { gatewaysFromConfig } from './adapters/psp/from-config';
import { Authorizations } from './app/authorizations';
import { startReconciler } from './app/reconciler';
import { loadConfig, migrateConfigSpec } from './config';

void runService({
  service: 'authorization',
  config: loadConfig,
  migrations: serviceMigrations({
    dir: join(__dirname, '..', 'migrations'),
    settings: () => {
      const { databaseUrl, dbSchema } = readConfig(migrateConfigSpec());
      return { databaseUrl, schema: dbSchema };
    },
    maxConnections: 20,
  }),
  adminPort: (config) => config.adminPort,
  async start(ctx) {
    const { config } = ctx;
    const { pool, schema } = ctx.database;
    const store = new EventStore(pool, { schema });

    const kafka = createKafka({ ...kafkaClientOptions(config, 'authorization'), logger: ctx.logger });
    const publisher = new KafkaEventPublisher(kafka);
    await publisher.connect();
    ctx.onStop('kafka publisher', () => publisher.disconnect());
    if (config.outboxRelayEnabled) {
      const relay = new OutboxRelay({ pool, schema, publisher, logger: ctx.logger });
      relay.start();
      ctx.onStop('outbox relay', () => relay.stop());
    }

    const pspCalls = ctx.telemetry.meter.createCounter('authorization_psp_calls_total', {
      description: 'Calls to the PSP by operation and outcome',
    });
    const tls = loadTls(config.certsDir, 'authorization');
    const psp = gatewaysFromConfig(config, tls, {
      onCall: (operation, outcome, provider) => pspCalls.add(1, { operation, outcome, provider }),
    });
    ctx.onStop('psp accounts client', () => psp.close());
    const authorizations = new Authorizations({
      repository: new AuthorizationRepository(store, config.topic),
      gateways: psp.gateways,
      now: () => new Date(),
    });

    const reconciler = startReconciler({
      authorizations,
      intervalMs: config.reconcileIntervalMs,
      afterMs: config.reconcileAfterMs,
      logger: ctx.logger,
    });
    ctx.onStop('reconciler', () => reconciler.stop());

    const grpc = await startGrpcServer(`0.0.0.0:${config.grpcPort}`, authorizationService(authorizations, ctx.logger), {
      logger: ctx.logger,
      tls,
      allowedClients: config.allowedClients,
    });
    ctx.onStop('grpc server', () => grpc.stop());
    ctx.logger.info({ grpc_port: grpc.port, psp: config.pspProvider }, 'authorization listening');
  },
});
