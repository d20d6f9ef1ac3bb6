// A phase of payment calls placed by SIPp against the whole system: the payments created over
// order-link's API first (SIPp reads one transfer code per call from its injection file), then
// SIPp at a steady rate, then each payment's outcome from Kafka. A call is completed when SIPp got
// through the REFER and the BYE and its payment was approved.
import path from 'node:path';
import type { CreatedPayment } from '@ivr/testkit/payment-system';
import type { CallResult } from '../calls/payment-call';
import { type GeneratorFigures, generatorFigures } from '../calls/phases';
import { failures, loadAverage } from '../calls/rate';
import type { CallRig } from '../calls/rig';
import { FIGURES_DIR } from '../figures';
import { type CallerSchedule, writeCallerMedia } from './caller-media';
import { runSipp, type SippCallTimes } from './run';

/** ms after a prompt should have ended before SIPp keys its field (BENCH_SIPP_MARGIN_MS). */
const MARGIN_MS = Number(process.env.BENCH_SIPP_MARGIN_MS ?? 1000);
const CREATE_LANES = 16;

export interface SippPhaseOptions {
  tag: string;
  ratePerS: number;
  count: number;
  /** Each call waits this long more before the card number (the hold phase: all calls up at once). */
  parkMs?: number;
  /** Payments made beforehand (createPayments), e.g. so that another generator can start with SIPp. */
  payments?: CreatedPayment[];
}

let media: { dir: string; schedule: CallerSchedule } | undefined;

/** The pcaps and schedule of this process's runs (written once: the expiry is next year's). */
function callerMedia(): { dir: string; schedule: CallerSchedule } {
  if (!media) {
    const dir = path.join(FIGURES_DIR, 'sipp', new Date().toISOString().replace(/[:.]/g, '-'));
    media = { dir, schedule: writeCallerMedia(dir, MARGIN_MS) };
  }
  return media;
}

/** `count` payments of the benchmark's kind (1,200 JPY, English), created over the API on 16 lanes. */
export async function createPayments(rig: CallRig, count: number): Promise<CreatedPayment[]> {
  const payments: CreatedPayment[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CREATE_LANES, count) }, async () => {
      while (next < count) {
        next++;
        payments.push(
          await rig.system.createPayment({
            amount: 1200,
            currency: 'JPY',
            returnSipAddress: 'sip:operator@127.0.0.1:5999',
          }),
        );
      }
    }),
  );
  return payments;
}

/** What went wrong with one call, in the words of bench/calls (failures() counts them). */
function outcomeOf(times: SippCallTimes | undefined, outcome: string | undefined): CallResult {
  const reached = times?.bye
    ? 'BYE'
    : times?.refer
      ? 'REFER'
      : times?.lastkey
        ? 'last key'
        : times?.answered
          ? '200 OK'
          : 'INVITE';
  const ok = times?.bye !== undefined && outcome === 'APPROVED';
  return {
    ok,
    ...(ok ? {} : { failure: `SIPp reached ${reached}, outcome ${outcome ?? 'none'}` }),
    ...(outcome ? { outcome } : {}),
    ...(times?.invite && times.answered ? { setupMs: times.answered - times.invite } : {}),
    ...(times?.lastkey && times.refer ? { toReferMs: times.refer - times.lastkey } : {}),
    ...(times?.answered ? { upMs: lastTime(times) - times.answered } : {}),
  };
}

/** The last point a call reached (its BYE, or where it stopped): the end of its media, within a few seconds. */
const lastTime = (t: SippCallTimes): number => Math.max(...Object.values(t).filter((v) => v !== undefined));

export async function sippPhase(
  rig: CallRig,
  o: SippPhaseOptions,
): Promise<{ figures: GeneratorFigures; results: CallResult[]; times: SippCallTimes[]; schedule: CallerSchedule }> {
  const { dir, schedule } = callerMedia();
  const driverCpu = process.cpuUsage();
  const payments = o.payments ?? (await createPayments(rig, o.count));
  for (const p of payments) rig.ctx.watch.follow(p.paymentId);
  const loadBefore = loadAverage();
  const run = await runSipp({
    target: rig.sipTarget,
    calls: payments.map((p) => ({ code: p.transferCode, ...(o.parkMs ? { parkMs: o.parkMs } : {}) })),
    ratePerS: o.ratePerS,
    schedule,
    dir,
    tag: o.tag,
  });
  const loadAfter = loadAverage();
  const outcomes = await Promise.all(payments.map((p) => rig.ctx.watch.outcome(p.paymentId, 10_000)));
  const results = payments.map((p, i) => outcomeOf(run.calls.get(p.transferCode), outcomes[i]));
  for (const p of payments) rig.ctx.watch.forget(p.paymentId);
  const driver = process.cpuUsage(driverCpu);
  const sippSaid = run.sippFailures ? ` (SIPp: ${run.sippFailures}; files in ${run.dir})` : '';
  return {
    results,
    times: payments.map((p) => run.calls.get(p.transferCode) ?? {}),
    schedule,
    figures: generatorFigures({
      generator: 'SIPp',
      offeredPerS: o.ratePerS,
      placementSeconds: o.count / o.ratePerS,
      seconds: run.wallSeconds,
      results,
      peakConcurrent: run.peakConcurrent,
      cpuSeconds: run.cpuSeconds,
      driverCpuSeconds: (driver.user + driver.system) / 1e6,
      loadBefore,
      loadAfter,
      failures: failures(results) + sippSaid,
    }),
  };
}
