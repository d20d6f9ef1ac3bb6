// The raw ceilings of this machine's infrastructure, for benchmarks to print beside their own
// figures: plain PostgreSQL INSERTs (one row per transaction, no event store) and Kafka's own
// ProducerPerformance tool from the broker's jars. bench-eventstore and bench-system share them.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { runFor } from './stats';

/** A payload about the size of the platform's events. */
export const BENCH_PAYLOAD = { orderId: 'order-000123', amount: 12345, currency: 'JPY', note: 'x'.repeat(200) };

/**
 * Plain INSERTs/s into a fresh table of `schema` (which must exist) on `concurrency` lanes for
 * `durationMs`: one round trip per row, the floor under any append.
 */
export async function plainInsertCeiling(
  pool: Pool,
  schema: string,
  durationMs: number,
  concurrency: number,
): Promise<number> {
  await pool.query(
    `create table if not exists "${schema}".plain (id bigserial primary key, stream_id text, data jsonb)`,
  );
  const inserts = await runFor(durationMs, concurrency, async (lane) => {
    await pool.query(`insert into "${schema}".plain (stream_id, data) values ($1, $2)`, [
      `lane-${lane}`,
      BENCH_PAYLOAD,
    ]);
  });
  return inserts / (durationMs / 1000);
}

/**
 * Records/s of Kafka's own producer benchmark into `topic` (which must exist), with an envelope's
 * record size and the platform's durability (acks=all, idempotent).
 */
export function producerPerformanceCeiling(broker: string, topic: string, records: number): number {
  const size = Buffer.byteLength(JSON.stringify(BENCH_PAYLOAD)) + 300; // about an envelope's size
  const out = execFileSync(
    join(__dirname, '..', 'scripts', 'kafka.sh'),
    [
      'run-class',
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(size),
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${broker}`,
      'acks=all',
      'enable.idempotence=true',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const last = out.trim().split('\n').at(-1) ?? '';
  const m = /([\d.]+) records\/sec/.exec(last);
  if (!m) throw new Error(`could not read ProducerPerformance output: ${last}`);
  return Number(m[1]);
}
