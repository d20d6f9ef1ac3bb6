// Runs wrk (Debian's, infra/apt/bench.txt) against order-link's POST /v1/payments in its own process:
// requests/s, latency and errors as wrk counts them, and the CPU wrk itself used (bash's `times`).
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface WrkRun {
  requests: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers other than 2xx/3xx, and connection errors and timeouts. */
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  /** user + system CPU seconds of wrk. */
  cpuSeconds: number;
}

const SCRIPT = join(__dirname, 'post-payment.lua');

/** wrk with `connections` on one thread for `seconds` against `base` (http://host:port). */
export function runWrk(
  base: string,
  apiKey: string,
  tag: string,
  connections: number,
  seconds: number,
): Promise<WrkRun> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', SCRIPT, base, '--', apiKey, tag];
  return new Promise((resolve, reject) => {
    // bash's `times` prints the CPU its children used: wrk's own, to the tick.
    execFile('bash', ['-c', 'wrk "$@" && times', 'wrk', ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err)
        return reject(
          new Error(`wrk failed (is it installed? make setup, infra/apt/bench.txt): ${stderr || err.message}`),
        );
      const line = stdout.split('\n').find((l) => l.startsWith('{"requests"'));
      const times = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(stdout.trim());
      if (!line || !times) return reject(new Error(`could not read wrk's output: ${stdout}`));
      const r = JSON.parse(line) as {
        requests: number;
        durationUs: number;
        p50Us: number;
        p99Us: number;
        maxUs: number;
        errors: WrkRun['errors'];
      };
      const [, um, us, sm, ss] = times.map(Number) as [number, number, number, number, number];
      resolve({
        requests: r.requests,
        seconds: r.durationUs / 1e6,
        p50Ms: r.p50Us / 1000,
        p99Ms: r.p99Us / 1000,
        maxMs: r.maxUs / 1000,
        errors: r.errors,
        cpuSeconds: um * 60 + us + sm * 60 + ss,
      });
    });
  });
}
