// The section of docs/performance.md that `make bench-system` writes itself: the run (command, commit,
// load average, cores), its raw ceilings and what the system did beside them as ratios, the CPU per
// completed payment process by process (bench/cpu/figures.ts) and the flame graphs (docs/perf/), with
// what each profile says. Between two marker lines; the rest of the file is people's.
//   tsx bench/cpu/doc.ts [.var/bench/system-….json]   writes it again from a run (the newest by default)
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { latestFigures, type SystemRun } from '../figures';
import { fmt } from '../stats';
import { markdownTable, split } from './figures';

export const PERFORMANCE_MD = join(__dirname, '..', '..', 'docs', 'performance.md');
const BEGIN =
  '<!-- bench-system:cpu begin (written by make bench-system, bench/cpu/doc.ts: edits here are overwritten) -->';
const END = '<!-- bench-system:cpu end -->';

const n0 = (x: number) => fmt(x, 0);

/** The generated section's markdown for one run. */
export function cpuSection(run: SystemRun): string {
  const c = run.ceilings;
  const lines: string[] = [];
  const when = `${run.startedAt.slice(0, 16).replace('T', ' ')}–${run.finishedAt.slice(11, 16)} UTC`;
  lines.push(
    `\`${run.command}\` (commit ${run.commit}, ${when}, ${run.cores} cores; load average ${c.loadBefore} at the start, ${run.loadAtEnd} at the end).`,
    '',
  );
  const loaded = Number(c.loadBefore.split(' ')[0]) > run.cores;
  if (loaded)
    lines.push(
      `**The machine was loaded** (load average above its ${run.cores} cores: other sessions' builds, tests and benchmarks ran beside it), so every figure is read beside the raw ceilings of the same run, which the load lowers alike.`,
      '',
    );
  lines.push('| raw ceiling, same run | per second |', '|---|---|');
  lines.push(
    `| plain PostgreSQL INSERTs (${c.insertLanes} lanes, one row per transaction) | ${n0(c.plainInsertsPerS)} |`,
  );
  lines.push(`| Kafka ProducerPerformance records (${n0(c.kafkaRecords)}, acks=all) | ${n0(c.kafkaRecordsPerS)} |`);
  if (c.sipCallsPerS) lines.push(`| SIP calls, SIPp's uac against its uas | ${n0(c.sipCallsPerS)} |`);
  lines.push('');
  lines.push(
    '| offered | PSP latency | completed / failed | payments/s | ÷ plain INSERTs/s | last key → result prompt p50 / p99 (own UAC) |',
    '|---|---|---|---|---|---|',
  );
  for (const r of run.rates)
    lines.push(
      `| ${r.offeredPerS}/s for ${n0(r.placementSeconds)} s | ${r.pspLatencyMs ?? 0} ms | ${r.completed} / ${r.failed} | ${fmt(r.paymentsPerS, 1)} | ${fmt(r.paymentsPerS / c.plainInsertsPerS, 4)} | ${n0(r.toResultMs.p50)} / ${n0(r.toResultMs.p99)} ms (n=${r.toResultMs.n}) |`,
    );
  lines.push('');
  const cpu = run.cpu;
  if (cpu) {
    lines.push(
      "CPU per completed payment (ms), from `/proc/<pid>/stat` (utime + stime of each process tree) over each phase, phase start to its last call ended plus 3 s. PostgreSQL (this run) is the backends connected to the five services; PostgreSQL (rest) and the Kafka broker are shared with other sessions, so their rate measured before the run is taken out (\"net\"). Media is the vault's RTP work priced per call-second by a phase of calls held with only RTP flowing, times the phase's call-seconds (failed calls included); idle is what the system spends up with no call at all, times the phase's seconds. The load generators are apart and never in the system's figure.",
      '',
      markdownTable(cpu),
      '',
    );
    const media = cpu.media;
    const idle = Object.values(cpu.idle.perSecond).reduce((s, v) => s + v, 0);
    lines.push(
      `Media: ${media ? `${media.calls} calls held, ${fmt(media.windowSeconds, 1)} s with only RTP: the vault spent ${fmt(media.vaultMsPerCallSecond, 2)} ms of CPU per call-second (a call up for 30 s: ${fmt(media.vaultMsPerCallSecond * 30, 0)} ms)` : 'no media phase'}. Idle: ${n0(idle * 1000)} ms of CPU per second with no calls (${Object.entries(
        cpu.idle.perSecond,
      )
        .map(([k, v]) => `${k} ${n0(v * 1000)}`)
        .join(', ')}).`,
      '',
    );
    for (const p of cpu.phases) {
      const s = split(p, cpu);
      lines.push(
        `At ${p.label}: **${fmt(s.msPerPayment, 1)} ms of CPU per payment**, media and generators excluded (${fmt(s.msPerPaymentAboveIdle, 1)} ms above idle); media ${fmt(s.mediaMsPerPayment, 1)} ms per payment more.${p.profiled ? ' The services ran under the CPU profiler in this phase (a few per cent more).' : ''}`,
      );
    }
    lines.push('');
  }
  if (run.profiles?.length) {
    lines.push(
      "CPU profiles of each service over that phase (V8's sampling profiler through the inspector, main thread, idle left out; the bundles traced back to their TypeScript), as flame graphs: width is the share of the samples in which the thread was not idle (on a loaded machine that includes moments it was runnable but waiting for a core, so the CPU seconds are the /proc figures above, not the samples); hover a box for its figures. The `.cpuprofile` files stay in `.var/bench/profiles/` (`tsx bench/flame.ts <folder>` draws them again).",
      '',
      '| service | samples not idle | most own time, by package | most own time, by function |',
      '|---|---|---|---|',
    );
    const docs = join(__dirname, '..', '..', 'docs');
    for (const p of run.profiles) {
      const pkgs = p.packages
        .slice(0, 4)
        .map((x) => `${x.pkg} ${n0(x.share * 100)} %`)
        .join(', ');
      const fns = p.functions
        .slice(0, 4)
        .map((x) => `\`${x.name.replace(/\|/g, '\\|')}\` ${n0(x.share * 100)} %`)
        .join(', ');
      lines.push(
        `| [${p.service}](${relative(docs, p.svg)}) | ${n0(p.busySamples)} in ${n0(p.seconds)} s | ${pkgs} | ${fns} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Writes the run's section into docs/performance.md between the markers (appended if they are missing). */
export function writeCpuSection(run: SystemRun, file = PERFORMANCE_MD): void {
  const doc = readFileSync(file, 'utf8');
  const body = `${BEGIN}\n${cpuSection(run)}\n${END}`;
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  const next =
    from >= 0 && to > from ? doc.slice(0, from) + body + doc.slice(to + END.length) : `${doc.trimEnd()}\n\n${body}\n`;
  writeFileSync(file, next);
}

if (require.main === module) {
  const chosen = process.argv[2];
  const run = chosen ? (JSON.parse(readFileSync(chosen, 'utf8')) as SystemRun) : latestFigures('system');
  if (!run?.cpu) throw new Error('no system run with CPU figures (run make bench-system)');
  writeCpuSection(run);
  console.log(`docs/performance.md: CPU section of the run at ${run.startedAt} (commit ${run.commit})`);
}
