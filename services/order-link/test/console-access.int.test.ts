/**
 * Who sees which payment in the console, and operator sessions, against real PostgreSQL (a fresh
 * schema of the test database).
 */
import { buildOperators } from '../src/adapters/http/console/wire';
import { ConsoleQueries, type Viewer } from '../src/adapters/pg/console-queries';
import type { Acting } from '../src/app/operators-app';
import type { CreatePaymentInput } from '../src/app/payments-app';
import type { Principal } from '../src/app/ports';
import { type Harness, startHarness, validPayment } from './harness';

const cli: Acting = { actor: 'cli:test', role: 'cli' };
const settings = { sessionTtlMinutes: 60, sessionIdleMinutes: 15, lockoutFailures: 3, lockoutMinutes: 30 };

describe('console access (real PostgreSQL)', () => {
  let h: Harness;
  let ops: ReturnType<typeof buildOperators>;
  let queries: ConsoleQueries;
  const ids: Record<string, string> = {};
  const viewer: Record<string, Viewer> = {};

  const operatorPrincipal = (operatorId: string): Principal => ({
    actor: { kind: 'operator', id: operatorId },
    orderSystem: 'console',
    scopes: new Set(['payments:read', 'payments:write']),
  });
  const shop: Principal = {
    actor: { kind: 'api_key', id: 'k1', orderSystem: 'shop' },
    orderSystem: 'shop',
    scopes: new Set(['payments:read', 'payments:write']),
  };

  beforeAll(async () => {
    h = await startHarness('console');
    ops = buildOperators(h.core, h.pool, h.schema, settings);
    queries = new ConsoleQueries(h.pool, h.schema);
    const make = async (username: string, role: 'operator' | 'supervisor' | 'admin', team: string | null) => {
      const o = await ops.operators.create(
        cli,
        { username, displayName: username, role, team, sipAddress: '' },
        `${username}-password-123`,
      );
      ids[username] = o.operatorId;
      viewer[username] = { operatorId: o.operatorId, role, team };
    };
    await make('admin1', 'admin', null);
    await make('sup-a', 'supervisor', 'a');
    await make('op-a1', 'operator', 'a');
    await make('op-b1', 'operator', 'b');
    const create = (who: Principal, orderId: string, metadata: Record<string, string> = {}) =>
      h.core.paymentsApp.create(who, `key-${orderId}`, { ...validPayment(orderId), metadata } as CreatePaymentInput);
    await create(operatorPrincipal(ids['op-a1']!), 'order-a1', { operatorId: ids['op-a1']! });
    await create(operatorPrincipal(ids['op-b1']!), 'order-b1', { operatorId: ids['op-b1']! });
    await create(shop, 'order-unassigned');
    await create(shop, 'order-for-b1', { operatorId: ids['op-b1']! });
  });

  afterAll(() => h.close());

  const orders = async (who: string, orderId?: string) =>
    (await queries.search(viewer[who]!, { limit: 50, ...(orderId ? { orderId } : {}) }))
      .map((p) => p.payment.request.orderId)
      .sort();

  it('shows operators their own payments, and an unassigned one only when opened by its order id', async () => {
    expect(await orders('op-a1')).toEqual(['order-a1']);
    expect(await orders('op-b1')).toEqual(['order-b1', 'order-for-b1']);
    expect(await orders('op-a1', 'order-unassigned')).toEqual(['order-unassigned']);
    expect(await orders('op-a1', 'order-b1')).toEqual([]);
  });

  it("shows supervisors their team's payments and admins everything", async () => {
    expect(await orders('sup-a')).toEqual(['order-a1']);
    expect(await orders('admin1')).toEqual(['order-a1', 'order-b1', 'order-for-b1', 'order-unassigned']);
    const b1 = (await queries.search(viewer.admin1!, { limit: 5, orderId: 'order-b1' }))[0]!;
    expect(await queries.get(viewer['sup-a']!, b1.payment.request.paymentId)).toBeNull();
    expect((await queries.get(viewer['op-b1']!, b1.payment.request.paymentId))?.operatorName).toBe('op-b1');
  });

  it('ends sessions on sign-out, on a new password and when the operator is disabled', async () => {
    const first = await ops.operators.signIn('op-a1', 'op-a1-password-123');
    expect((await ops.operators.session(first.sessionSecret))?.operator.username).toBe('op-a1');
    await ops.operators.signOut(first.sessionSecret, ids['op-a1']!);
    expect(await ops.operators.session(first.sessionSecret)).toBeNull();

    const second = await ops.operators.signIn('op-a1', 'op-a1-password-123');
    await ops.operators.change(cli, ids['op-a1']!, { password: 'a-brand-new-password-2' });
    expect(await ops.operators.session(second.sessionSecret)).toBeNull();

    const third = await ops.operators.signIn('op-a1', 'a-brand-new-password-2');
    await ops.operators.change(cli, ids['op-a1']!, { disabled: true });
    expect(await ops.operators.session(third.sessionSecret)).toBeNull();
    await expect(ops.operators.signIn('op-a1', 'a-brand-new-password-2')).rejects.toMatchObject({
      kind: 'unauthenticated',
    });
  });

  it('refuses to demote or disable the last admin, and keeps every change in the audit trail', async () => {
    await expect(ops.operators.change(cli, ids.admin1!, { role: 'operator' })).rejects.toMatchObject({
      kind: 'invalid_state',
    });
    const trail = await ops.operators.history(cli, ids['op-a1']!);
    expect(trail.map((e) => e.type)).toEqual([
      'OperatorCreated',
      'OperatorSignedIn',
      'OperatorSignedOut',
      'OperatorSignedIn',
      'OperatorPasswordSet',
      'OperatorSignedIn',
      'OperatorDisabled',
      'OperatorSignInFailed',
    ]);
    expect(JSON.stringify(trail)).not.toContain('scrypt$');
  });
});
