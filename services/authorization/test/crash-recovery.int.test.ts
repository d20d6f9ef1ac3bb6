import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { AuthorizationServiceClient, AuthorizationStatus } from '@ivr/contracts/authorization/v1';
import { createPgPool } from '@ivr/eventstore';
import { type PspSimulator, startPspSimulator } from '@ivr/psp-simulator';
import { clientCredentials } from '@ivr/testkit/certificates';
import { freePort } from '@ivr/testkit/ports';
import type { Pool } from 'pg';
import { authorizeRequest, cardToken, charges, grpcApi, newPaymentId, setFault } from './harness';

/**
 * The process is killed (SIGKILL) after the PSP charged and answered but before the outcome was
 * appended: the append is held back by a table lock the test takes. On restart the reconciler
 * settles the authorization by repeating the call with the same idempotency key: the PSP answers
 * with the stored result, and the payment is charged exactly once.
 */
const ROOT = join(__dirname, '..', '..', '..');
const schema = `authz_crash_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
let sim: PspSimulator;
let pool: Pool;
const children: ChildProcess[] = [];

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
    if (children.some((c) => c.exitCode !== null && c.signalCode === null))
      throw new Error(`service exited while waiting for ${what}`);
  }
}

async function startService(reconcileAfterMs: number): Promise<{ child: ChildProcess; grpcPort: number }> {
  const [grpcPort, adminPort] = [await freePort(), await freePort()];
  const log = openSync(join(process.env.IVR_LOG_DIR ?? '/tmp', `authorization-crash-test-${schema}.log`), 'a');
  const child = spawn(process.execPath, [join(ROOT, 'services/authorization/dist/main.js')], {
    env: {
      ...process.env,
      AUTHORIZATION_DATABASE_URL: process.env.IVR_TEST_DATABASE_URL,
      AUTHORIZATION_DB_SCHEMA: schema,
      OUTBOX_RELAY_ENABLED: 'false',
      GRPC_PORT: String(grpcPort),
      ADMIN_PORT: String(adminPort),
      PSP_URL: sim.url,
      PSP_API_KEY: 'sk_test_crash',
      PSP_TIMEOUT_MS: '10000',
      RECONCILE_AFTER_MS: String(reconcileAfterMs),
      RECONCILE_INTERVAL_MS: '200',
      LOG_LEVEL: 'info',
      // The append travels with its COMMIT (one round trip), so PostgreSQL holds the COMMIT while the
      // append waits on the test's lock: without this check it would commit for a client already
      // killed. With it, the server sees the client gone while it waits and rolls back, as a crash
      // before the append would leave it.
      PGOPTIONS: '-c client_connection_check_interval=100',
    },
    stdio: ['ignore', log, log],
  });
  children.push(child);
  await until('readyz', async () => (await fetch(`http://127.0.0.1:${adminPort}/readyz`)).ok);
  return { child, grpcPort };
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-services.mjs'), 'authorization'], { cwd: ROOT });
  sim = await startPspSimulator({ port: 0 });
  pool = createPgPool(process.env.IVR_TEST_DATABASE_URL ?? '', { applicationName: 'authorization-crash-test' });
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await sim.close();
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
});

it('a kill between the PSP answer and the append is recovered on restart without a second charge', async () => {
  const first = await startService(3_600_000);
  const paymentId = newPaymentId();
  const card = await cardToken(sim, '4242424242424242');
  // The PSP takes a while, so that the test can block the append before the answer arrives.
  await setFault(sim, { mode: 'none', latencyMs: 1500, count: 1, path: '/v1/payment_intents' });
  const client = new AuthorizationServiceClient(`127.0.0.1:${first.grpcPort}`, clientCredentials('call-control'));
  const inFlight = grpcApi(client).authorize(authorizeRequest(paymentId, card));

  await until('the request event', async () => {
    const { rows } = await pool.query(`select count(*)::int as n from "${schema}".events where stream_id = $1`, [
      paymentId,
    ]);
    return rows[0].n === 1;
  });
  const blocker = await pool.connect();
  await blocker.query('begin');
  await blocker.query(`lock table "${schema}".events in exclusive mode`);
  await until('the charge at the PSP', async () => (await charges(sim)).byPaymentId[paymentId] === 1);
  const { rows: blockerPid } = await blocker.query('select pg_backend_pid() as pid');
  const waiting = async () => {
    const { rows } = await pool.query(
      `select count(*)::int as n from pg_stat_activity where $1::int = any(pg_blocking_pids(pid))`,
      [blockerPid[0].pid],
    );
    return rows[0].n as number;
  };
  await until('the append to wait on the lock', async () => (await waiting()) > 0);
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  // The server ends the killed client's session while it waits (client_connection_check_interval).
  await until('the killed service to be gone from the server', async () => (await waiting()) === 0);
  await blocker.query('rollback');
  blocker.release();
  await inFlight;
  client.close();

  const { rows: before } = await pool.query(
    `select type from "${schema}".events where stream_id = $1 order by version`,
    [paymentId],
  );
  expect(before.map((r) => r.type)).toEqual(['AuthorizationRequested']);

  const second = await startService(0);
  const restarted = new AuthorizationServiceClient(`127.0.0.1:${second.grpcPort}`, clientCredentials('call-control'));
  const settled = await until('reconciliation', async () => {
    const got = await grpcApi(restarted).get({ paymentId });
    const status = got.ok ? got.value.authorization?.status : undefined;
    return status === AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED ? got : undefined;
  });
  restarted.close();
  expect(settled.ok && settled.value.authorization?.pspReference).toMatch(/^pi_/);
  const counts = await charges(sim);
  expect(counts.byPaymentId[paymentId]).toBe(1);
  expect(counts.byIdempotencyKey[`${paymentId}:authorize`]).toBe(1);
  const { rows: after } = await pool.query(
    `select type from "${schema}".events where stream_id = $1 order by version`,
    [paymentId],
  );
  expect(after.map((r) => r.type)).toEqual(['AuthorizationRequested', 'AuthorizationApproved']);
  second.child.kill('SIGTERM');
  await new Promise((r) => second.child.once('exit', r));
});
