// `make chaos`: crash faults under load through the whole real system. The five services run as real
// processes (their bundles) on the project's Kafka and PostgreSQL, with the PSP simulator in this
// process; order systems create payments over the API and callers pay them in SIP calls with RFC 4733
// keys (test/chaos/workload.ts) while every service is killed with SIGKILL in turn and Kafka and
// PostgreSQL are restarted once each (test/chaos/faults.ts). Then, with everything back, the checks of
// test/chaos/verdict.ts and the card-data scan. Prints the counts; exits 1 if anything is lost, stuck,
// charged twice, completed twice, undelivered, left in an outbox, or leaked.
//
//   CHAOS_MINUTES=4        minutes of load and faults
//   CHAOS_RATE=1           payments started per second (about 60 % of them paid in a call)
//   CHAOS_SEED=<n>         replays the fault schedule and the payment mix of an earlier run
//   CHAOS_SETTLE_S=180     bound for every payment to be terminal, completed and notified afterwards
//   CHAOS_GAP_S=5-20       pause between two faults, seconds (drawn in the range)
//   CHAOS_REPLICAS=1       processes of every service (2: each replica is killed apart; calls and API
//                          requests go to the running replicas in turn, as an SBC and a Service spread them)
//   CHAOS_INFRA=1          0: Kafka and PostgreSQL are not restarted (a machine whose infrastructure is shared)
import '../../scripts/load-env';
import { PaymentSystem } from '@ivr/testkit/payment-system';
import { SeededRandom } from '@ivr/testkit/seeded-random';
import { Receiver } from '@ivr/testkit/webhook-receiver';
import { resultPromptHeads } from '../../bench/calls/rtp-leg';
import { SipUac } from '../../bench/calls/sip-uac';
import { StepWatch } from '../../bench/calls/step-watch';
import { scan } from '../../scripts/pan-scan';
import { APPROVED_TEST_PAN } from '../fixtures/test-cards';
import { paymentCompletedOffsets } from './completions';
import { FaultInjector } from './faults';
import { judge, type Verdict } from './verdict';
import { Workload } from './workload';

const MINUTES = Number(process.env.CHAOS_MINUTES ?? 4);
const RATE = Number(process.env.CHAOS_RATE ?? 1);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SETTLE_S = Number(process.env.CHAOS_SETTLE_S ?? 180);
const [GAP_MIN_S, GAP_MAX_S] = (process.env.CHAOS_GAP_S ?? '5-20').split('-').map(Number) as [number, number];
const REPLICAS = Number(process.env.CHAOS_REPLICAS ?? 1);
const INFRA = process.env.CHAOS_INFRA !== '0';
/** Short enough that payments whose call never reached the IVR expire within the settle bound. */
const TRANSFER_CODE_TTL_S = 60;
/** What the workload's callers key (bench/calls/payment-call.ts); the scan looks for it and its code. */
const SECURITY_CODE = '123';

const log = (line: string) => console.log(`[chaos] ${line}`);

async function main(): Promise<number> {
  const random = new SeededRandom(SEED);
  log(
    `seed ${SEED}: ${MINUTES} min of load at ${RATE} payments/s with faults, then up to ${SETTLE_S} s to settle` +
      `${REPLICAS > 1 ? `; ${REPLICAS} replicas of every service` : ''}${INFRA ? '' : '; Kafka and PostgreSQL not restarted'}`,
  );
  const startedAt = new Date();
  const receiver = await new Receiver(() => 200).start();
  const rtpBase = 43_000 + random.between(0, 9) * 1000;
  const system = await PaymentSystem.start(
    {
      'dtmf-vault': { RTP_PORT_MIN: String(rtpBase), RTP_PORT_MAX: String(rtpBase + 999) },
      'order-link': { TRANSFER_CODE_TTL_SECONDS: String(TRANSFER_CODE_TTL_S), EXPIRY_SWEEP_INTERVAL_MS: '1000' },
    },
    { replicas: REPLICAS },
  );
  const completionsFrom = await paymentCompletedOffsets(system.kafka);
  // Each call to the next running call-control, as the SBC in front spreads them.
  const uac = await SipUac.open(() => system.nextSipPort());
  const watch = await StepWatch.start(system.kafka, `chaos-steps-${system.run}`);
  try {
    const endpoint = await system.rest('POST', '/v1/webhook-endpoints', { url: receiver.url, description: 'chaos' });
    if (endpoint.status !== 201) throw new Error(`webhook endpoint not registered: ${endpoint.status}`);
    const webhookSecret = String(endpoint.body.secret);

    const calls = { now: 0 };
    const workload = new Workload(
      {
        system,
        uac,
        watch,
        heads: resultPromptHeads('en'),
        onEstablished: () => calls.now++,
        onEnded: () => calls.now--,
      },
      random,
      { rate: RATE, callShare: 0.6, cancelShare: 0.2, retryForMs: 120_000 },
    );
    const faults = new FaultInjector(
      system,
      random,
      { minGapMs: GAP_MIN_S * 1000, maxGapMs: GAP_MAX_S * 1000, maxDownMs: 3_000, infrastructure: INFRA },
      log,
    );
    const stopAt = Date.now() + MINUTES * 60_000;
    const progress = setInterval(
      () => log(`payments ${workload.payments.length}, calls up ${calls.now}, API retries ${workload.apiRetries}`),
      15_000,
    );
    // The load lasts as long as the faults do (the first round of faults may outlast the minutes).
    let faultsOver = false;
    const injecting = faults.run(stopAt).finally(() => {
      faultsOver = true;
    });
    await Promise.all([workload.run(() => faultsOver), injecting]);
    clearInterval(progress);
    log('load and faults over; waiting for every payment to settle');

    const stopWatching = faults.watch();
    const verdict = await judge(system, receiver, webhookSecret, workload.payments, SETTLE_S * 1000, completionsFrom);
    stopWatching();
    // The card-data scan of everything this run wrote, and of the heap and memory of every service
    // but the vault (which holds the card while a call keys it: that is the boundary).
    for (const name of ['call-control', 'order-link', 'authorization', 'notification'] as const) {
      for (const replica of system.replicas(name)) await replica.heapSnapshot();
    }
    const { hits: leaks, stats } = await scan({
      pans: [APPROVED_TEST_PAN],
      securityCodes: [SECURITY_CODE],
      since: startedAt,
    });
    for (const line of stats.lines()) log(`pan-scan: ${line}`);
    printReport(workload, faults, verdict, leaks.length);
    for (const h of leaks) console.log(`  card data: ${h.kind} ${h.what} in ${h.source} ${h.location}`);
    const failed =
      verdict.lost.length +
      verdict.stuck.length +
      verdict.doubleCharges.length +
      verdict.chargeMismatches.length +
      verdict.completedTwice.length +
      verdict.webhooksMissing.length +
      verdict.webhooksBadSignature +
      [...verdict.outboxPending.values()].reduce((a, b) => a + b, 0) +
      workload.notCreated.length +
      faults.crashes.length +
      leaks.length;
    log(
      `reproduce: CHAOS_SEED=${SEED} CHAOS_MINUTES=${MINUTES} CHAOS_RATE=${RATE} CHAOS_GAP_S=${GAP_MIN_S}-${GAP_MAX_S}` +
        `${REPLICAS > 1 ? ` CHAOS_REPLICAS=${REPLICAS}` : ''}${INFRA ? '' : ' CHAOS_INFRA=0'} make chaos`,
    );
    return failed === 0 ? 0 : 1;
  } finally {
    uac.close();
    await watch.stop().catch(() => {});
    await system.stop();
    await receiver.stop();
  }
}

function printReport(workload: Workload, faults: FaultInjector, v: Verdict, leaks: number): void {
  const count = <T>(items: T[], key: (t: T) => string) => {
    const m = new Map<string, number>();
    for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
    return [...m].map(([k, n]) => `${k} ${n}`).join(', ');
  };
  const outcome = (id: string) => v.statuses.get(id) ?? 'UNKNOWN';
  console.log('\nfaults:');
  for (const f of faults.record) {
    console.log(
      `  ${f.at.toFixed(0).padStart(4)} s  ${f.what.padEnd(8)} ${f.target.padEnd(13)} back in ${(f.downMs / 1000).toFixed(1)} s`,
    );
  }
  const p = workload.payments;
  const rows: Array<[string, string]> = [
    ['payments', `${p.length} (${count(p, (x) => x.kind)})`],
    ['outcomes', count(p, (x) => outcome(x.paymentId))],
    [
      'calls (caller side)',
      count(
        p.filter((x) => x.kind === 'call'),
        (x) => (x.call === 'ok' ? 'completed' : 'broken'),
      ),
    ],
    [
      'kills (kill -9)',
      `${faults.kills} (${count(
        faults.record.filter((f) => f.what === 'kill -9'),
        (f) => f.target,
      )})`,
    ],
    ['restarts (Kafka, PostgreSQL)', String(faults.restarts)],
    [
      'services that exited on their own',
      `${faults.crashes.length}${faults.crashes.length ? ` (${faults.crashes.join(', ')})` : ''}`,
    ],
    ['API requests retried (5xx or no answer)', String(workload.apiRetries)],
    ['lost', String(v.lost.length + workload.notCreated.length)],
    ['stuck (not terminal within the bound)', String(v.stuck.length)],
    ['double charges', String(v.doubleCharges.length)],
    ['charged ≠ approved', String(v.chargeMismatches.length)],
    ['payment-completed twice (distinct event ids)', String(v.completedTwice.length)],
    ['payment-completed redelivered (same id)', String(v.completedRedelivered)],
    [
      'webhooks missing / bad signature / redelivered',
      `${v.webhooksMissing.length} / ${v.webhooksBadSignature} / ${v.webhooksRedelivered}`,
    ],
    ['outbox rows left', [...v.outboxPending].map(([s, n]) => `${s} ${n}`).join(', ')],
    ['card data found (pan-scan)', String(leaks)],
    ['settled in', `${v.settleSeconds.toFixed(0)} s`],
  ];
  console.log('\nchaos:');
  for (const [k, val] of rows) console.log(`  ${k.padEnd(48)} ${val}`);
  const details: Array<[string, string[]]> = [
    ['stuck', v.stuck.map((id) => `${id} ${outcome(id)}`)],
    ['lost', [...v.lost, ...workload.notCreated]],
    ['double charges', v.doubleCharges],
    ['charged ≠ approved', v.chargeMismatches.map((id) => `${id} ${outcome(id)}`)],
    ['completed twice', v.completedTwice],
    ['webhooks missing', v.webhooksMissing],
  ];
  for (const [what, list] of details) if (list.length) console.log(`\n${what}: ${list.slice(0, 20).join('; ')}`);
  const broken = p.filter((x) => x.kind === 'call' && x.call !== 'ok');
  if (broken.length) console.log(`\nbroken calls by cause: ${count(broken, (x) => (x.call ?? '?').slice(0, 80))}`);
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
