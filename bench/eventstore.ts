/**
 * make bench-eventstore: what the event store and the outbox cost, beside the raw ceiling of the same
 * infrastructure measured in the same run.
 *   1. appends/s through EventStore.append (one event per command, with outbox) vs plain INSERTs, in
 *      alternating rounds (BENCH_ROUNDS) so that a shared machine's load falls on both alike
 *   2. relay throughput draining a backlog to Kafka vs Kafka's own ProducerPerformance tool
 *   3. append → outbox → relay → Kafka → consumer latency p50/p99 at a steady rate
 * Prints figures; asserts nothing.
 */
import '../scripts/load-env';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createPgPool, EventStore, migrate, OutboxRelay } from '@ivr/eventstore';
import { createKafka, KafkaEventPublisher, runConsumer } from '@ivr/kafka';
import { BENCH_PAYLOAD as PAYLOAD, plainInsertCeiling, producerPerformanceCeiling } from './ceilings';
import { commitOfTree } from './figures';
import { fmt, printTable, runFor, summarize } from './stats';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 16000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const RATE_PER_S = Number(process.env.BENCH_RATE ?? 200);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 20000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
/** Only the appends and the plain INSERTs (for a CPU profile of the append path). */
const APPENDS_ONLY = process.env.BENCH_APPENDS_ONLY === '1';
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 8000);

async function main(): Promise<void> {
  const dbUrl = process.env.IVR_TEST_DATABASE_URL;
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (!dbUrl || brokers.length === 0)
    throw new Error('run `make up-infra` first (IVR_TEST_DATABASE_URL, KAFKA_BROKERS)');
  const loadBefore = loadavg()[0]!;
  const pool = createPgPool(dbUrl, { applicationName: 'bench-eventstore', max: CONCURRENCY + 4 });
  const schema = `bench_${randomBytes(3).toString('hex')}`;
  const topic = `bench.eventstore.${schema}`;
  const kafka = createKafka({ brokers, clientId: 'bench-eventstore' });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 1 }], waitForLeaders: true });
  await migrate(pool, { schema });
  const store = new EventStore(pool, { schema });
  const publisher = new KafkaEventPublisher(kafka);
  await publisher.connect();

  try {
    // 1. Appends vs plain inserts, same concurrency, one row per transaction; in alternating rounds,
    // so that a machine shared with others loads both alike (the ratio is the figure).
    const versions = new Map<number, number>();
    const phaseMs = DURATION_MS / ROUNDS;
    let appendCount = 0;
    let insertCount = 0;
    const rounds: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const inserts = await plainInsertCeiling(pool, schema, phaseMs, CONCURRENCY);
      const appended = await runFor(phaseMs, CONCURRENCY, async (lane) => {
        const v = versions.get(lane) ?? 0;
        await store.append(`lane-${lane}`, v, [{ type: 'BenchEvent', data: PAYLOAD }], {
          streamType: 'Bench',
          outbox: { topic },
        });
        versions.set(lane, v + 1);
      });
      const appendsPerS = appended / (phaseMs / 1000);
      rounds.push(`${fmt(appendsPerS, 0)} / ${fmt(inserts, 0)} = ${fmt(appendsPerS / inserts, 2)}`);
      appendCount += appended;
      insertCount += inserts * (phaseMs / 1000);
    }
    const insertRate = insertCount / (DURATION_MS / 1000);
    const appendRate = appendCount / (DURATION_MS / 1000);
    const loadAfterAppends = loadavg()[0]!;

    const appendRows: Array<[string, string]> = [
      ['commit', commitOfTree()],
      ['appends/s (EventStore.append + outbox)', fmt(appendRate, 0)],
      ['plain INSERTs/s (same concurrency)', fmt(insertRate, 0)],
      ['ratio append / insert', fmt(appendRate / insertRate, 2)],
      ['each round: appends/s / INSERTs/s', rounds.join('; ')],
    ];
    const title = `Event store benchmark (${CONCURRENCY} writers, ${ROUNDS} rounds of ${fmt(phaseMs / 1000)} s inserts then appends, PostgreSQL and Kafka on this machine)`;
    if (APPENDS_ONLY) {
      // For a CPU profile of the append path alone (docs/performance.md says how).
      printTable(title, [
        ...appendRows,
        ['load average (1 min) before / after', `${fmt(loadBefore)} / ${fmt(loadAfterAppends)}`],
      ]);
      return;
    }

    // 2. Relay draining the backlog left by step 1 (topped up to BACKLOG) vs ProducerPerformance.
    const pending = Number(
      (await pool.query(`select count(*) from "${schema}".outbox where published_at is null`)).rows[0].count,
    );
    for (let i = pending; i < BACKLOG; i++) {
      await store.append(`fill-${i % 64}`, 'any', [{ type: 'BenchEvent', data: PAYLOAD }], {
        streamType: 'Bench',
        outbox: { topic },
      });
    }
    const backlog = Number(
      (await pool.query(`select count(*) from "${schema}".outbox where published_at is null`)).rows[0].count,
    );
    const relay = new OutboxRelay({ pool, schema, publisher, batchSize: 500 });
    const t0 = performance.now();
    const drained = await relay.drainOnce();
    const relaySeconds = (performance.now() - t0) / 1000;
    await relay.stop();
    const relayRate = drained / relaySeconds;
    const kafkaRate = producerPerformanceCeiling(brokers[0] as string, topic, backlog);

    // 3. Steady-rate latency, end to end through a consumer group.
    const latencies: number[] = [];
    const consumer = await runConsumer({
      kafka,
      groupId: `bench-${schema}`,
      topics: [topic],
      fromBeginning: false,
      handle: async (envelope) => {
        const sentAt = (envelope.payload as { sentAt?: number }).sentAt;
        if (sentAt) latencies.push(Date.now() - sentAt);
      },
    });
    const live = new OutboxRelay({ pool, schema, publisher, pollIntervalMs: 1000 });
    live.start();
    await new Promise((r) => setTimeout(r, 3000)); // consumer group joins
    const total = Math.round((RATE_PER_S * LATENCY_MS) / 1000);
    const started = Date.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE_PER_S;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sends.push(
        store.append(`steady-${i}`, 'no_stream', [{ type: 'BenchEvent', data: { ...PAYLOAD, sentAt: Date.now() } }], {
          streamType: 'Bench',
          outbox: { topic },
        }),
      );
    }
    await Promise.all(sends);
    const deadline = Date.now() + 30_000;
    while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await live.stop();
    await consumer.stop();
    const lat = summarize(latencies);

    printTable(title, [
      ...appendRows,
      [
        'load average (1 min) before / after appends / at end',
        `${fmt(loadBefore)} / ${fmt(loadAfterAppends)} / ${fmt(loadavg()[0]!)}`,
      ],
      [`relay publish rate (backlog of ${drained})`, `${fmt(relayRate, 0)} events/s`],
      ['Kafka ProducerPerformance (acks=all, idempotent)', `${fmt(kafkaRate, 0)} records/s`],
      ['ratio relay / Kafka ceiling', fmt(relayRate / kafkaRate, 2)],
      [
        `append→consumer latency at ${RATE_PER_S}/s`,
        `p50 ${fmt(lat.p50)} ms, p99 ${fmt(lat.p99)} ms, max ${fmt(lat.max)} ms (n=${lat.n}/${total})`,
      ],
    ]);
  } finally {
    await publisher.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(`bench-eventstore failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
