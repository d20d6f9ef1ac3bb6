/**
 * PCI DSS v4 defaults for operator accounts (docs/security-audit.md, item 12) over real HTTP and
 * PostgreSQL: TOTP enrolment and sign-in, replay and recovery codes, the secret sealed at rest, an
 * admin's reset, key rotation, and the settings PCI DSS bounds. The browser test is console.e2e.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { loadConsoleConfig } from '../src/adapters/http/console/config';
import { buildConsoleDeps } from '../src/adapters/http/console/wire';
import { base32Decode, totp } from '../src/operators/totp';
import { consoleSettings, type Harness, serveEntry, startHarness, TEST_TOTP_KEYS } from './harness';

const silent = { warn: () => undefined, error: () => undefined };
const admin = { username: 'boss', password: 'boss-password-2026' };

describe('operators with a second factor (real HTTP and PostgreSQL)', () => {
  let h: Harness;
  let base = '';
  let secret = '';
  let recovery: string[] = [];
  let adminId = '';

  const serve = async (env: Record<string, string> = {}) => (await serveEntry(h, { env })).base;

  beforeAll(async () => {
    h = await startHarness('mfa');
    base = await serve();
    const { deps, stop } = buildConsoleDeps(h.core, h.pool, h.schema, consoleSettings(), silent);
    stop();
    adminId = (
      await deps.operators.create(
        { actor: 'cli:test', role: 'cli' },
        { username: admin.username, displayName: 'Boss', role: 'admin', team: null, sipAddress: '' },
        admin.password,
      )
    ).operatorId;
  });
  afterAll(() => h.close());

  const post = (at: string, path: string, body: object, headers: Record<string, string> = {}) =>
    fetch(`${at}/console/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: at, ...headers },
      body: JSON.stringify(body),
    });
  const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const code = (ahead = 0) => totp(base32Decode(secret)!, new Date(h.clock.now().getTime() + ahead * 30_000));
  const signIn = (c: string, at = base) => post(at, '/session', { ...admin, code: c });
  const dbText = async () =>
    JSON.stringify([
      (await h.pool.query(`select * from "${h.schema}".operators`)).rows,
      (await h.pool.query(`select data from "${h.schema}".events where stream_id = $1`, [`operator-${adminId}`])).rows,
      (await h.pool.query(`select * from "${h.schema}".operator_sessions`)).rows,
    ]);

  it('enrols an admin at the first sign-in: a session that opens nothing else, then the first code', async () => {
    const first = await post(base, '/session', admin);
    expect(first.status).toBe(200);
    const started = (await first.json()) as { enrolment: { otpauthUri: string; secret: string }; csrfToken: string };
    secret = started.enrolment.secret;
    expect(started.enrolment.otpauthUri).toContain(`secret=${secret}`);
    const enrolling = cookieOf(first);
    expect((await fetch(`${base}/console/api/session`, { headers: { cookie: enrolling } })).status).toBe(401);
    expect((await fetch(`${base}/console/api/operators`, { headers: { cookie: enrolling } })).status).toBe(401);
    expect(await dbText()).not.toContain(secret);

    const headers = { cookie: enrolling, 'x-csrf-token': started.csrfToken };
    expect((await post(base, '/session/totp', { code: code(-5) }, headers)).status).toBe(400);
    const done = await post(base, '/session/totp', { code: code() }, headers);
    expect(done.status).toBe(201);
    const body = (await done.json()) as { recoveryCodes: string[]; operator: { mfaEnrolled: boolean } };
    recovery = body.recoveryCodes;
    expect(recovery).toHaveLength(10);
    expect(body.operator.mfaEnrolled).toBe(true);
    expect(cookieOf(done)).not.toBe(enrolling);
    expect((await fetch(`${base}/console/api/session`, { headers: { cookie: cookieOf(done) } })).status).toBe(200);
    expect((await post(base, '/session/totp', { code: code() }, headers)).status).toBe(401);
    const stored = await dbText();
    expect(stored).not.toContain(secret);
    for (const r of recovery) expect(stored).not.toContain(r);
  });

  it('signs in with password and code only, never twice with one code, and once with each recovery code', async () => {
    expect((await post(base, '/session', admin)).status).toBe(401);
    expect((await signIn(code())).status).toBe(401); // the code of the enrolment's step, again
    expect((await signIn(code(1))).status).toBe(201);
    expect((await signIn(code(1))).status).toBe(401);
    h.clock.advance(60_000);
    expect((await post(base, '/session', { ...admin, password: 'wrong-password-1', code: code() })).status).toBe(401);
    expect((await signIn(code())).status).toBe(201);
    expect((await signIn(recovery[0]!.toUpperCase())).status).toBe(201);
    expect((await signIn(recovery[0]!)).status).toBe(401);
    const trail = (await h.core.store.readStream(`operator-${adminId}`)).map((e) => e.type);
    expect(trail.filter((t) => t === 'OperatorSignInFailed')).toHaveLength(5);
  });

  it('re-seals the secret under a new key at sign-in, and an admin reset makes the operator enrol again', async () => {
    h.clock.advance(60_000);
    const k2 = `k2:${randomBytes(32).toString('base64')}`;
    const rotated = await serve({ OPERATOR_TOTP_KEYS: `${k2},${TEST_TOTP_KEYS}` });
    const signed = await signIn(code(), rotated);
    expect(signed.status).toBe(201);
    const { rows } = await h.pool.query(
      `select mfa->>'keyId' as key from "${h.schema}".operators where operator_id = $1`,
      [adminId],
    );
    expect(rows[0].key).toBe('k2');
    h.clock.advance(60_000);
    const onlyNew = await serve({ OPERATOR_TOTP_KEYS: k2 });
    const again = await signIn(code(), onlyNew);
    expect(again.status).toBe(201);

    const csrf = ((await again.json()) as { csrfToken: string }).csrfToken;
    const reset = await fetch(`${onlyNew}/console/api/operators/${adminId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', origin: onlyNew, cookie: cookieOf(again), 'x-csrf-token': csrf },
      body: JSON.stringify({ resetMfa: true }),
    });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ mfaEnrolled: false });
    expect((await fetch(`${onlyNew}/console/api/session`, { headers: { cookie: cookieOf(again) } })).status).toBe(401);
    expect((await post(onlyNew, '/session', admin)).status).toBe(200);
  });
});

describe('console settings bounded by PCI DSS v4', () => {
  const env = { OPERATOR_TOKEN_SECRET: 'x', OPERATOR_TOTP_KEYS: TEST_TOTP_KEYS };
  it('defaults to a 15-minute idle timeout, 30-minute lock-out, admins and supervisors with a second factor', () => {
    expect(loadConsoleConfig(env)).toMatchObject({
      sessionIdleMinutes: 15,
      lockoutMinutes: 30,
      mfaRoles: ['admin', 'supervisor'],
    });
    expect(loadConsoleConfig({ ...env, CONSOLE_MFA_ROLES: 'operator,supervisor,admin' }).mfaRoles).toContain(
      'operator',
    );
  });

  it('refuses settings beyond them, and a missing or malformed key', () => {
    for (const bad of [
      { CONSOLE_LOCKOUT_FAILURES: '11' },
      { CONSOLE_LOCKOUT_MINUTES: '29' },
      { CONSOLE_SESSION_IDLE_MINUTES: '16' },
      { CONSOLE_MFA_ROLES: 'admin' },
      { CONSOLE_MFA_ROLES: 'admin,supervisor,root' },
      { OPERATOR_TOTP_KEYS: '' },
      { OPERATOR_TOTP_KEYS: 'k1:c2hvcnQ=' },
    ])
      expect(() => loadConsoleConfig({ ...env, ...bad })).toThrow();
  });
});
