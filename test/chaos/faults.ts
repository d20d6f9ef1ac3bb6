// The chaos run's faults, one at a time, at random moments: kill -9 of each service in turn (in a
// shuffled order, round after round), restarted after a short while as Kubernetes would, and one
// restart each of Kafka and PostgreSQL (through the project's own scripts) at random places in the
// first round. The schedule comes from a seeded generator: the same seed gives the same order and gaps.
// With replicas, each process is a target of its own (call-control and call-control-2 are killed apart).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PaymentSystem } from '@ivr/testkit/payment-system';
import type { SeededRandom } from '@ivr/testkit/seeded-random';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const INFRASTRUCTURE = ['kafka', 'postgres'] as const;
type Infrastructure = (typeof INFRASTRUCTURE)[number];
/** A service's process by its instance name (`call-control`, `call-control-2`, …), or Kafka or PostgreSQL. */
export type FaultTarget = string;
/** What the injector is doing now: a planned fault, or restarting a service that crashed. */
type Busy = FaultTarget | 'restarting';

export interface FaultRecord {
  target: FaultTarget;
  what: 'kill -9' | 'restart';
  /** Seconds since the faults began. */
  at: number;
  /** From the fault until the target answered again. */
  downMs: number;
}

export interface FaultOptions {
  /** Pause between two faults, ms: drawn from [min, max]. */
  minGapMs: number;
  maxGapMs: number;
  /** How long a killed service stays down before it is started again, ms: [0, max]. */
  maxDownMs: number;
  /** Restart Kafka and PostgreSQL too (default true; false where they are shared with others' work). */
  infrastructure?: boolean;
}

const READY_WITHIN_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FaultInjector {
  readonly record: FaultRecord[] = [];
  /** Services that exited without being killed: each is a defect (restarted, like a pod, and counted). */
  readonly crashes: string[] = [];
  private started = 0;
  private injecting: Busy | undefined;

  constructor(
    private readonly system: PaymentSystem,
    private readonly random: SeededRandom,
    private readonly options: FaultOptions,
    private readonly log: (line: string) => void,
  ) {}

  get kills(): number {
    return this.record.filter((r) => r.what === 'kill -9').length;
  }

  get restarts(): number {
    return this.record.filter((r) => r.what === 'restart').length;
  }

  /**
   * Injects faults until `stopAt` (ms since epoch), and at least one whole round: every service
   * killed once, Kafka and PostgreSQL restarted once. Always leaves everything running.
   */
  async run(stopAt: number): Promise<void> {
    this.started = Date.now();
    const stopWatching = this.watch();
    try {
      await this.injectRounds(stopAt);
    } finally {
      stopWatching();
    }
  }

  /** Restarts (and counts) services that exit without being killed, until the returned function is called. */
  watch(): () => void {
    const timer = setInterval(() => void this.restartCrashed(), 1000);
    return () => clearInterval(timer);
  }

  private async restartCrashed(): Promise<void> {
    for (const name of this.system.instances()) {
      const service = this.system.service(name);
      if (this.injecting !== undefined || service.alive) continue;
      this.injecting = 'restarting';
      const at = ((Date.now() - this.started) / 1000).toFixed(0);
      this.crashes.push(`${name} at ${at} s`);
      this.log(`${at} s: ${name} exited on its own (see .var/logs/e2e/${name}.log); starting it again`);
      try {
        await this.startAgain(name);
      } finally {
        this.injecting = undefined;
      }
    }
  }

  private async injectRounds(stopAt: number): Promise<void> {
    for (let round = 0; Date.now() < stopAt; round++) {
      const plan: FaultTarget[] = this.random.shuffle(this.system.instances());
      if (round === 0 && this.options.infrastructure !== false) {
        for (const infra of INFRASTRUCTURE) plan.splice(this.random.between(1, plan.length), 0, infra);
      }
      for (const target of plan) {
        await sleep(this.random.between(this.options.minGapMs, this.options.maxGapMs));
        if (round > 0 && Date.now() >= stopAt) return;
        while (this.injecting) await sleep(100);
        this.injecting = target;
        try {
          await this.inject(target);
        } finally {
          this.injecting = undefined;
        }
      }
    }
  }

  private async inject(target: FaultTarget): Promise<void> {
    const at = (Date.now() - this.started) / 1000;
    const t0 = Date.now();
    if (isInfrastructure(target)) {
      this.log(`${at.toFixed(0)} s: restarting ${target}`);
      await this.restartInfrastructure(target);
      this.record.push({ target, what: 'restart', at, downMs: Date.now() - t0 });
    } else {
      this.log(`${at.toFixed(0)} s: kill -9 ${target}`);
      const service = this.system.service(target);
      await service.kill();
      await sleep(this.random.between(0, this.options.maxDownMs));
      await this.startAgain(target);
      this.record.push({ target, what: 'kill -9', at, downMs: Date.now() - t0 });
    }
    this.log(`   ${target} back after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }

  /**
   * Starts a killed service again and waits for it to be ready, as long as a pod's readiness would
   * be waited for: a consumer group holds a dead member's partitions for its session timeout, so
   * readiness can take that long. A process that exits at start-up (e.g. its database is restarting)
   * is started again, like a pod.
   */
  private async startAgain(name: string): Promise<void> {
    const service = this.system.service(name);
    for (let attempt = 1; ; attempt++) {
      try {
        await service.spawn(true, READY_WITHIN_MS);
        return;
      } catch (err) {
        if (attempt === 5) throw new Error(`${name} did not come back: ${(err as Error).message}`);
        this.log(`   ${name} did not start (${(err as Error).message}); starting it again`);
        await sleep(2000);
      }
    }
  }

  /** The project's own scripts stop and start Kafka or PostgreSQL (same data, same port). */
  private async restartInfrastructure(which: Infrastructure): Promise<void> {
    const script = join(ROOT, 'scripts', which === 'kafka' ? 'kafka.sh' : 'postgres.sh');
    await run(script, ['stop'], { cwd: ROOT });
    await run(script, ['start'], { cwd: ROOT });
  }
}

function isInfrastructure(target: FaultTarget): target is Infrastructure {
  return (INFRASTRUCTURE as readonly string[]).includes(target);
}
