// Every record of every topic (but Kafka's own __ topics), key, value and headers, from the
// beginning or from a point in time to the end offsets read when the scan starts.
import { Kafka, logLevel } from 'kafkajs';
import type { HitList, Matcher } from './needles';
import type { ScanStats } from './stats';

export interface KafkaScan {
  brokers: string[];
  since?: Date;
  /** Leave out topics whose name matches (e.g. a test's own planted topics). */
  skipTopic?: (topic: string) => boolean;
}

export async function scanKafka(opts: KafkaScan, matcher: Matcher, hits: HitList, stats: ScanStats): Promise<void> {
  if (opts.brokers.length === 0) throw new Error('pan-scan: no Kafka brokers (KAFKA_BROKERS)');
  const kafka = new Kafka({ clientId: `pan-scan-${process.pid}`, brokers: opts.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ranges: Array<{ topic: string; partition: number; from: number; to: number }> = [];
  try {
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__') && !opts.skipTopic?.(t));
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const starts = opts.since
        ? await admin.fetchTopicOffsetsByTimestamp(topic, opts.since.getTime())
        : ends.map((e) => ({ partition: e.partition, offset: e.low }));
      for (const end of ends) {
        const from = Number(starts.find((s) => s.partition === end.partition)?.offset ?? end.low);
        const to = Number(end.high);
        if (from >= 0 && from < to) ranges.push({ topic, partition: end.partition, from, to });
      }
    }
  } finally {
    await admin.disconnect();
  }
  stats.add('kafka', 0, 0);
  if (ranges.length === 0) return;
  const pending = new Map(ranges.map((r) => [`${r.topic}/${r.partition}`, r]));
  const consumer = kafka.consumer({ groupId: `pan-scan-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [...new Set(ranges.map((r) => r.topic))], fromBeginning: true });
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const key = `${topic}/${partition}`;
      const range = pending.get(key);
      const offset = Number(message.offset);
      if (!range || offset < range.from) return;
      if (offset < range.to) {
        const headers = Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]);
        const text = `${message.key?.toString('utf8') ?? ''} ${message.value?.toString('utf8') ?? ''} ${JSON.stringify(
          Object.fromEntries(headers),
        )}`;
        stats.add('kafka', 1, Buffer.byteLength(text));
        hits.add('kafka', `${key}@${offset}`, matcher.find(text));
      }
      if (offset >= range.to - 1) {
        pending.delete(key);
        if (pending.size === 0) done();
      }
    },
  });
  for (const r of ranges) consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.from) });
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 120_000).unref());
  const outcome = await Promise.race([finished, timeout]);
  await consumer.disconnect();
  if (outcome === 'timeout') throw new Error(`pan-scan: could not read ${[...pending.keys()].join(', ')} to the end`);
}
