// Wiring only. PostgreSQL event store + outbox relay to ivr.calls.v1, gRPC clients of the vault
// (mTLS), authorization and order-link, and the SIP endpoint whose calls run the dialogue.
// SIGTERM: /readyz answers 503, new INVITEs get 503 + Retry-After, calls in progress finish (up to
// SIP_DRAIN_TIMEOUT_MS) and their events are stored, then the rest stops.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '@ivr/config';
import type { CaptureProgressedPayload } from '@ivr/contracts';
import { AuthorizationServiceClient } from '@ivr/contracts/authorization/v1';
import { TransferCodeServiceClient } from '@ivr/contracts/orderlink/v1';
import { VaultServiceClient } from '@ivr/contracts/vault/v1';
import { EventStore, OutboxRelay, serviceMigrations } from '@ivr/eventstore';
import { createClient, loadTls } from '@ivr/grpc';
import { createKafka, KafkaEventPublisher, kafkaClientOptions } from '@ivr/kafka';
import { runService, type ServiceContext } from '@ivr/runtime';
import { type DialOptions, type SipStats, SipUserAgent } from '@ivr/sip';
import { GrpcAuthorization, GrpcBridge, GrpcPayments, GrpcVault, VaultReplicas } from './adapters/grpc';
import { KafkaLiveProgress } from './adapters/kafka/live-progress';
import { consumeOperatorRequests } from './adapters/kafka/operator-requests';
import { CallOwnership } from './adapters/pg/call-ownership';
import { CallRecorder } from './adapters/pg/call-recorder';
import { PgCallStreams } from './adapters/pg/call-streams';
import { answerCall, UnresolvedCalls } from './app/answer-call';
import { OperatorRequestInbox } from './app/operator-requests';
import { startRecoveryLoop } from './app/recovery-loop';
import { DB_SCHEMA, loadConfig, migrateConfigSpec, sipOptions } from './config';
import { CallerHungUp } from './dialogue';

void runService({
  service: 'call-control',
  config: loadConfig,
  migrations: serviceMigrations({
    dir: join(__dirname, '..', 'migrations'),
    settings: () => ({ databaseUrl: readConfig(migrateConfigSpec()).databaseUrl, schema: DB_SCHEMA }),
  }),
  adminPort: (config) => config.adminPort,
  drainTimeoutMs: (config) => config.drainTimeoutMs + 15_000,
  hookTimeoutMs: (config) => config.drainTimeoutMs + 10_000,
  async start(ctx) {
    const { config, logger: log } = ctx;
    const { pool } = ctx.database;
    const store = new EventStore(pool, { schema: DB_SCHEMA });

    const kafka = createKafka({ ...kafkaClientOptions(config, 'call-control'), logger: log });
    // The operator's console requests (agent-assisted calls), for the dialogues this instance runs.
    const requests = new OperatorRequestInbox();
    const requestsConsumer = await consumeOperatorRequests({
      kafka,
      groupId: config.operatorRequestsGroup,
      inbox: requests,
      logger: log,
      onFailed: ctx.fail,
    });
    ctx.onStop('operator requests consumer', () => requestsConsumer.stop());
    // Each key of a card field, live to the operator's screen (not stored): a producer of its own, so
    // that the relay's batches never hold a key back.
    let live: (progress: CaptureProgressedPayload) => void = () => {};
    if (config.outboxRelayEnabled) {
      const livePublisher = new KafkaEventPublisher(kafka);
      await livePublisher.connect();
      const liveProgress = new KafkaLiveProgress(livePublisher, log);
      live = liveProgress.publish;
      ctx.onStop('live progress publisher', async () => {
        await liveProgress.flush();
        await livePublisher.disconnect();
      });
      const publisher = new KafkaEventPublisher(kafka);
      await publisher.connect();
      ctx.onStop('kafka publisher', () => publisher.disconnect());
      const relay = new OutboxRelay({ pool, schema: DB_SCHEMA, publisher, logger: log });
      relay.start();
      // Runs after the calls drained: their last events (returned, ended) go out before the relay stops.
      ctx.onStop('outbox relay', async () => {
        const until = Date.now() + 5000;
        while (Date.now() < until && (await relay.lag()).pending > 0) await new Promise((r) => setTimeout(r, 100));
        await relay.stop();
      });
    }

    const tls = loadTls(config.certsDir, 'call-control');
    // Calls wait for a (re)connecting channel within their deadline; a restarted service is found again fast.
    const channelOptions = { 'grpc.initial_reconnect_backoff_ms': 200, 'grpc.max_reconnect_backoff_ms': 2000 };
    // One client per vault replica: a session's calls all go to the replica that opened it.
    const vaultClients = config.vaultAddresses.map((address) =>
      createClient(VaultServiceClient, address, {
        tls,
        serverName: config.vaultServerName,
        deadlineMs: config.vaultDeadlineMs,
        channelOptions,
      }),
    );
    const vaults = new VaultReplicas(vaultClients);
    // authorization and order-link hold no call: a target naming several replicas (a headless Service's
    // dns:/// name, or ipv4:a,b) gets its calls spread over all of them, one that fails passed over.
    const spread = {
      ...channelOptions,
      'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
    };
    const authorizationClient = createClient(AuthorizationServiceClient, config.authorizationAddress, {
      tls,
      serverName: config.authorizationServerName,
      deadlineMs: config.authorizationDeadlineMs,
      channelOptions: spread,
    });
    const orderLinkClient = createClient(TransferCodeServiceClient, config.orderLinkAddress, {
      tls,
      serverName: config.orderLinkServerName,
      deadlineMs: config.orderLinkDeadlineMs,
      channelOptions: spread,
    });
    ctx.onStop('grpc clients', () => {
      for (const c of [...vaultClients, authorizationClient, orderLinkClient]) c.close();
    });

    const authorization = new GrpcAuthorization(authorizationClient, config.authorizationDeadlineMs);
    // A fresh owner id per process: after a crash the restarted process is a new instance, and the
    // old one's calls are found lost once its heartbeat is stale (by any instance, this one included).
    const instanceId = randomUUID();
    const recovery = await startRecoveryLoop({
      calls: new PgCallStreams(store),
      ownership: new CallOwnership(pool, DB_SCHEMA),
      fence: authorization,
      instanceId,
      staleMs: config.callOwnerStaleMs,
      heartbeatMs: config.callOwnerHeartbeatMs,
      sweepMs: config.callRecoveryIntervalMs,
      log,
    });
    ctx.onStop('call recovery', () => recovery.stop());
    ctx.addReadinessCheck('call ownership heartbeat', () => recovery.healthy());
    log.info({ instance_id: instanceId }, 'call-control instance registered');

    const vault = new GrpcVault(vaults, {
      unaryMs: config.vaultDeadlineMs,
      playMs: config.vaultPlayDeadlineMs,
      registerMs: config.vaultRegisterDeadlineMs,
    });
    const bridge = new GrpcBridge(vaults, config.vaultDeadlineMs);
    // Calls refused by the dialogue's side (the user agent counts its own): reason → count.
    const refusedHere = new Map<string, number>();
    const deps = {
      vault,
      live,
      authorization,
      payments: new GrpcPayments(orderLinkClient, config.orderLinkDeadlineMs, config.defaultLanguage),
      clock: {
        now: () => Date.now(),
        sleep: (ms: number, signal: AbortSignal) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, ms);
            signal.addEventListener('abort', () => {
              clearTimeout(timer);
              reject(new CallerHungUp());
            });
          }),
      },
      config: config.dialogue,
      transferCode: {
        pattern: config.transferCodeRegExp,
        ...(config.transferCodeHeader ? { header: config.transferCodeHeader } : {}),
      },
      newCallId: randomUUID,
      instanceId,
      recorder: (callId: string) => new CallRecorder(store, callId, log),
      log,
      unresolved: new UnresolvedCalls(config.maxUnresolvedCalls, config.sipBusyRetryAfterSeconds),
      refused: (reason: string) => refusedHere.set(reason, (refusedHere.get(reason) ?? 0) + 1),
      bridge,
      requests,
      // The operator's leg is placed by the same user agent (below), through the PBX.
      dialer: { dial: (options: DialOptions) => ua.dial(options) },
      operatorCalls: {
        ringTimeoutMs: config.operatorRingTimeoutMs,
        ...(config.sipOutboundProxy ? { outboundProxy: config.sipOutboundProxy } : {}),
      },
    };

    // Dialogues in progress, so that a drain waits for their last events to be stored.
    const dialogues = new Set<Promise<void>>();
    // SIP over TLS: the same certificate as the gRPC clients' (CN call-control), its CA for the SBC's.
    const sipTls =
      config.sipTlsPort === undefined
        ? undefined
        : { key: tls.key, cert: tls.cert, ca: config.sipTlsCaFile ? readFileSync(config.sipTlsCaFile) : tls.ca };
    const ua = new SipUserAgent({ ...sipOptions(config, sipTls), logger: log });
    ua.on('incomingCall', (call) => {
      const dialogue = answerCall(call, deps).catch((err: Error) =>
        log.error({ sip_call_id: call.callId, err: err.message }, 'call failed'),
      );
      dialogues.add(dialogue);
      void dialogue.finally(() => dialogues.delete(dialogue));
    });
    await ua.start();
    log.info(
      { sip_port: ua.port, tcp: config.sipTcp, tls_port: ua.tlsPort },
      `SIP listening on ${config.sipHost}:${ua.port}${ua.tlsPort ? ` (TLS on ${ua.tlsPort})` : ''}`,
    );
    ctx.addReadinessCheck('sip', () => !ua.draining);
    exposeSipStats(ctx, () => ua.stats(), refusedHere);
    ctx.onStop('sip', async () => {
      ua.drain();
      log.info({ active_calls: ua.activeCalls }, 'draining SIP: new calls get 503');
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, config.drainTimeoutMs);
      });
      await Promise.race([Promise.all([ua.whenIdle(), ...dialogues]), deadline]);
      clearTimeout(timer);
      await ua.stop();
      await Promise.all(dialogues);
    });
  },
});

/**
 * SIP counters on /metrics: sip_<name>_total, the sip_active_calls gauge, and sip_refused_total by
 * reason (who may call: untrusted source, bad credentials, per-source cap, TLS handshake; and the calls
 * without a payment over their bound, counted by the dialogue's side in `refusedHere`).
 */
function exposeSipStats(ctx: ServiceContext, stats: () => SipStats, refusedHere: Map<string, number>): void {
  const meter = ctx.telemetry.meter;
  const { activeCalls: _, refused: __, ...counters } = stats();
  for (const name of Object.keys(counters) as Array<keyof typeof counters>) {
    const snake = name.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`);
    meter
      .createObservableCounter(`sip_${snake}_total`, { description: `SIP ${snake.replace(/_/g, ' ')}` })
      .addCallback((result) => result.observe(stats()[name]));
  }
  meter
    .createObservableGauge('sip_active_calls', { description: 'calls from INVITE until they end' })
    .addCallback((result) => result.observe(stats().activeCalls));
  meter
    .createObservableCounter('sip_refused_total', { description: 'SIP requests and calls refused, by reason' })
    .addCallback((result) => {
      for (const [reason, count] of Object.entries(stats().refused)) result.observe(count, { reason });
      for (const reason of ['unresolved-calls', 'srtp-crypto-refused'])
        result.observe(refusedHere.get(reason) ?? 0, { reason });
    });
}
