import { status } from '@grpc/grpc-js';
import { AuthorizationStatus } from '@ivr/contracts/authorization/v1';
import { mulberry32 } from '@ivr/testkit/seeded-random';
import { authorizeRequest, clearFaults, grpcApi, type Harness, newPaymentId, setFault } from './harness';
import { PSPS, type Psp, type PspBooks, propertyHarness, settlePending } from './psps';

/**
 * Property, against both simulators (Stripe's API and GMO-PG's): whatever sequence of requests,
 * duplicates, PSP faults and restarts happens, the PSP never applies an operation twice (one charge per
 * payment at most), and once everything is reconciled the PSP's ledger equals the product's for every
 * payment: what it holds (authorized), took (captured) or released (voided). Sequences are random but
 * seeded: a failure names its seed and replays exactly.
 */

const FAULTS = ['timeout', 'http500', 'http503', 'malformed', 'reset'] as const;

describe.each(PSPS)('no double charge, and the PSP agrees with the product: %s', (_name, startPsp) => {
  let psp: Psp;
  beforeAll(async () => {
    psp = await startPsp();
  });
  afterAll(() => psp.close());

  it.each([11, 23, 37, 41])('seed %i', async (seed) => {
    const random = mulberry32(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const sim = { url: psp.url, close: async () => {} };
    const h: Harness = await propertyHarness(psp);
    try {
      const api = grpcApi(h.client);
      const payments = await Promise.all(
        Array.from({ length: 6 }, async () => authorizeRequest(newPaymentId(), await psp.card(pick(psp.cards)))),
      );
      const log: string[] = [];
      // Captures and voids the service could not confirm (UNAVAILABLE): the caller is told to repeat them
      // with the same payment id, and does, at the end, in order.
      const unconfirmed: { op: 'capture' | 'void'; paymentId: string }[] = [];
      const change = async (op: 'capture' | 'void', paymentId: string) => {
        const answer = await api[op]({ paymentId, correlationId: '' });
        if (!answer.ok && answer.error.code === status.UNAVAILABLE) unconfirmed.push({ op, paymentId });
        return answer;
      };
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
          await setFault(sim, { mode, count, path: psp.faultPath });
        } else if (roll < 0.8) {
          log.push('restart');
          await h.restart();
          await h.authorizations.reconcilePending(0);
        } else if (roll < 0.9) {
          log.push(`capture ${request.paymentId}`);
          await change('capture', request.paymentId);
        } else {
          log.push(`void ${request.paymentId}`);
          await change('void', request.paymentId);
        }
      }

      await clearFaults(sim);
      for (const request of payments) await api.authorize(request);
      // On a loaded machine a healthy call can still time out; settle until nothing is pending.
      await settlePending(h);
      for (const { op, paymentId } of unconfirmed) {
        for (let attempt = 0; attempt < 5; attempt++) {
          const answer = await api[op]({ paymentId, correlationId: '' });
          if (answer.ok || answer.error.code !== status.UNAVAILABLE) break;
        }
      }

      const context = `seed ${seed}: ${log.join('; ')}`;
      for (const request of payments) {
        const books = await psp.books(request.paymentId);
        const state = await api.get({ paymentId: request.paymentId });
        const a = state.ok ? state.value.authorization : undefined;
        const amount = a?.amount?.minorUnits ?? 0;
        // The product's ledger, from its own state: what it believes the PSP holds and took.
        const product: PspBooks = {
          charges: [
            AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED,
            AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED,
            AuthorizationStatus.AUTHORIZATION_STATUS_VOIDED,
          ].includes(a?.status as AuthorizationStatus)
            ? 1
            : 0,
          held: a?.status === AuthorizationStatus.AUTHORIZATION_STATUS_APPROVED ? amount : 0,
          settled:
            a?.status === AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED ? (a.capturedAmount?.minorUnits ?? 0) : 0,
          refunded: 0,
        };
        expect({ context, paymentId: request.paymentId, status: a?.status, books }).toEqual({
          context,
          paymentId: request.paymentId,
          status: a?.status,
          books: product,
        });
      }
    } finally {
      await clearFaults(sim);
      await h.close();
    }
  });
});
