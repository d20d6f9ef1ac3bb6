// Runs SIPp (Debian's sip-tester 3.6) with bench/sipp/payment-call.xml: one call per transfer code,
// placed at a steady rate, into a folder of its own under .var/bench/sipp/. Reads back what SIPp
// wrote (per-call events of the scenario's <log> actions, its statistics file) and the CPU SIPp
// used, from /proc/<pid>/stat while it runs (the generator's cost, apart from the system's).
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@ivr/testkit/ports';
import type { CallerSchedule } from './caller-media';

const SCENARIO = path.join(__dirname, 'payment-call.xml');
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS_PER_S = 100;

export interface SippCall {
  /** The transfer code, the INVITE's Request-URI user. */
  code: string;
  /** Added to the pause before the card number (the hold phase parks calls there). */
  parkMs?: number;
}

/** When (ms since the epoch) a call reached each point of the scenario; absent if it never did. */
export interface SippCallTimes {
  invite?: number;
  answered?: number;
  lastkey?: number;
  refer?: number;
  bye?: number;
}

export interface SippRun {
  /** Per transfer code. */
  calls: Map<string, SippCallTimes>;
  successful: number;
  failed: number;
  /** SIPp's own failure counters that are not zero, e.g. "FailedUnexpectedMessage 3". */
  sippFailures: string;
  retransmissions: number;
  /** Most calls SIPp had open at once (its CurrentCall, sampled each second). */
  peakConcurrent: number;
  /** CPU seconds the SIPp process used (user + system, every thread). */
  cpuSeconds: number;
  wallSeconds: number;
  exitCode: number | null;
  dir: string;
}

export interface SippOptions {
  /** host:port the INVITEs go to (call-control, or the proxy in front of it). */
  target: string;
  calls: SippCall[];
  ratePerS: number;
  schedule: CallerSchedule;
  /** A folder holding the pcaps of caller-media.ts; SIPp's files of this run go there too. */
  dir: string;
  /** Names the run's files. */
  tag: string;
}

/** The injection file: one line per call (payment-call.xml lists the fields). */
export function injectionFile(calls: SippCall[], s: CallerSchedule): string {
  const [confirm, card, expiry, cvv] = s.waitMs as [number, number, number, number];
  const lines = calls.map((c) => [c.code, confirm, card + (c.parkMs ?? 0), expiry, cvv, s.lastKeyingMs].join(';'));
  return ['SEQUENTIAL', ...lines, ''].join('\n');
}

/** user + system CPU seconds of a live process (all its threads), or undefined once it is gone. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

export async function runSipp(o: SippOptions): Promise<SippRun> {
  const file = (suffix: string) => path.join(o.dir, `${o.tag}-${suffix}`);
  mkdirSync(o.dir, { recursive: true });
  // SIPp looks for the pcaps next to the scenario: a copy beside them.
  const scenario = path.join(o.dir, 'payment-call.xml');
  copyFileSync(SCENARIO, scenario);
  writeFileSync(file('calls.csv'), injectionFile(o.calls, o.schedule));
  const [sipPort, mediaPort, controlPort] = [await freePort(), await freePort(4), await freePort()];
  const count = o.calls.length;
  const longestCallS = (o.schedule.waitMs.reduce((a, b) => a + b, 0) + 120_000) / 1000;
  // biome-ignore format: one option and its value per line
  const args = [
    o.target,
    '-sf', scenario,
    '-inf', file('calls.csv'),
    '-m', String(count),
    '-r', String(o.ratePerS), '-rp', '1000',
    '-l', String(count),
    '-i', '127.0.0.1', '-p', String(sipPort),
    '-mi', '127.0.0.1', '-mp', String(mediaPort),
    '-cp', String(controlPort),
    '-nostdin',
    '-recv_timeout', '60000',
    '-timeout', `${Math.ceil(count / o.ratePerS + longestCallS)}s`,
    '-trace_err', '-error_file', file('errors.log'),
    '-trace_logs', '-log_file', file('events.log'),
    '-trace_stat', '-stf', file('stats.csv'), '-fd', '1',
  ];
  const started = performance.now();
  const stderrLog = file('stderr.log');
  const child: ChildProcess = spawn('sipp', args, { cwd: o.dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  let cpuSeconds = 0;
  const sample = () => {
    const s = child.pid === undefined ? undefined : cpuSecondsOf(child.pid);
    if (s !== undefined) cpuSeconds = s;
  };
  const sampler = setInterval(sample, 250);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  }).finally(() => clearInterval(sampler));
  const wallSeconds = (performance.now() - started) / 1000;
  writeFileSync(stderrLog, stderr);
  // SIPp exits 0 (all calls successful) or 1 (some failed); anything else is SIPp itself failing.
  if (exitCode !== 0 && exitCode !== 1) {
    const errors = existsSync(file('errors.log')) ? readFileSync(file('errors.log'), 'utf8').slice(-2000) : '';
    throw new Error(`sipp exited ${exitCode}: ${stderr.slice(-2000)}${errors}`);
  }
  return {
    calls: readEvents(file('events.log')),
    ...readStats(file('stats.csv')),
    cpuSeconds,
    wallSeconds,
    exitCode,
    dir: o.dir,
  };
}

const readText = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
const readEvents = (file: string) => parseEvents(readText(file));
const readStats = (file: string) => parseStats(readText(file));

/** Lines "<code> <event> <seconds> <microseconds>" of the scenario's <log> actions. */
export function parseEvents(text: string): Map<string, SippCallTimes> {
  const calls = new Map<string, SippCallTimes>();
  for (const m of text.matchAll(/^(\S+) (invite|answered|lastkey|refer|bye) ([\d.]+) ([\d.]+)$/gm)) {
    const [, code, event, s, us] = m as unknown as [string, string, keyof SippCallTimes, string, string];
    const times = calls.get(code) ?? {};
    times[event] = Number(s) * 1000 + Number(us) / 1000;
    calls.set(code, times);
  }
  return calls;
}

/** SIPp's statistics file (-trace_stat): the last line's cumulative counters, the peak of CurrentCall. */
export function parseStats(
  text: string,
): Pick<SippRun, 'successful' | 'failed' | 'sippFailures' | 'retransmissions' | 'peakConcurrent'> {
  const lines = text.trim() ? text.trim().split('\n') : [];
  const names = (lines[0] ?? '').split(';');
  const rows = lines.slice(1).map((l) => l.split(';'));
  const last = rows.at(-1) ?? [];
  const value = (row: string[], name: string) => Number(row[names.indexOf(name)] ?? 0) || 0;
  const sippFailures = names
    .filter((n) => n.startsWith('Failed') && n.endsWith('(C)') && n !== 'FailedCall(C)')
    .filter((n) => value(last, n) > 0)
    .map((n) => `${n.slice(0, -3)} ${value(last, n)}`)
    .join(', ');
  return {
    successful: value(last, 'SuccessfulCall(C)'),
    failed: value(last, 'FailedCall(C)'),
    sippFailures,
    retransmissions: value(last, 'Retransmissions(C)'),
    peakConcurrent: Math.max(0, ...rows.map((r) => value(r, 'CurrentCall'))),
  };
}
