import { AuthorizationStatus } from '@ivr/contracts/authorization/v1';
import { type PspSimulator, startPspSimulator } from '@ivr/psp-simulator';
import { mulberry32 } from '@ivr/testkit/seeded-random';
import {
  authorizeRequest,
  cardToken,
  charges,
  clearFaults,
  grpcApi,
  type Harness,
  newPaymentId,
  setFault,
  startHarness,
} from './harness';

/**
 * Property: whatever sequence of requests, duplicates, PSP faults and restarts happens, the PSP never
 * charges a payment twice, and once everything is reconciled each authorization agrees with the PSP.
 * Sequences are random but seeded: a failure names its seed and replays exactly.
 */

const FAULTS = ['timeout', 'http500', 'http503', 'malformed', 'reset'] as const;
const CARDS = ['4242424242424242', '5555555555554444', '4000000000000002', '4000000000009995'];

let sim: PspSimulator;
beforeAll(async () => {
  sim = await startPspSimulator({ port: 0 });
});
afterAll(() => sim.close());

describe('no double charge under random requests, duplicates, faults and restarts', () => {
  it.each([11, 23, 37, 41])('seed %i', async (seed) => {
    const random = mulberry32(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const h: Harness = await startHarness({ simulator: sim, pspTimeoutMs: 1000, retries: 1 });
    try {
      const api = grpcApi(h.client);
      const payments = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const paymentId = newPaymentId();
          return authorizeRequest(paymentId, await cardToken(sim, pick(CARDS)));
        }),
      );
      const log: string[] = [];
      for (let step = 0; step < 25; step++) {
        const request = pick(payments);
        const roll = random();
        if (roll < 0.35) {
          log.push(`authorize ${request.paymentId}`);
          await api.authorize(request);
        } else if (roll < 0.5) {
          log.push(`authorize x3 concurrently ${request.paymentId}`);
          await Promise.all([api.authorize(request), api.authorize(request), api.authorize(request)]);
        } else if (roll < 0.7) {
          const mode = pick(FAULTS);
          const count = 1 + Math.floor(random() * 3);
          log.push(`fault ${mode} x${count}`);
          await setFault(sim, { mode, count, path: '/v1/payment_intents' });
        } else if (roll < 0.8) {
          log.push('restart');
          await h.restart();
          await h.authorizations.reconcilePending(0);
        } else if (roll < 0.9) {
          log.push(`capture ${request.paymentId}`);
          await api.capture({ paymentId: request.paymentId, correlationId: '' });
        } else {
          log.push(`void ${request.paymentId}`);
          await api.void({ paymentId: request.paymentId, correlationId: '' });
        }
      }

      await clearFaults(sim);
      for (const request of payments) await api.authorize(request);
      // On a loaded machine a healthy call can still time out; settle until nothing is pending.
      for (let round = 0; round < 5; round++) {
        const { rows } = await h.pool.query(`select count(*)::int as n from "${h.schema}".pending_authorizations`);
        if (rows[0].n === 0) break;
        await h.authorizations.reconcilePending(0);
      }

      const counts = await charges(sim);
      const context = `seed ${seed}: ${log.join('; ')}`;
      for (const request of payments) {
        const charged = counts.byPaymentId[request.paymentId] ?? 0;
        expect({ context, paymentId: request.paymentId, charged: charged <= 1 }).toEqual({
          context,
          paymentId: request.paymentId,
          charged: true,
        });
        const key = `${request.paymentId}:authorize`;
        expect({ context, key, count: counts.byIdempotencyKey[key] ?? 0 }).toEqual({ context, key, count: charged });
        const state = await api.get({ paymentId: request.paymentId });
        const status = state.ok ? state.value.authorization?.status : undefined;
        const chargedStatuses = [
          AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED,
          AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED,
          AuthorizationStatus.AUTHORIZATION_STATUS_VOIDED,
        ];
        expect({
          context,
          status,
          agrees: chargedStatuses.includes(status as AuthorizationStatus) === (charged === 1),
        }).toEqual({
          context,
          status,
          agrees: true,
        });
      }
    } finally {
      await clearFaults(sim);
      await h.close();
    }
  });
});
