/** authorization wiring: configuration, database, Kafka, PSP, gRPC, reconciler. No logic lives here. */
import { join } from 'node:path';
import { readConfig } from '@ivr/config';
import { EventStore, OutboxRelay, serviceMigrations } from '@ivr/eventstore';
import { loadTls } from '@ivr/grpc';
import { createKafka, KafkaEventPublisher, kafkaClientOptions, startInBackground } from '@ivr/kafka';
import { runService } from '@ivr/runtime';
import { authorizationService } from './adapters/grpc/authorization-service';
import { startGrpcServer } from './adapters/grpc/server';
import { startPaymentRequests } from './adapters/kafka/payment-requests';
import { AuthorizationRepository } from './adapters/pg/authorization-repository';
import { gatewaysFromConfig } from './adapters/psp/from-config';
import { Authorizations } from './app/authorizations';
import { BackgroundCalls } from './app/background';
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
    const attention = ctx.telemetry.meter.createCounter('authorization_operations_needing_attention_total', {
      description: 'Captures, voids and refunds left pending past the PSP key retention: an operator must look',
    });
    const authorizations = new Authorizations({
      repository: new AuthorizationRepository(store, config.topic),
      gateways: psp.gateways,
      now: () => new Date(),
      needsAttention: (paymentId, operationId) => {
        attention.add(1);
        ctx.logger.warn(
          { paymentId, operationId },
          'operation pending past the PSP key retention: check it at the PSP',
        );
      },
    });

    const reconciler = startReconciler({
      authorizations,
      intervalMs: config.reconcileIntervalMs,
      afterMs: config.reconcileAfterMs,
      logger: ctx.logger,
    });
    ctx.onStop('reconciler', () => reconciler.stop());

    // order-link's captures, voids, refunds and merchant-initiated charges (ivr.payments.v1).
    const calls = new BackgroundCalls(config.backgroundCalls, (err) =>
      ctx.logger.warn({ err }, 'a gateway call failed; the reconciler settles it'),
    );
    const requests = startInBackground(
      'payment requests consumer',
      () =>
        startPaymentRequests(kafka, authorizations, calls.schedule, ctx.logger, {
          groupId: config.consumerGroup,
          onFailed: ctx.fail,
        }),
      ctx.signal,
      ctx.logger,
    );
    ctx.onStop('payment requests', async () => {
      await requests.stop();
      await calls.drain();
    });

    const grpc = await startGrpcServer(`0.0.0.0:${config.grpcPort}`, authorizationService(authorizations, ctx.logger), {
      logger: ctx.logger,
      tls,
      allowedClients: config.allowedClients,
    });
    ctx.onStop('grpc server', () => grpc.stop());
    ctx.logger.info({ grpc_port: grpc.port, psp: config.pspProvider }, 'authorization listening');
  },
});
