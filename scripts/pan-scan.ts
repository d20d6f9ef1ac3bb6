/**
 * The PCI leak scan: looks for card numbers and security codes in every Kafka topic, every table of
 * every service database, every log file, every exported trace, and every heap snapshot and memory
 * dump of the services (never of dtmf-vault: scripts/heap-snapshot.ts), and reports where (never
 * what: hits show the card masked). Used by the e2e tests after real payment calls, and by
 * `make pan-scan` (part of `make test`) over everything the tests left:
 *
 *   tsx scripts/pan-scan.ts [--since 2026-11-26T10:00:00Z] [--cvv 917,846] [--sources kafka,tables,logs,traces,heaps]
 *                           [--no-env-json]
 *
 * Without --since everything is scanned. Card numbers default to the published test cards; a
 * security code is only meaningful next to a card-ish key or as a quoted value, so that is what is
 * looked for (a bare three-digit number occurs everywhere). Exit code: 0 clean, 1 hits, 2 failure.
 * What each source is and how to point it at a staging cluster: docs/pci-boundary.md, section 6.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PUBLISHED_TEST_PANS } from '../test/fixtures/test-cards';
import { filesUnder, scanMemoryDump, scanTextFile } from './pan-scan/files';
import { scanKafka } from './pan-scan/kafka';
import { type Hit, HitList, Matcher } from './pan-scan/needles';
import { ScanStats } from './pan-scan/stats';
import { scanTables, serviceDatabaseUrls } from './pan-scan/tables';

export { base64Forms, type Hit } from './pan-scan/needles';
export { ScanStats } from './pan-scan/stats';

const VAR = join(__dirname, '..', '.var');

export type Source = 'kafka' | 'tables' | 'logs' | 'traces' | 'heaps';
export const ALL_SOURCES: Source[] = ['kafka', 'tables', 'logs', 'traces', 'heaps'];

export interface ScanOptions {
  pans: string[];
  securityCodes?: string[];
  /** Only Kafka records and files written from then on (tables are scanned whole). */
  since?: Date;
  kafkaBrokers?: string[];
  /** Connection strings; default: every <SERVICE>_DATABASE_URL in the environment but the test database. */
  databaseUrls?: string[];
  /** Default $IVR_LOG_DIR or .var/logs. */
  logDir?: string;
  /** JSON-lines span files (OTEL_TRACES_FILE); default .var/traces. */
  traceDir?: string;
  /** *.heapsnapshot and *.memdump files; default .var/heap. */
  heapDir?: string;
  /** Default: all of ALL_SOURCES. */
  sources?: Source[];
}

export interface ScanReport {
  hits: Hit[];
  stats: ScanStats;
}

export async function scan(opts: ScanOptions): Promise<ScanReport> {
  const sources = opts.sources ?? ALL_SOURCES;
  const records = new Matcher({ pans: opts.pans, securityCodes: opts.securityCodes ?? [] });
  const heap = new Matcher({ pans: opts.pans, securityCodes: opts.securityCodes ?? [], quotedSecurityCodes: false });
  const memory = new Matcher({
    pans: opts.pans,
    securityCodes: opts.securityCodes ?? [],
    quotedSecurityCodes: false,
    digitBoundaries: false,
  });
  const hits = new HitList();
  const stats = new ScanStats();
  if (sources.includes('kafka')) {
    const brokers = opts.kafkaBrokers ?? (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
    await scanKafka({ brokers, ...(opts.since ? { since: opts.since } : {}) }, records, hits, stats);
  }
  if (sources.includes('tables')) await scanTables(opts.databaseUrls ?? serviceDatabaseUrls(), records, hits, stats);
  if (sources.includes('logs')) {
    const dir = opts.logDir ?? process.env.IVR_LOG_DIR ?? join(VAR, 'logs');
    stats.add('log', 0, 0);
    for (const file of filesUnder(dir, opts.since)) scanTextFile(file, 'log', records, hits, stats);
  }
  if (sources.includes('traces')) {
    stats.add('trace', 0, 0);
    for (const file of filesUnder(opts.traceDir ?? join(VAR, 'traces'), opts.since))
      scanTextFile(file, 'trace', records, hits, stats);
  }
  if (sources.includes('heaps')) {
    const dir = opts.heapDir ?? join(VAR, 'heap');
    stats.add('heap', 0, 0);
    stats.add('memory', 0, 0);
    for (const file of filesUnder(dir, opts.since, (f) => f.endsWith('.heapsnapshot')))
      scanTextFile(file, 'heap', heap, hits, stats);
    for (const file of filesUnder(dir, opts.since, (f) => f.endsWith('.memdump')))
      scanMemoryDump(file, memory, hits, stats);
  }
  return { hits: hits.hits, stats };
}

/** The hits alone (see `scan` for what was read). */
export async function scanForCardData(opts: ScanOptions): Promise<Hit[]> {
  return (await scan(opts)).hits;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Outside jest, the infrastructure addresses come from .var/env.json (make up-infra writes it). */
function loadEnvJson(): void {
  if (process.argv.includes('--no-env-json')) return; // e.g. against a staging cluster: only what is set
  const file = join(process.env.IVR_VAR_DIR ?? VAR, 'env.json');
  try {
    for (const [k, v] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)) {
      process.env[k] ??= v;
    }
  } catch {
    // no env.json: rely on the environment
  }
}

function parseSources(text: string | undefined): Source[] {
  if (!text) return ALL_SOURCES;
  const list = text.split(',').filter(Boolean);
  const unknown = list.filter((s) => !ALL_SOURCES.includes(s as Source));
  if (unknown.length) throw new Error(`unknown source(s) ${unknown.join(', ')}; known: ${ALL_SOURCES.join(', ')}`);
  return list as Source[];
}

async function main(): Promise<number> {
  loadEnvJson();
  const since = arg('--since');
  const started = Date.now();
  const { hits, stats } = await scan({
    pans: PUBLISHED_TEST_PANS,
    securityCodes: (arg('--cvv') ?? process.env.PAN_SCAN_SECURITY_CODES ?? '').split(',').filter(Boolean),
    sources: parseSources(arg('--sources') ?? process.env.PAN_SCAN_SOURCES),
    ...(since ? { since: new Date(since) } : {}),
    ...(process.env.PAN_SCAN_TRACE_DIR ? { traceDir: process.env.PAN_SCAN_TRACE_DIR } : {}),
    ...(process.env.PAN_SCAN_HEAP_DIR ? { heapDir: process.env.PAN_SCAN_HEAP_DIR } : {}),
  });
  console.log(`pan-scan: scanned in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const line of stats.lines()) console.log(`  ${line}`);
  for (const h of hits) console.log(`HIT\t${h.source}\t${h.location}\t${h.kind}\t${h.what}`);
  console.log(hits.length === 0 ? 'pan-scan: no card data found' : `pan-scan: ${hits.length} hit(s)`);
  return hits.length === 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(`pan-scan: ${err.message}`);
      process.exit(2);
    },
  );
}
