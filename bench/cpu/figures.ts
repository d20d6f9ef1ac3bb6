// CPU per completed payment, from a system run's /proc accounts (bench/cpu/accounts.ts): for each rate
// phase, every process's CPU seconds and ms per payment, then the split the issue asks for:
//   media  = the vault's RTP work, priced per call-second by the media phase (calls held, nothing but
//            RTP going on) times the call-seconds of the phase;
//   idle   = what the whole system spends with no call at all (relays polling, consumers fetching,
//            heartbeats), per second, times the phase's seconds;
//   shared = PostgreSQL's other processes and the Kafka broker less their rate before the run (other
//            sessions' work on the shared infrastructure);
//   the rest, per payment: signalling, events, API.
// The load generators (SIPp, and the bench process: the own UAC, the payment requests, the PSP simulator)
// are reported apart and never counted in the system's figure.
import { fmt } from '../stats';
import { type CpuTotals, KAFKA, POSTGRES_REST } from './accounts';

export const VAULT = 'dtmf-vault';
const SHARED = new Set([POSTGRES_REST, KAFKA]);

export interface CpuRates {
  seconds: number;
  /** CPU seconds per second, by account. */
  perSecond: CpuTotals;
}

export interface MediaFigures {
  calls: number;
  /** The window in which every call was up and only RTP went on (after its second "1", before its card). */
  windowSeconds: number;
  vaultSeconds: number;
  /** The vault's CPU per call-second of media (its idle rate taken out). */
  vaultMsPerCallSecond: number;
}

export interface CpuPhase {
  label: string;
  offeredPerS: number;
  seconds: number;
  payments: number;
  /** Σ over the phase's calls of 200 OK → end, s. */
  callSeconds: number;
  /** CPU seconds by account over the phase. */
  accounts: CpuTotals;
  generators: { sippSeconds: number; benchSeconds: number };
  /** The phase ran under the CPU profiler (its figures include the profiler's cost). */
  profiled: boolean;
}

export interface CpuFigures {
  /** Shared infrastructure before the system started (other sessions' work). */
  quiet: CpuRates;
  /** The system up, no calls. */
  idle: CpuRates;
  media?: MediaFigures;
  phases: CpuPhase[];
}

export const ratesOver = (totals: CpuTotals, seconds: number): CpuRates => ({
  seconds,
  perSecond: Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, v / seconds])),
});

export interface PhaseSplit {
  /** System CPU (services, PostgreSQL, Kafka; shared processes net of their quiet rate), s. */
  systemSeconds: number;
  mediaSeconds: number;
  idleSeconds: number;
  /** ms per payment: the system, media excluded (idle included), and with idle taken out too. */
  msPerPayment: number;
  msPerPaymentAboveIdle: number;
  mediaMsPerPayment: number;
}

/** An account's CPU over a phase, shared ones net of their rate before the run. */
export function netSeconds(name: string, phase: CpuPhase, quiet: CpuRates): number {
  const raw = phase.accounts[name] ?? 0;
  return SHARED.has(name) ? raw - (quiet.perSecond[name] ?? 0) * phase.seconds : raw;
}

export function split(phase: CpuPhase, f: CpuFigures): PhaseSplit {
  const names = Object.keys(phase.accounts);
  const systemSeconds = names.reduce((s, n) => s + netSeconds(n, phase, f.quiet), 0);
  const mediaSeconds = f.media ? (f.media.vaultMsPerCallSecond / 1000) * phase.callSeconds : 0;
  const idleSeconds = names
    .filter((n) => !SHARED.has(n))
    .reduce((s, n) => s + (f.idle.perSecond[n] ?? 0) * phase.seconds, 0);
  const per = (s: number) => (phase.payments ? (s * 1000) / phase.payments : Number.NaN);
  return {
    systemSeconds,
    mediaSeconds,
    idleSeconds,
    msPerPayment: per(systemSeconds - mediaSeconds),
    msPerPaymentAboveIdle: per(systemSeconds - mediaSeconds - idleSeconds),
    mediaMsPerPayment: per(mediaSeconds),
  };
}

/** Printable rows: one per process, then the split, for one phase. */
export function phaseRows(phase: CpuPhase, f: CpuFigures): Array<[string, string]> {
  const per = (s: number) => (phase.payments ? fmt((s * 1000) / phase.payments, 1) : 'n/a');
  const rows: Array<[string, string]> = Object.keys(phase.accounts).map((name) => {
    const raw = phase.accounts[name] ?? 0;
    const net = netSeconds(name, phase, f.quiet);
    const shared = SHARED.has(name)
      ? ` (raw ${fmt(raw, 1)} s less ${fmt(raw - net, 1)} s at its rate before the run)`
      : '';
    const media =
      name === VAULT && f.media
        ? `; media ${fmt((f.media.vaultMsPerCallSecond * phase.callSeconds) / 1000, 1)} s of it (${fmt(phase.callSeconds, 0)} call-s)`
        : '';
    return [name, `${fmt(net, 1)} s, ${per(net)} ms/payment${shared}${media}`];
  });
  const s = split(phase, f);
  rows.push(
    ['= system (services, PostgreSQL, Kafka)', `${fmt(s.systemSeconds, 1)} s, ${per(s.systemSeconds)} ms/payment`],
    ['  of which media (vault RTP)', `${fmt(s.mediaSeconds, 1)} s, ${fmt(s.mediaMsPerPayment, 1)} ms/payment`],
    ['  of which idle (no calls)', `${fmt(s.idleSeconds, 1)} s, ${per(s.idleSeconds)} ms/payment`],
    [
      '= per payment, media and generators excluded',
      `**${fmt(s.msPerPayment, 1)} ms** (${fmt(s.msPerPaymentAboveIdle, 1)} ms above idle)`,
    ],
    [
      'load generators (apart)',
      `SIPp ${fmt(phase.generators.sippSeconds, 1)} s; bench process (own UAC, payment requests, PSP simulator) ${fmt(phase.generators.benchSeconds, 1)} s`,
    ],
  );
  return rows;
}

/** A markdown table of ms per payment, one column per phase (for docs/performance.md). */
export function markdownTable(f: CpuFigures): string {
  const head = ['process', ...f.phases.map((p) => `${p.label}${p.profiled ? ' (profiled)' : ''}`)];
  const names = [...new Set(f.phases.flatMap((p) => Object.keys(p.accounts)))];
  const cell = (p: CpuPhase, s: number) => (p.payments ? fmt((s * 1000) / p.payments, 1) : 'n/a');
  const lines = [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...names.map(
      (n) =>
        `| ${n}${SHARED.has(n) ? ' (net)' : ''} | ${f.phases.map((p) => cell(p, netSeconds(n, p, f.quiet))).join(' | ')} |`,
    ),
    `| **system** | ${f.phases.map((p) => cell(p, split(p, f).systemSeconds)).join(' | ')} |`,
    `| of which media | ${f.phases.map((p) => fmt(split(p, f).mediaMsPerPayment, 1)).join(' | ')} |`,
    `| of which idle | ${f.phases.map((p) => cell(p, split(p, f).idleSeconds)).join(' | ')} |`,
    `| **per payment, media excluded** | ${f.phases.map((p) => `**${fmt(split(p, f).msPerPayment, 1)}**`).join(' | ')} |`,
    `| same, above idle | ${f.phases.map((p) => fmt(split(p, f).msPerPaymentAboveIdle, 1)).join(' | ')} |`,
    `| SIPp (generator) | ${f.phases.map((p) => cell(p, p.generators.sippSeconds)).join(' | ')} |`,
    `| bench process (own UAC, PSP simulator) | ${f.phases.map((p) => cell(p, p.generators.benchSeconds)).join(' | ')} |`,
    `| payments, call-seconds, seconds | ${f.phases.map((p) => `${p.payments}, ${fmt(p.callSeconds, 0)}, ${fmt(p.seconds, 0)}`).join(' | ')} |`,
  ];
  return lines.join('\n');
}
