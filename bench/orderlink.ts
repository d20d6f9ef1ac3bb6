/**
 * make bench-orderlink: the order-link/notification figures of issue 5, on the real PostgreSQL and Kafka.
 *   1. payment requests/s through the REST API (POST /v1/payments with an API key, validation,
 *      idempotency, event store + outbox + read model), with request latency p50/p99, sent by wrk in
 *      its own process (bench/orderlink/), beside two ceilings of the same run: wrk against a bare
 *      node:http server, and plain PostgreSQL INSERTs;
 *   2. end-to-end latency from a terminal authorization event on ivr.authorizations.v1 to the signed
 *      webhook arriving at a real HTTP receiver (process manager → outbox → relay → ivr.payment-completed.v1
 *      → notification → dispatcher), p50/p99 at a steady rate.
 * Both services run in this process on fresh schemas of the test database: its CPU is the server's.
 * BENCH_REST_ONLY=1 stops after the first. BENCH_CPU_PROF=DIR writes a V8 CPU profile of this process
 * (order-link's request path and its relay) during the measured wrk run only, ceilings and warm-up left out,
 * as DIR/orderlink-rest.cpuprofile (draw it: tsx bench/flame.ts DIR). Prints figures; asserts nothing.
 */
import '../scripts/load-env';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Topics } from '@ivr/contracts';
import { createPgPool, OutboxRelay } from '@ivr/eventstore';
import { createKafka, KafkaEventPublisher, runConsumer } from '@ivr/kafka';
import { buildCore as buildNotification, deliveryHandler } from '@ivr/notification/in-process';
import { buildCore as buildOrderLink, createHttpApp, startProcessManager } from '@ivr/order-link/in-process';
import { plainInsertCeiling } from './ceilings';
import { commitOfTree } from './figures';
import { runWrk } from './orderlink/wrk';
import { fmt, printTable, summarize } from './stats';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const LATENCY_SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const RATE_PER_S = Number(process.env.BENCH_RATE ?? 50);
/** Only the REST figures (for a CPU profile of the request path: wrk is another process, so the profile is the server's). */
const REST_ONLY = process.env.BENCH_REST_ONLY === '1';
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Profiles this process while `run` runs (when BENCH_CPU_PROF names a folder), into DIR/<name>.cpuprofile. */
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  if (!CPU_PROF_DIR) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(CPU_PROF_DIR, { recursive: true });
    writeFileSync(join(CPU_PROF_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

const listen = (handler: RequestListener): Promise<Server> =>
  new Promise((resolve) => {
    const s = createServer(handler);
    s.keepAliveTimeout = 60_000;
    s.listen(0, '127.0.0.1', () => resolve(s));
  });

async function main(): Promise<void> {
  const dbUrl = process.env.IVR_TEST_DATABASE_URL;
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (!dbUrl || brokers.length === 0)
    throw new Error('run `make up-infra` first (IVR_TEST_DATABASE_URL, KAFKA_BROKERS)');
  const tag = randomBytes(3).toString('hex');
  const pool = createPgPool(dbUrl, { applicationName: 'bench-orderlink', max: CONCURRENCY + 8 });
  const olSchema = `bench_ol_${tag}`;
  const nSchema = `bench_nt_${tag}`;
  const orderSystem = `bench-${tag}`;
  const kafka = createKafka({ brokers, clientId: `bench-orderlink-${tag}`, logger: silent });
  const stops: Array<() => Promise<unknown>> = [];

  try {
    // order-link: core, REST API, outbox relay, process manager
    const ol = await buildOrderLink({ pool, schema: olSchema });
    const api = await listen(createHttpApp({ ...ol.routeDeps, keyRepository: ol.keyRepository, logger: silent }));
    stops.push(() => new Promise((r) => api.close(r)));
    const base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const { key } = await ol.apiKeys.issue(orderSystem, 'bench', ['payments:read', 'payments:write'], 'bench');
    const publisher = new KafkaEventPublisher(kafka);
    await publisher.connect();
    stops.push(() => publisher.disconnect());
    const relay = new OutboxRelay({ pool, schema: olSchema, publisher, pollIntervalMs: 200 });
    relay.start();
    stops.push(() => relay.stop());
    const pm = await startProcessManager(kafka, ol.payments, silent, {
      groupId: `bench-pm-${tag}`,
      fromBeginning: false,
    });
    stops.push(() => pm.stop());

    // notification: core, delivery consumer, dispatcher, one healthy receiver
    const nt = await buildNotification({
      pool,
      schema: nSchema,
      policy: { baseDelayMs: 1000, maxDelayMs: 10_000, retryWindowMs: 3_600_000 },
      timeoutMs: 5000,
      concurrency: 50,
      pollIntervalMs: 200,
      logger: silent,
      destinations: { allowLoopback: true }, // the receiver is on this machine
      secretKeys: `bench:${randomBytes(32).toString('base64')}`,
    });
    const arrivals = new Map<string, number>();
    const receiver = await listen((req, res): void => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c;
      });
      req.on('end', () => {
        arrivals.set((JSON.parse(body) as { data: { paymentId: string } }).data.paymentId, performance.now());
        res.writeHead(204).end();
      });
    });
    stops.push(() => new Promise((r) => receiver.close(r)));
    await nt.webhooks.createEndpoint(
      orderSystem,
      `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
      'bench',
      new Date(),
    );
    nt.dispatcher.start();
    stops.push(() => nt.dispatcher.stop());
    const deliveries = await runConsumer({
      kafka,
      groupId: `bench-nt-${tag}`,
      topics: [Topics.paymentCompleted],
      partitionsConsumedConcurrently: 3,
      logger: silent,
      handle: deliveryHandler({
        deliveries: nt.events,
        events: nt.events,
        watchers: nt.watchers,
        retryWindowMs: 3_600_000,
        now: () => new Date(),
        onEnqueued: () => nt.dispatcher.wake(),
        logger: silent,
      }),
    });
    stops.push(() => deliveries.stop());

    // 1. REST throughput, from wrk in its own process; beside the ceilings of the same run: plain
    // INSERTs into PostgreSQL, and wrk against a bare node:http server that answers 201 at once.
    let n = 0;
    const createOne = async (): Promise<string> => {
      const res = await fetch(`${base}/v1/payments`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${key}`,
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({
          orderId: `B-${tag}-${n++}`,
          amount: 12345,
          currency: 'JPY',
          mode: 'CAPTURE',
          language: 'ja',
          returnSipAddress: 'sip:op-1@pbx.example.com',
        }),
      });
      const body = (await res.json()) as { paymentId: string };
      if (res.status !== 201) throw new Error(`POST /v1/payments answered ${res.status}`);
      return body.paymentId;
    };
    const loadBefore = loadavg()[0]!;
    const insertRate = await plainInsertCeiling(pool, olSchema, 4000, 16);
    const bare = await listen((_req, res) => {
      _req.resume();
      _req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"paymentId":"pay_x"}'));
    });
    stops.push(() => new Promise((r) => bare.close(r)));
    const httpCeiling = await runWrk(
      `http://127.0.0.1:${(bare.address() as AddressInfo).port}`,
      key,
      `${tag}c`,
      CONCURRENCY,
      4,
    );
    await runWrk(base, key, `${tag}w`, CONCURRENCY, 2); // warm-up
    // What the process spends with no request (relay and dispatcher polls, consumers' fetches, timers):
    // per request it weighs more the fewer requests a loaded machine lets through, so it is shown apart.
    await new Promise((r) => setTimeout(r, 1000)); // the warm-up's events published
    const idleFrom = process.cpuUsage();
    const idleStart = performance.now();
    await new Promise((r) => setTimeout(r, 3000));
    const idleUsage = process.cpuUsage(idleFrom);
    const idleMsPerS = (idleUsage.user + idleUsage.system) / (performance.now() - idleStart);
    const cpuBefore = process.cpuUsage();
    const rest = await profiled('orderlink-rest', () => runWrk(base, key, `${tag}r`, CONCURRENCY, DURATION_MS / 1000));
    const cpu = process.cpuUsage(cpuBefore);
    const created = Number(
      (await pool.query(`select count(*) from "${olSchema}".payments where order_id like $1`, [`B-${tag}r-%`])).rows[0]
        .count,
    );
    const errors = Object.entries(rest.errors).filter(([, v]) => v > 0);
    printTable(
      `REST API: POST /v1/payments from wrk (another process), ${CONCURRENCY} connections, ${fmt(rest.seconds)} s`,
      [
        ['commit', commitOfTree()],
        ['requests/s', fmt(rest.requests / rest.seconds)],
        ['payments stored (read model rows of the run)', String(created)],
        ['latency p50 / p99 / max (ms)', `${fmt(rest.p50Ms, 1)} / ${fmt(rest.p99Ms, 1)} / ${fmt(rest.maxMs, 1)}`],
        ['errors', errors.length ? errors.map(([k, v]) => `${k} ${v}`).join(', ') : 'none'],
        // The server (with the relay, process manager and notification) is this process; wrk is not.
        ['server process CPU per request (ms)', fmt((cpu.user + cpu.system) / 1000 / rest.requests, 2)],
        [
          '  of which user / system (ms)',
          `${fmt(cpu.user / 1000 / rest.requests, 2)} / ${fmt(cpu.system / 1000 / rest.requests, 2)}`,
        ],
        [
          '  without the idle cost (ms)',
          fmt(((cpu.user + cpu.system) / 1000 - idleMsPerS * rest.seconds) / rest.requests, 2),
        ],
        ['server process CPU with no requests (ms per s)', fmt(idleMsPerS, 1)],
        ['wrk CPU per request (ms)', fmt((rest.cpuSeconds * 1000) / rest.requests, 3)],
        ['ceiling: wrk → bare node:http answering 201, requests/s', fmt(httpCeiling.requests / httpCeiling.seconds, 0)],
        ['ceiling: plain PostgreSQL INSERTs/s (16 lanes)', fmt(insertRate, 0)],
        [
          'machine load average (1 min) before / after / cores',
          `${fmt(loadBefore, 1)} / ${fmt(loadavg()[0]!, 1)} / ${cpus().length}`,
        ],
      ],
    );
    if (REST_ONLY) return;

    // 2. Terminal authorization event → webhook
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    stops.push(() => producer.disconnect());
    const approve = async (paymentId: string): Promise<number> => {
      const t0 = performance.now();
      await producer.send({
        topic: Topics.authorizations,
        acks: -1,
        messages: [
          {
            key: paymentId,
            value: JSON.stringify({
              specVersion: 1,
              eventId: randomUUID(),
              type: 'AuthorizationApproved',
              aggregateType: 'Authorization',
              aggregateId: paymentId,
              version: 2,
              occurredAt: new Date().toISOString(),
              payload: {
                paymentId,
                mode: 'CAPTURE',
                amount: 12345,
                currency: 'JPY',
                authorizationCode: 'A1',
                pspReference: 'pi_b',
                captured: true,
              },
            }),
          },
        ],
      });
      return t0;
    };
    const waitFor = async (paymentId: string, ms: number) => {
      const end = Date.now() + ms;
      while (!arrivals.has(paymentId)) {
        if (Date.now() > end) return false;
        await new Promise((r) => setTimeout(r, 5));
      }
      return true;
    };
    // Warm-up: until both consumer groups have joined, an event may wait for the join.
    for (let i = 0; i < 30; i++) {
      const id = await createOne();
      await approve(id);
      if (await waitFor(id, 10_000)) break;
    }
    const ids: string[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) ids.push(await createOne());
    const sent = new Map<string, number>();
    for (const id of ids) {
      sent.set(id, await approve(id));
      await new Promise((r) => setTimeout(r, 1000 / RATE_PER_S));
    }
    for (const id of ids) await waitFor(id, 30_000);
    const e2e = summarize(ids.filter((id) => arrivals.has(id)).map((id) => arrivals.get(id)! - sent.get(id)!));
    printTable(`Authorization event → webhook, ${LATENCY_SAMPLES} payments at ${RATE_PER_S}/s`, [
      ['p50 (ms)', fmt(e2e.p50, 1)],
      ['p99 (ms)', fmt(e2e.p99, 1)],
      ['max (ms)', fmt(e2e.max, 1)],
      ['delivered', `${e2e.n}/${LATENCY_SAMPLES}`],
    ]);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await pool.query(`drop schema if exists "${olSchema}" cascade`);
    await pool.query(`drop schema if exists "${nSchema}" cascade`);
    await pool.end();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
