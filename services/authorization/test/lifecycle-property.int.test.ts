import { randomUUID } from 'node:crypto';
import type { PaymentOperation } from '@ivr/contracts';
import { PaymentMode } from '@ivr/contracts/common/v1';
import { mulberry32 } from '@ivr/testkit/seeded-random';
import type { AuthorizationState } from '../src/authorization';
import { authorizeRequest, clearFaults, grpcApi, type Harness, newPaymentId, setFault } from './harness';
import { PSPS, type Psp, type PspBooks, propertyHarness, settlePending } from './psps';

/**
 * Property, against both simulators (Stripe's API with multicapture, and GMO-PG's): whatever random
 * lifecycle the payments go through (authorizations, captures whole, partial and in parts, voids, refunds
 * partial and full, requests the rule refuses, the same operation asked again or twice at once, PSP faults
 * after the PSP acted, restarts, merchant-initiated charges of a stored card, also asked twice), at every step
 * no payment has more refunded than captured nor more captured than authorized, nor more than one charge at
 * the PSP; once everything is reconciled the PSP's ledger equals the product's for every payment (held,
 * taken, given back), no payment is charged twice and no operation applied twice.
 * Operations are asked as order-link's requests are (the use case its Kafka consumer calls). Seeded: a
 * failure names its seed and its steps, and replays exactly.
 */

interface Asked {
  paymentId: string;
  operationId: string;
  operation: PaymentOperation;
  amount: number | null;
  final?: boolean;
}

/** The product's ledger of one payment, from authorization's own state, in the PSP's terms. */
function productBooks(s: AuthorizationState | undefined): PspBooks & { status: string } {
  if (!s || !['APPROVED', 'CAPTURED', 'VOIDED', 'REFUNDED'].includes(s.status)) {
    return { status: s?.status ?? 'NEW', charges: 0, held: 0, settled: 0, refunded: 0 };
  }
  const authorized = s.amount?.minorUnits ?? 0;
  const captured = s.capturedAmount?.minorUnits ?? 0;
  const held = s.status === 'VOIDED' || s.finalCaptured ? 0 : authorized - captured;
  return {
    status: s.status,
    charges: 1,
    held,
    settled: captured - s.refundedMinorUnits,
    refunded: s.refundedMinorUnits,
  };
}

describe.each(PSPS)('random lifecycles: the PSP agrees with the product: %s', (_name, startPsp) => {
  let psp: Psp;
  beforeAll(async () => {
    psp = await startPsp();
  });
  afterAll(() => psp.close());

  it.each([3, 17, 29, 53])('seed %i', async (seed) => {
    const random = mulberry32(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const sim = { url: psp.url, close: async () => {} };
    const h: Harness = await propertyHarness(psp);
    const log: string[] = [];
    try {
      const api = grpcApi(h.client);
      const payments = await Promise.all(
        Array.from({ length: 5 }, async (_, i) =>
          authorizeRequest(newPaymentId(), await psp.card(pick(psp.approvedCards)), {
            amount: { minorUnits: 1000 + 100 * i, currency: 'JPY' },
            // One sale captured at once: only refunds apply to it.
            mode: i === 4 ? PaymentMode.PAYMENT_MODE_CAPTURE : PaymentMode.PAYMENT_MODE_AUTHORIZE,
          }),
        ),
      );
      // Authorized first (a lifecycle starts with an approval); authorizing again later is one more step.
      for (const request of payments) await api.authorize(request);
      // A card stored by a registration, charged later without a call (merchant-initiated).
      const registration = authorizeRequest(newPaymentId(), await psp.card(pick(psp.approvedCards)), {
        mode: PaymentMode.PAYMENT_MODE_REGISTER_CARD,
        amount: undefined,
      });
      const registered = await api.authorize(registration);
      const stored = registered.ok ? registered.value.authorization : undefined;
      expect(stored?.storedCardReference).toBeTruthy();
      const mits: string[] = [];
      const chargeStored = (paymentId: string) =>
        h.authorizations.chargeStoredCard({
          paymentId,
          registrationPaymentId: registration.paymentId,
          storedCardReference: stored?.storedCardReference ?? '',
          customerReference: stored?.customerReference ?? '',
          mode: 'AUTHORIZE',
          amount: { minorUnits: 800, currency: 'JPY' },
          orderReference: `mit-${paymentId}`,
        });
      const asked: Asked[] = [];
      const state = (paymentId: string) => h.authorizations.get(paymentId).catch(() => undefined);
      const ask = (a: Asked) =>
        h.authorizations.requestOperation({
          paymentId: a.paymentId,
          operationId: a.operationId,
          operation: a.operation,
          amount: a.amount === null ? null : { minorUnits: a.amount, currency: 'JPY' },
          ...(a.final !== undefined ? { final: a.final } : {}),
        });

      const targets = () => [...payments.map((p) => p.paymentId), ...mits];
      for (let step = 0; step < 40; step++) {
        const request = { paymentId: pick(targets()) };
        const roll = random();
        if (roll < 0.05) {
          const again = pick(payments);
          log.push(`authorize ${again.paymentId}`);
          await api.authorize(again);
        } else if (roll < 0.1) {
          // A merchant-initiated charge, or the same one again (a redelivered PaymentRequested).
          const again = mits.length > 0 && random() < 0.4;
          const paymentId = again ? pick(mits) : newPaymentId();
          log.push(`mit${again ? ' again' : ''} ${paymentId}`);
          if (!again) mits.push(paymentId);
          await chargeStored(paymentId);
        } else if (roll < 0.22) {
          const mode = pick(psp.faults);
          const count = 1 + Math.floor(random() * 2);
          log.push(`fault ${mode} x${count}`);
          await setFault(sim, { mode, count, path: psp.faultPath });
        } else if (roll < 0.28) {
          log.push('restart');
          await h.restart();
          await h.authorizations.reconcilePending(0);
        } else if (roll < 0.34) {
          log.push('reconcile');
          await h.authorizations.reconcilePending(0);
        } else if (roll < 0.42 && asked.length > 0) {
          // The same operation again (a redelivery or a client's retry), sometimes twice at once.
          const again = pick(asked);
          const twice = random() < 0.5;
          log.push(`again${twice ? ' x2' : ''} ${again.operationId}`);
          await Promise.all(twice ? [ask(again), ask(again)] : [ask(again)]);
        } else {
          const s = await state(request.paymentId);
          const authorized = s?.amount?.minorUnits ?? 1000;
          const captured = s?.capturedAmount?.minorUnits ?? 0;
          const refundable = captured - (s?.refundedMinorUnits ?? 0);
          const operation = pick(['CAPTURE', 'CAPTURE', 'VOID', 'REFUND', 'REFUND'] as const);
          // Mostly within what the rule allows, sometimes beyond it (refused, nothing sent).
          const within = random() < 0.85;
          let amount: number | null = null;
          if (operation === 'CAPTURE' && random() < 0.6)
            amount = within ? 1 + Math.floor(random() * Math.max(1, authorized - captured)) : authorized + 1;
          if (operation === 'REFUND' && random() < 0.7)
            amount = within ? 1 + Math.floor(random() * Math.max(1, refundable)) : refundable + 1;
          // A capture in parts (refused where the PSP captures once): part of what is left.
          const inParts = operation === 'CAPTURE' && random() < 0.4;
          if (inParts && authorized - captured > 1) amount = 1 + Math.floor(random() * (authorized - captured - 1));
          const a: Asked = {
            paymentId: request.paymentId,
            operationId: `${operation.slice(0, 3).toLowerCase()}_${randomUUID().slice(0, 8)}`,
            operation,
            amount,
            ...(inParts ? { final: false } : {}),
          };
          log.push(
            `${operation} ${a.paymentId} ${amount ?? 'all'}${a.final === false ? ' not-final' : ''} (${a.operationId})`,
          );
          asked.push(a);
          await ask(a);
        }
        // At every step, whatever is pending: nothing refunded beyond what was captured, nothing captured
        // beyond what was authorized, one charge at most at the PSP.
        for (const paymentId of targets()) {
          const s = await state(paymentId);
          const authorized = s?.amount?.minorUnits ?? 0;
          const captured = s?.capturedAmount?.minorUnits ?? 0;
          const refunded = s?.refundedMinorUnits ?? 0;
          const ok = refunded <= captured && captured <= authorized && (await psp.books(paymentId)).charges <= 1;
          if (!ok)
            throw new Error(
              `seed ${seed}, ${paymentId}: ${JSON.stringify({ authorized, captured, refunded })}; ${log.join('; ')}`,
            );
        }
      }

      await clearFaults(sim);
      // Settle everything (the stored-card charges too: a lost answer is settled like any authorization): authorizations never answered, then operations left pending (the reconciler's work).
      for (const request of payments) await api.authorize(request);
      await settlePending(h);

      const context = `seed ${seed}: ${log.join('; ')}`;
      for (const request of targets().map((paymentId) => ({ paymentId }))) {
        const s = await state(request.paymentId);
        const { status, ...product } = productBooks(s);
        const books = await psp.books(request.paymentId);
        const pending = Object.values(s?.operations ?? {}).filter((op) => op.status === 'PENDING');
        expect({ context, paymentId: request.paymentId, status, pending, books }).toEqual({
          context,
          paymentId: request.paymentId,
          status,
          pending: [],
          books: product,
        });
      }
    } finally {
      await clearFaults(sim);
      await h.close();
    }
  });
});
