// The soak (`make soak`): a steady load of complete payment calls through the whole system for
// SOAK_MINUTES, sampling every service process's memory as it goes: RSS from /proc and the V8 heap
// after a forced GC through an inspector opened in each service. Growth per service = (mean of the
// last minute − mean of the first minute after the warm-up) / first; PASS under 5 % for both.
// With SOAK_SNAPSHOTS=1 each service writes a heap snapshot when the warm-up ends and again when the
// load ends, and for a service that grew the soak prints which objects grew. Off by default: a
// snapshot pauses the service for seconds and leaves its RSS higher, which would skew the figures.
// Writes .var/bench/soak-<time>.json and renders docs/img/soak-bench.png. Exits 2 on FAIL.
//
//   SOAK_MINUTES=10   minutes of load        SOAK_RATE=3        calls placed per second
//   SOAK_SAMPLE_S=10  seconds between samples SOAK_WARMUP_S=180  seconds before the first window
// The defaults are a load two cores sustain, judged after call-control's ramp to its steady number of
// calls up (about 2.5 minutes): at 5/s two cores saturate and the first minute is still the ramp.
//   SOAK_GC=0         heap sampled as it is, without the forced GC before each sample
import '../scripts/load-env';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallResult } from './calls/payment-call';
import { toResult } from './calls/phases';
import { failures, loadAverage, PHONE, placeAt } from './calls/rate';
import { startCallRig } from './calls/rig';
import { beginRun, FIGURES_DIR, type Growth, type MemorySample, type SoakRun, writeFigures } from './figures';
import { renderBenchPlot } from './plot/render';
import { growth, under } from './soak/growth';
import { census, diffCensus } from './soak/heap-diff';
import { InspectorSession } from './soak/inspector';
import { fmt, printTable } from './stats';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const RATE = Number(process.env.SOAK_RATE ?? 3);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 10);
const WARMUP_S = Number(process.env.SOAK_WARMUP_S ?? 180);
const SNAPSHOTS = process.env.SOAK_SNAPSHOTS === '1';
// A full GC before each heap sample makes it the live set; SOAK_GC=0 samples the heap as it is.
const GC = process.env.SOAK_GC !== '0';
const LIMIT_PERCENT = 5;
const SERVICES = ['call-control', 'dtmf-vault', 'authorization', 'order-link', 'notification'];
const MiB = 1024 * 1024;

interface Watched {
  name: string;
  pid: number;
  inspector: InspectorSession;
  samples: MemorySample[];
}

/** Resident set size of a process, from the kernel. */
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

const snapshotRun = new Date().toISOString().replace(/[:.]/g, '-');
const snapshotFile = (service: string, when: 'first' | 'last') =>
  join(FIGURES_DIR, `soak-${snapshotRun}-${service}-${when}.heapsnapshot`);

async function sample(w: Watched, t: number): Promise<void> {
  const m = await w.inspector.memory(GC);
  w.samples.push({ t, rssMiB: rssMiB(w.pid), heapUsedMiB: m.heapUsed / MiB, externalMiB: m.external / MiB });
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  const command = `SOAK_MINUTES=${MINUTES} SOAK_RATE=${RATE} SOAK_SAMPLE_S=${SAMPLE_S} SOAK_WARMUP_S=${WARMUP_S} make soak`;
  const header = beginRun(command);
  console.log(`soak: ${RATE} calls/s for ${MINUTES} min, memory every ${SAMPLE_S} s (load ${loadBefore})`);
  const rig = await startCallRig({ tag: 'soak', serviceNodeOptions: '--inspect=127.0.0.1:0' });
  const watched: Watched[] = [];
  const loadSeconds = MINUTES * 60;
  const calls: SoakRun['calls'] = [];
  const results: CallResult[] = [];
  let interval = { completed: 0, failed: 0 };
  try {
    for (const name of SERVICES) {
      const url = InspectorSession.urlIn(rig.system.service(name).output());
      if (!url) throw new Error(`${name} opened no inspector (NODE_OPTIONS not passed to it?)`);
      const inspector = await InspectorSession.open(url);
      watched.push({ name, pid: await inspector.pid(), inspector, samples: [] });
    }
    await placeAt(rig.ctx, 'warm', 2, 2, PHONE); // first calls pay for JIT and connection set-up
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    const load = placeAt(rig.ctx, 'soak', RATE, Math.round(RATE * loadSeconds), PHONE, (r) => {
      results.push(r);
      if (r.ok) interval.completed++;
      else interval.failed++;
    });
    let loadDone = false;
    load.then(() => {
      loadDone = true;
    });
    let snapshotTaken = !SNAPSHOTS;
    for (let tick = 0; !loadDone; tick++) {
      const due = tick * SAMPLE_S;
      await new Promise((r) => setTimeout(r, Math.max(0, (due - elapsed()) * 1000)));
      const t = Math.round(elapsed());
      for (const w of watched) await sample(w, t);
      calls.push({ t, ...interval, concurrent: rig.concurrency.now, load: loadAverage() });
      interval = { completed: 0, failed: 0 };
      if (tick % 6 === 0)
        console.log(
          `  ${t} s: ${results.length} calls ended (${results.filter((r) => !r.ok).length} failed), ${rig.concurrency.now} up, load ${loadAverage()}`,
        );
      if (!snapshotTaken && t >= WARMUP_S) {
        // Once, at the end of the warm-up: the baseline a grown heap is compared with.
        for (const w of watched) await w.inspector.writeHeapSnapshot(snapshotFile(w.name, 'first'));
        snapshotTaken = true;
      }
    }
    await load;
    const services = watched.map((w) => ({
      name: w.name,
      pid: w.pid,
      samples: w.samples,
      rss: growth(w.samples, (s) => s.rssMiB, WARMUP_S, loadSeconds),
      heap: growth(w.samples, (s) => s.heapUsedMiB, WARMUP_S, loadSeconds),
    }));
    const completed = results.filter((r) => r.ok).length;
    const run: SoakRun = {
      kind: 'soak',
      ...header(),
      minutes: MINUTES,
      ratePerS: RATE,
      sampleSeconds: SAMPLE_S,
      warmupSeconds: WARMUP_S,
      limitPercent: LIMIT_PERCENT,
      services,
      calls,
      completed,
      failed: results.length - completed,
      failures: failures(results),
      toResultMs: toResult(results),
      loadBefore,
      loadAtEnd: loadAverage(),
    };
    const pass = printSoak(run);
    for (const w of watched) {
      const s = services.find((x) => x.name === w.name);
      if (!s || under(LIMIT_PERCENT, s.heap, s.rss)) continue;
      if (!SNAPSHOTS) {
        console.log(`\n${w.name} grew: run again with SOAK_SNAPSHOTS=1 to see which objects grew on its heap`);
        continue;
      }
      await w.inspector.writeHeapSnapshot(snapshotFile(w.name, 'last'));
      const before = census(readFileSync(snapshotFile(w.name, 'first'), 'utf8'));
      const after = census(readFileSync(snapshotFile(w.name, 'last'), 'utf8'));
      printTable(
        `${w.name}: what grew on its heap from the end of the warm-up to the end of the load (heap snapshot diff)`,
        diffCensus(before, after).map((g) => [
          g.what,
          `+${g.addedObjects} objects, +${fmt(g.addedBytes / 1024, 0)} KiB`,
        ]),
      );
      console.log(
        `  snapshots: ${snapshotFile(w.name, 'first')}, ${snapshotFile(w.name, 'last')} (open in DevTools → Memory)`,
      );
    }
    console.log(`\nfigures: ${writeFigures(run)}`);
    console.log(`plot: ${await renderBenchPlot()}`);
    console.log(`reproduce: ${command}`);
    if (!pass) process.exitCode = 2;
  } finally {
    for (const w of watched) w.inspector.close();
    await rig.stop();
  }
}

/** Prints the per-service table and the verdict; true if every service stayed under the limit. */
function printSoak(run: SoakRun): boolean {
  const verdict = (g: Growth) => (under(run.limitPercent, g) ? 'PASS' : 'FAIL');
  const trend = (g: Growth) => `${g.trendMiBPerMin >= 0 ? '+' : ''}${fmt(g.trendMiBPerMin, 2)} MiB/min`;
  const pct = (g: Growth) => `${g.percent >= 0 ? '+' : ''}${fmt(g.percent, 1)} %`;
  printTable(
    `Soak: memory per service, mean of the minute after a ${run.warmupSeconds} s warm-up vs mean of the last minute of ${run.minutes} (${run.ratePerS} calls/s, limit ${run.limitPercent} %)`,
    run.services.map((s) => [
      `${s.name} (pid ${s.pid})`,
      `RSS ${fmt(s.rss.firstMiB)} → ${fmt(s.rss.lastMiB)} MiB ${pct(s.rss)} ${verdict(s.rss)} (trend ${trend(s.rss)}); ` +
        `heap after GC ${fmt(s.heap.firstMiB)} → ${fmt(s.heap.lastMiB)} MiB ${pct(s.heap)} ${verdict(s.heap)} (trend ${trend(s.heap)})`,
    ]),
  );
  const r = run.toResultMs;
  printTable('Soak: calls', [
    ['completed / failed', `${run.completed} / ${run.failed}`],
    ['last keypress → result prompt', `p50 ${fmt(r.p50, 0)} / p99 ${fmt(r.p99, 0)} ms (n=${r.n})`],
    ['load average before → end', `${run.loadBefore} → ${run.loadAtEnd} (${run.cores} cores)`],
  ]);
  if (run.failed) console.log(`\nfailures: ${run.failures}`);
  const pass = run.services.every((s) => under(run.limitPercent, s.rss, s.heap));
  const rule = `every service's RSS and heap to grow less than ${run.limitPercent} %`;
  console.log(`\nsoak ${pass ? 'PASS' : 'FAIL'}: ${pass ? 'met' : 'not met'}: ${rule}`);
  return pass;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
