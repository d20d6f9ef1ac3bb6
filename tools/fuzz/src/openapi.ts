/**
 * The REST API under an established OpenAPI fuzzer: schemathesis (pinned, tools/fuzz/requirements.txt)
 * against a real order-link process (the built bundle, `make build`) reading its served document
 * /v1/openapi.json, with an API key issued through order-link's CLI. Notification is not started, so the
 * webhook operations answer their documented 503 ("the webhook service is not reachable"): those are
 * counted apart from other 5xx answers, which are bugs.
 *
 *   tsx tools/fuzz/src/openapi.ts [--max-examples N] [--seconds S] [--seed N]
 *
 * revokeApiKey is left out (see below). Prints cases, answers by status, 5xx, and schemathesis's failures by check. Exits 1 on a 500-class
 * answer other than that 503, or when order-link dies.
 */
import '../../../scripts/load-env';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@ivr/testkit/ports';
import { ServiceProcess } from '@ivr/testkit/service-process';
import { issueApiKey } from './api-key';
import { parseArgs } from './run-properties';

const ROOT = join(__dirname, '..', '..', '..');

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number; content?: { text?: string } };
}

function schemathesisBin(): string {
  const out = execFileSync(join(ROOT, 'tools', 'fuzz', 'install-schemathesis.sh'), ['--print-env'], {
    encoding: 'utf8',
  });
  const venv = /^VENV=(.+)$/m.exec(out)?.[1];
  if (!venv) throw new Error('install-schemathesis.sh printed no VENV');
  return join(venv, 'bin', 'schemathesis');
}

const isWebhookUnavailable = (e: HarEntry) =>
  e.response.status === 503 && (e.response.content?.text ?? '').includes('/problems/unavailable');

async function main(): Promise<void> {
  const argv = process.argv.slice(2).map((a) => (a === '--max-examples' ? '--runs' : a));
  const opts = parseArgs(argv, { runs: 50, seconds: 120 });
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const bin = schemathesisBin();
  const httpPort = await freePort();
  const orderLink = await ServiceProcess.start('order-link', {
    env: { HTTP_PORT: String(httpPort), GRPC_PORT: String(await freePort()) },
  });
  // Outside .var: the shared infrastructure folder may be rebuilt under a running fuzzer.
  const reportDir = mkdtempSync(join(tmpdir(), 'ivr-schemathesis-'));
  let exitCode = 0;
  try {
    const key = issueApiKey(`fuzz-api-${Date.now()}`);
    console.log(`fuzz api: schemathesis, ${opts.runs} examples per operation, at most ${opts.seconds} s, seed ${seed}`);
    const run = spawnSync(
      bin,
      [
        'run',
        `http://127.0.0.1:${httpPort}/v1/openapi.json`,
        '--header',
        `Authorization: Bearer ${key}`,
        '--checks',
        'all',
        // Revoking keys would sooner or later revoke the fuzzer's own key and turn the rest of the run into
        // 401s; revocation is covered by services/order-link/test/rest-api.int.test.ts.
        '--exclude-operation-id',
        'revokeApiKey',
        '--max-examples',
        String(opts.runs),
        '--max-time',
        String(opts.seconds),
        '--seed',
        String(seed),
        '--workers',
        '2',
        '--generation-database',
        'none',
        '--report',
        'har,junit',
        '--report-dir',
        reportDir,
        '--no-color',
      ],
      // cwd: schemathesis keeps a .schemathesis/ cache in its working folder, which is no place for the repository.
      { cwd: reportDir, encoding: 'utf8', timeout: (opts.seconds + 120) * 1000, maxBuffer: 256 * 1024 * 1024 },
    );
    const output = `${run.stdout}${run.stderr}`;
    const summary = output.slice(output.lastIndexOf('SUMMARY'));
    const harFile = readdirSync(reportDir).find((f) => f.startsWith('har'));
    if (!harFile) throw new Error(`schemathesis wrote no HAR report:\n${output.slice(-3000)}`);
    const entries = (JSON.parse(readFileSync(join(reportDir, harFile), 'utf8')) as { log: { entries: HarEntry[] } }).log
      .entries;
    const byStatus = new Map<number, number>();
    for (const e of entries) byStatus.set(e.response.status, (byStatus.get(e.response.status) ?? 0) + 1);
    const serverErrors = entries.filter((e) => e.response.status >= 500 && !isWebhookUnavailable(e));
    const webhook503 = entries.filter(isWebhookUnavailable).length;
    const statuses = [...byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s} ${n}`);
    console.log(`  answers by status: ${statuses.join(', ')}`);
    console.log(
      `  schemathesis summary:\n${summary
        .split('\n')
        .filter((l) => /ST\d|generated|Tested/.test(l))
        .map((l) => `    ${l.trim()}`)
        .join('\n')}`,
    );
    for (const e of serverErrors.slice(0, 10))
      console.log(`    5xx: ${e.request.method} ${e.request.url} → ${e.response.status}`);
    const alive = await fetch(`${orderLink.adminUrl}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    console.log(
      `fuzz api: ${entries.length} cases, ${serverErrors.length} 5xx answers (plus ${webhook503} documented 503 from the absent webhook service), order-link ${alive ? 'alive' : 'DEAD'}; reports in ${reportDir}`,
    );
    if (serverErrors.length > 0 || !alive) exitCode = 1;
  } finally {
    await orderLink.stop();
  }
  // The HAR holds the API key in its headers: keep only the JUnit report.
  for (const f of readdirSync(reportDir)) if (f.startsWith('har')) rmSync(join(reportDir, f));
  process.exitCode = exitCode;
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
