/**
 * The PCI leak scan: looks for card numbers and security codes in every Kafka topic, every table of
 * every service database and every log file, and reports where (never what: hits show the card
 * masked). Used by the e2e tests after real payment calls, and by `make pan-scan`:
 *
 *   tsx scripts/pan-scan.ts [--since 2026-11-26T10:00:00Z] [--cvv 917,846]
 *
 * Without --since everything is scanned. Card numbers default to the published test cards; a
 * security code is only meaningful next to a card-ish key or as a quoted value, so that is what is
 * looked for (a bare three-digit number occurs everywhere).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

import { PUBLISHED_TEST_PANS } from '../test/fixtures/test-cards';

export interface ScanOptions {
  pans: string[];
  securityCodes?: string[];
  /** Only Kafka records and log files written from then on (tables are scanned whole). */
  since?: Date;
  kafkaBrokers?: string[];
  /** Connection strings; default: every <SERVICE>_DATABASE_URL in the environment but the test database. */
  databaseUrls?: string[];
  logDir?: string;
  /** Default all three. */
  sources?: Array<'kafka' | 'tables' | 'logs'>;
}

export interface Hit {
  source: 'kafka' | 'table' | 'log';
  /** topic/partition@offset, database.schema.table, or the log file's path. */
  location: string;
  kind: 'pan' | 'security-code';
  /** The card number masked (first 6, last 4), or which security code (by position). */
  what: string;
}

interface Needle {
  kind: Hit['kind'];
  what: string;
  pattern: RegExp;
}

/**
 * The card number as it appears inside any base64 text, whatever its byte offset there: for each of
 * the three alignments, the base64 characters that depend on the number's bytes alone.
 */
export function base64Forms(pan: string): string[] {
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(pan, 'ascii')]).toString('base64');
    const firstGroup = Math.ceil(offset / 3);
    const endGroup = Math.floor((offset + pan.length) / 3);
    return encoded.slice(firstGroup * 4, endGroup * 4);
  });
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function needles(opts: ScanOptions): Needle[] {
  const list: Needle[] = [];
  for (const pan of opts.pans) {
    const spaced = pan.split('').join('[ -]?');
    const hex = Buffer.from(pan, 'ascii').toString('hex');
    const base64 = base64Forms(pan).map(escapeRegExp).join('|');
    list.push({
      kind: 'pan',
      what: `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`,
      pattern: new RegExp(`(?<!\\d)(?:${spaced})(?!\\d)|${hex}`, 'i'),
    });
    // Base64 is case-sensitive: its own needle.
    list.push({ kind: 'pan', what: `${pan.slice(0, 6)}…${pan.slice(-4)} (base64)`, pattern: new RegExp(base64) });
  }
  (opts.securityCodes ?? []).forEach((code, i) => {
    list.push({
      kind: 'security-code',
      what: `security code #${i + 1}`,
      pattern: new RegExp(
        `(?:cvc|cvv|csc|security[_ ]?code|card_?code)[^0-9a-z]{0,8}${code}(?!\\d)|"${code}"|=${code}(?:&|$|\\s)`,
        'i',
      ),
    });
  });
  return list;
}

function match(text: string, list: Needle[], source: Hit['source'], location: string, hits: Hit[]): void {
  for (const n of list) if (n.pattern.test(text)) hits.push({ source, location, kind: n.kind, what: n.what });
}

export async function scanForCardData(opts: ScanOptions): Promise<Hit[]> {
  const list = needles(opts);
  const hits: Hit[] = [];
  const sources = opts.sources ?? ['kafka', 'tables', 'logs'];
  if (sources.includes('kafka')) await scanKafka(opts, list, hits);
  if (sources.includes('tables')) await scanTables(opts, list, hits);
  if (sources.includes('logs')) scanLogs(opts, list, hits);
  return hits;
}

async function scanKafka(opts: ScanOptions, list: Needle[], hits: Hit[]): Promise<void> {
  const brokers = opts.kafkaBrokers ?? (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('pan-scan: no Kafka brokers (KAFKA_BROKERS)');
  const kafka = new Kafka({ clientId: `pan-scan-${process.pid}`, brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ranges: Array<{ topic: string; partition: number; from: number; to: number }> = [];
  try {
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
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
        const text = `${message.key?.toString('utf8') ?? ''} ${message.value?.toString('utf8') ?? ''} ${JSON.stringify(
          Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        )}`;
        match(text, list, 'kafka', `${key}@${offset}`, hits);
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

function serviceDatabaseUrls(): string[] {
  return Object.entries(process.env)
    .filter(([k, v]) => /_DATABASE_URL$/.test(k) && k !== 'IVR_TEST_DATABASE_URL' && v)
    .map(([, v]) => v as string);
}

async function scanTables(opts: ScanOptions, list: Needle[], hits: Hit[]): Promise<void> {
  for (const url of opts.databaseUrls ?? serviceDatabaseUrls()) {
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      const name = (await db.query<{ d: string }>('select current_database() as d')).rows[0]?.d ?? url;
      const { rows: tables } = await db.query<{ s: string; t: string }>(
        `select table_schema as s, table_name as t from information_schema.tables
          where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
      );
      for (const { s, t } of tables) {
        const rows = await db.query<{ r: string }>(`select x::text as r from "${s}"."${t}" x`).catch(() => undefined);
        if (!rows) continue; // no privilege on another role's table: not this service's data
        for (const { r } of rows.rows) match(r, list, 'table', `${name}.${s}.${t}`, hits);
      }
    } finally {
      await db.end();
    }
  }
}

function scanLogs(opts: ScanOptions, list: Needle[], hits: Hit[]): void {
  const dir = opts.logDir ?? process.env.IVR_LOG_DIR ?? join(__dirname, '..', '.var', 'logs');
  const walk = (d: string): string[] => {
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return [];
    }
    return entries.flatMap((e) => {
      const p = join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) return walk(p);
      return !opts.since || st.mtime >= opts.since ? [p] : [];
    });
  };
  for (const file of walk(dir)) {
    const text = readFileSync(file, 'utf8');
    match(text, list, 'log', file, hits);
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Outside jest, the infrastructure addresses come from .var/env.json (make up-infra writes it). */
function loadEnvJson(): void {
  const file = join(process.env.IVR_VAR_DIR ?? join(__dirname, '..', '.var'), 'env.json');
  try {
    for (const [k, v] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)) {
      process.env[k] ??= v;
    }
  } catch {
    // no env.json: rely on the environment
  }
}

if (require.main === module) {
  loadEnvJson();
  const since = arg('--since');
  scanForCardData({
    pans: PUBLISHED_TEST_PANS,
    securityCodes: (arg('--cvv') ?? process.env.PAN_SCAN_SECURITY_CODES ?? '').split(',').filter(Boolean),
    ...(since ? { since: new Date(since) } : {}),
  }).then(
    (hits) => {
      for (const h of hits) console.log(`${h.source}\t${h.location}\t${h.kind}\t${h.what}`);
      console.log(hits.length === 0 ? 'pan-scan: no card data found' : `pan-scan: ${hits.length} hit(s)`);
      process.exit(hits.length === 0 ? 0 : 1);
    },
    (err: Error) => {
      console.error(`pan-scan: ${err.message}`);
      process.exit(2);
    },
  );
}
