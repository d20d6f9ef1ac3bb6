/**
 * make bench-kafka-consume: what consuming one event costs through @ivr/kafka's runConsumer, beside
 * the floor of the same run (a bare kafkajs consumer that fetches the same events and never commits).
 * For each, a consumer runs in its own process (so its CPU is its own, from process.cpuUsage) and:
 *   1. sits idle for BENCH_IDLE_S seconds: CPU ms/s of the consumer and of the broker, requests/s;
 *   2. gets BENCH_EVENTS events published one at a time at BENCH_RATE/s (as the outbox relay does),
 *      then BENCH_TAIL_MS more (so that commits due by then are counted): CPU ms and Kafka requests
 *      per consumed event, by request type (kafkajs REQUEST instrumentation events).
 * The broker is shared with whatever else runs on the machine: its figure is only as quiet as the
 * machine (the load average is printed beside it). Prints figures; asserts nothing.
 * BENCH_CPU_PROF=DIR writes a CPU profile of each consumer process there.
 */
import '../scripts/load-env';
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import type { EventEnvelope } from '@ivr/contracts';
import { createKafka, KafkaEventPublisher, runConsumer } from '@ivr/kafka';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { infraPid } from './cpu/accounts';
import { CLOCK_TICKS_PER_S, readStat } from './cpu/proc';
import { commitOfTree } from './figures';
import { fmt, printColumns, printTable } from './stats';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 400);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 10);
const TAIL_MS = Number(process.env.BENCH_TAIL_MS ?? 2000);
const PARTITIONS = 3;
const CPU_PROF = process.env.BENCH_CPU_PROF;

type Mode = 'runConsumer' | 'bare kafkajs (no commits)';
const MODES: Mode[] = ['runConsumer', 'bare kafkajs (no commits)'];

/** What the consumer process reports: its CPU µs and requests by API since it started counting. */
interface Mark {
  consumed: number;
  cpuUs: number;
  requests: Record<string, number>;
}

type ToWorker = { kind: 'mark' } | { kind: 'stop' };
type FromWorker = { kind: 'ready' } | ({ kind: 'mark' } & Mark) | { kind: 'stopped' };

const brokersFromEnv = (): string[] => (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);

// ---- the consumer process ----------------------------------------------------------------------

/** Counts every request of the consumers and producers this Kafka instance makes, by API name. */
function countRequests(kafka: Kafka, requests: Record<string, number>): void {
  const onRequest = ({ payload }: { payload: { apiName: string } }) => {
    requests[payload.apiName] = (requests[payload.apiName] ?? 0) + 1;
  };
  const countConsumer = (c: Consumer) => c.on(c.events.REQUEST, onRequest);
  const countProducer = (p: Producer) => p.on(p.events.REQUEST, onRequest);
  const consumer = kafka.consumer.bind(kafka);
  const producer = kafka.producer.bind(kafka);
  kafka.consumer = (config) => {
    const c = consumer(config);
    countConsumer(c);
    return c;
  };
  kafka.producer = (config) => {
    const p = producer(config);
    countProducer(p);
    return p;
  };
}

async function worker(mode: Mode, topic: string, deadLetterTopic: string, groupId: string): Promise<void> {
  const send = (m: FromWorker) => process.send?.(m);
  const requests: Record<string, number> = {};
  let consumed = 0;
  const kafka = createKafka({ brokers: brokersFromEnv(), clientId: 'bench-kafka-consume' });
  countRequests(kafka, requests);
  let stop: () => Promise<void>;
  if (mode === 'runConsumer') {
    const running = await runConsumer({
      kafka,
      groupId,
      topics: [topic],
      deadLetterTopic,
      handle: async () => void consumed++,
    });
    stop = () => running.stop();
  } else {
    const consumer = kafka.consumer({
      groupId,
      maxWaitTimeInMs: 1000,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({ autoCommit: false, eachMessage: async () => void consumed++ });
    stop = () => consumer.disconnect();
  }
  process.on('message', async (m: ToWorker) => {
    if (m.kind === 'mark') {
      const cpu = process.cpuUsage();
      send({ kind: 'mark', consumed, cpuUs: cpu.user + cpu.system, requests: { ...requests } });
    } else {
      await stop();
      // Exiting writes the CPU profile, if one was asked for.
      process.send?.({ kind: 'stopped' } satisfies FromWorker, () => process.exit(0));
    }
  });
  send({ kind: 'ready' });
}

// ---- the benchmark -----------------------------------------------------------------------------

interface Phase {
  seconds: number;
  consumed: number;
  cpuMs: number;
  brokerMs: number | undefined;
  requests: Record<string, number>;
}

const brokerTicks = (pid: number | undefined): number | undefined => {
  const s = pid === undefined ? undefined : readStat(pid);
  return s === undefined ? undefined : s.own + s.children;
};

function envelope(i: number): EventEnvelope {
  return {
    specVersion: 1,
    eventId: randomUUID(),
    type: 'BenchHappened',
    aggregateType: 'Bench',
    aggregateId: `bench-${i}`,
    version: 1,
    occurredAt: new Date().toISOString(),
    payload: { orderId: `order-${i}`, amount: 12345, currency: 'JPY', note: 'x'.repeat(200) },
  };
}

async function measureMode(
  mode: Mode,
  publisher: KafkaEventPublisher,
  deadLetterTopic: string,
  tag: string,
): Promise<{ idle: Phase; steady: Phase }> {
  const name = mode === 'runConsumer' ? 'ours' : 'bare';
  const topic = `bench.kafka-consume.${tag}.${name}`;
  const child = fork(__filename, ['worker', mode, topic, deadLetterTopic, `bench-kafka-consume-${tag}-${name}`], {
    // BENCH_CPU_PROF=DIR: a .cpuprofile of each consumer process (draw with tsx bench/flame.ts DIR).
    execArgv: [...process.execArgv, ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : [])],
    stdio: 'inherit',
  });
  const inbox: FromWorker[] = [];
  const waiters: Array<() => void> = [];
  child.on('message', (m: FromWorker) => {
    inbox.push(m);
    waiters.shift()?.();
  });
  const next = async <K extends FromWorker['kind']>(kind: K): Promise<Extract<FromWorker, { kind: K }>> => {
    for (;;) {
      const i = inbox.findIndex((m) => m.kind === kind);
      if (i >= 0) return inbox.splice(i, 1)[0] as Extract<FromWorker, { kind: K }>;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  const kafkaPid = infraPid('kafka');
  const mark = async () => {
    child.send({ kind: 'mark' } satisfies ToWorker);
    const m = await next('mark');
    return { ...m, at: performance.now(), broker: brokerTicks(kafkaPid) };
  };
  const phase = (a: Awaited<ReturnType<typeof mark>>, b: Awaited<ReturnType<typeof mark>>): Phase => {
    const requests: Record<string, number> = {};
    for (const [api, n] of Object.entries(b.requests)) {
      const d = n - (a.requests[api] ?? 0);
      if (d > 0) requests[api] = d;
    }
    return {
      seconds: (b.at - a.at) / 1000,
      consumed: b.consumed - a.consumed,
      cpuMs: (b.cpuUs - a.cpuUs) / 1000,
      brokerMs:
        a.broker === undefined || b.broker === undefined
          ? undefined
          : ((b.broker - a.broker) * 1000) / CLOCK_TICKS_PER_S,
      requests,
    };
  };

  try {
    await next('ready');
    await new Promise((r) => setTimeout(r, 2000)); // first fetches, offsets resolved
    const m0 = await mark();
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const m1 = await mark();
    const started = Date.now();
    for (let i = 0; i < EVENTS; i++) {
      const wait = started + (i * 1000) / RATE - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const e = envelope(i);
      await publisher.publish([{ topic, key: e.aggregateId, envelope: e }]);
    }
    const deadline = Date.now() + 30_000;
    let m2 = await mark();
    while (m2.consumed - m1.consumed < EVENTS && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      m2 = await mark();
    }
    await new Promise((r) => setTimeout(r, TAIL_MS));
    const m3 = await mark();
    child.send({ kind: 'stop' } satisfies ToWorker);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await next('stopped');
    await exited;
    return { idle: phase(m0, m1), steady: phase(m1, m3) };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

async function main(): Promise<void> {
  const brokers = brokersFromEnv();
  if (brokers.length === 0) throw new Error('run `make up-infra` first (KAFKA_BROKERS)');
  const loadBefore = loadavg()[0]!;
  const tag = randomBytes(3).toString('hex');
  const kafka = createKafka({ brokers, clientId: 'bench-kafka-consume-main' });
  const admin = kafka.admin();
  await admin.connect();
  const deadLetterTopic = `bench.kafka-consume.${tag}.dlq`;
  const topics = [
    { topic: deadLetterTopic, numPartitions: 1 },
    { topic: `bench.kafka-consume.${tag}.ours`, numPartitions: PARTITIONS },
    { topic: `bench.kafka-consume.${tag}.bare`, numPartitions: PARTITIONS },
  ];
  await admin.createTopics({ topics, waitForLeaders: true });
  // A loaded broker can answer UNKNOWN_TOPIC_OR_PARTITION for a moment after creating a topic.
  for (let tries = 0; ; tries++) {
    const ok = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) }).then(
      (m) => m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)),
      () => false,
    );
    if (ok || tries > 100) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const publisher = new KafkaEventPublisher(kafka);
  await publisher.connect();
  const results = new Map<Mode, { idle: Phase; steady: Phase }>();
  try {
    for (const mode of MODES) results.set(mode, await measureMode(mode, publisher, deadLetterTopic, tag));
  } finally {
    await publisher.disconnect();
    await admin.deleteTopics({ topics: topics.map((t) => t.topic) }).catch(() => {});
    await admin.deleteGroups(['ours', 'bare'].map((name) => `bench-kafka-consume-${tag}-${name}`)).catch(() => {});
    await admin.disconnect();
  }

  printTable(`Kafka consume cost: ${EVENTS} events at ${RATE}/s over ${PARTITIONS} partitions`, [
    ['commit', commitOfTree()],
    ['load average (1 min) before / after', `${fmt(loadBefore)} / ${fmt(loadavg()[0]!)}`],
    ['broker pid', String(infraPid('kafka') ?? 'not found (broker CPU not measured)')],
  ]);
  const apis = [
    ...new Set([...results.values()].flatMap((r) => Object.keys({ ...r.steady.requests, ...r.idle.requests }))),
  ].sort();
  const perEvent = (p: Phase, n: number) => (p.consumed > 0 ? fmt(n / p.consumed, 2) : '-');
  const perSecond = (p: Phase, n: number) => fmt(n / p.seconds, 2);
  const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  printColumns(
    'per consumed event (steady phase, idle cost included)',
    ['events', 'CPU ms/event', 'broker ms/event', 'requests/event', ...apis],
    MODES.map((mode) => {
      const p = results.get(mode)!.steady;
      return [
        mode,
        String(p.consumed),
        perEvent(p, p.cpuMs),
        p.brokerMs === undefined ? '-' : perEvent(p, p.brokerMs),
        perEvent(p, total(p.requests)),
        ...apis.map((api) => perEvent(p, p.requests[api] ?? 0)),
      ];
    }),
  );
  printColumns(
    'idle (no events)',
    ['seconds', 'CPU ms/s', 'broker ms/s', 'requests/s', ...apis],
    MODES.map((mode) => {
      const p = results.get(mode)!.idle;
      return [
        mode,
        fmt(p.seconds),
        perSecond(p, p.cpuMs),
        p.brokerMs === undefined ? '-' : perSecond(p, p.brokerMs),
        perSecond(p, total(p.requests)),
        ...apis.map((api) => perSecond(p, p.requests[api] ?? 0)),
      ];
    }),
  );
}

if (process.argv[2] === 'worker') {
  const [, , , mode, topic, deadLetterTopic, groupId] = process.argv;
  worker(mode as Mode, topic!, deadLetterTopic!, groupId!).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
