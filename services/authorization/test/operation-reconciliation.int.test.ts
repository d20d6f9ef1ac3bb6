import type { PaymentOperation } from '@ivr/contracts';
import { PaymentMode } from '@ivr/contracts/common/v1';
import { authorizeRequest, clearFaults, grpcApi, type Harness, newPaymentId, setFault, startHarness } from './harness';
import { PSPS, type Psp, settlePending } from './psps';

/**
 * A capture, void or refund whose PSP answer was lost (the PSP acted, the answer never came: the simulators'
 * `timeout` fault) is left PENDING, then resolved by asking the PSP, also from a restarted process: the same
 * idempotency key at Stripe (which answers the first result), SearchTrade at GMO-PG (the transaction's status
 * and amount say whether it was done). Never sent blindly a second time: the PSP's books show each capture and
 * refund once. No retries inside the request, so the loss reaches the reconciler.
 */

/** Where each operation's last, money-moving call goes, per PSP (the fault's path prefix). */
const CALLS: Record<string, Record<PaymentOperation | 'PARTIAL_REFUND', string>> = {
  'Stripe API (PSP simulator)': {
    CAPTURE: '/v1/payment_intents/',
    VOID: '/v1/payment_intents/',
    REFUND: '/v1/refunds',
    PARTIAL_REFUND: '/v1/refunds',
  },
  'GMO-PG (GMO-PG simulator)': {
    // A partial capture is ChangeTran then AlterTran SALES; a full refund AlterTran VOID/RETURN; a partial one ChangeTran.
    CAPTURE: '/payment/AlterTran',
    VOID: '/payment/AlterTran',
    REFUND: '/payment/AlterTran',
    PARTIAL_REFUND: '/payment/ChangeTran',
  },
};

describe.each(PSPS)(
  'an operation whose PSP answer was lost is reconciled, never repeated blindly: %s',
  (name, start) => {
    let psp: Psp;
    let h: Harness;
    const calls = CALLS[name]!;
    beforeAll(async () => {
      psp = await start();
      h = await startHarness({
        simulator: { url: psp.url, close: async () => {} },
        pspBaseUrl: psp.url,
        ...(psp.account ? { account: psp.account } : {}),
        pspTimeoutMs: 1000,
        retries: 0,
      });
    });
    afterAll(async () => {
      await clearFaults(psp);
      await h.close();
      await psp.close();
    });
    afterEach(() => clearFaults(psp));

    async function authorized(amount: number): Promise<string> {
      const paymentId = newPaymentId();
      const answer = await grpcApi(h.client).authorize(
        authorizeRequest(paymentId, await psp.card(psp.approvedCards[0]!), {
          amount: { minorUnits: amount, currency: 'JPY' },
          mode: PaymentMode.PAYMENT_MODE_AUTHORIZE,
        }),
      );
      expect(answer).toMatchObject({ ok: true });
      return paymentId;
    }

    /** Asks for the operation with the answer of its money-moving call lost: it must stay PENDING. */
    async function lost(paymentId: string, operationId: string, operation: PaymentOperation, amount: number | null) {
      const path = operation === 'REFUND' && amount !== null ? calls.PARTIAL_REFUND : calls[operation];
      await setFault(psp, { mode: 'timeout', count: 1, path });
      const state = await h.authorizations.requestOperation({
        paymentId,
        operationId,
        operation,
        amount: amount === null ? null : { minorUnits: amount, currency: 'JPY' },
      });
      expect(state.operations[operationId]?.status).toBe('PENDING');
      await clearFaults(psp);
    }

    /** A restart, then the reconciler until nothing is pending; answers the operation as it ended. */
    async function reconciled(paymentId: string, operationId: string) {
      await h.restart();
      await settlePending(h);
      return (await h.authorizations.get(paymentId)).operations[operationId];
    }

    it('a partial capture: captured once, the rest released', async () => {
      const paymentId = await authorized(1500);
      await lost(paymentId, 'cap_lost', 'CAPTURE', 1000);
      expect(await reconciled(paymentId, 'cap_lost')).toMatchObject({ status: 'SUCCEEDED' });
      expect(await psp.books(paymentId)).toEqual({ charges: 1, held: 0, settled: 1000, refunded: 0 });
    });

    it('a void: released once', async () => {
      const paymentId = await authorized(1200);
      await lost(paymentId, 'void_lost', 'VOID', null);
      expect(await reconciled(paymentId, 'void_lost')).toMatchObject({ status: 'SUCCEEDED' });
      expect(await psp.books(paymentId)).toEqual({ charges: 1, held: 0, settled: 0, refunded: 0 });
    });

    it('a partial refund, then a refund of the rest: each given back once', async () => {
      const paymentId = await authorized(2000);
      const captured = await h.authorizations.requestOperation({
        paymentId,
        operationId: 'cap_all',
        operation: 'CAPTURE',
        amount: null,
      });
      expect(captured.operations.cap_all?.status).toBe('SUCCEEDED');

      await lost(paymentId, 'ref_part', 'REFUND', 700);
      expect(await reconciled(paymentId, 'ref_part')).toMatchObject({ status: 'SUCCEEDED' });
      expect(await psp.books(paymentId)).toEqual({ charges: 1, held: 0, settled: 1300, refunded: 700 });

      await lost(paymentId, 'ref_rest', 'REFUND', null);
      expect(await reconciled(paymentId, 'ref_rest')).toMatchObject({ status: 'SUCCEEDED' });
      expect(await psp.books(paymentId)).toEqual({ charges: 1, held: 0, settled: 0, refunded: 2000 });
      const state = await h.authorizations.get(paymentId);
      expect(state.refundedMinorUnits).toBe(2000);
    });

    if (name.startsWith('Stripe')) {
      /** The call was made two hours ago: past the harness's key retention (an hour). */
      const aged = (paymentId: string) =>
        h.pool.query(
          `update "${h.schema}".pending_operations set since = now() - interval '2 hours' where payment_id = $1`,
          [paymentId],
        );

      it("past Stripe's key retention a lost refund is found by its key, and one never made is sent: each once", async () => {
        const paymentId = await authorized(1000);
        await h.authorizations.requestOperation({
          paymentId,
          operationId: 'cap_1',
          operation: 'CAPTURE',
          amount: null,
        });
        await lost(paymentId, 'ref_old', 'REFUND', 400);
        await aged(paymentId);
        await h.authorizations.reconcilePending(0);
        expect((await h.authorizations.get(paymentId)).operations.ref_old).toMatchObject({
          status: 'SUCCEEDED',
          refundReference: expect.stringMatching(/^re_/),
        });
        expect(await psp.books(paymentId)).toEqual({ charges: 1, held: 0, settled: 600, refunded: 400 });

        // Refused before it ran (503): nothing was given back under its key, so it is sent again.
        await setFault(psp, { mode: 'http503', count: 1, path: '/v1/refunds' });
        const unsent = await h.authorizations.requestOperation({
          paymentId,
          operationId: 'ref_unsent',
          operation: 'REFUND',
          amount: { minorUnits: 100, currency: 'JPY' },
        });
        expect(unsent.operations.ref_unsent?.status).toBe('PENDING');
        await aged(paymentId);
        await h.authorizations.reconcilePending(0);
        expect((await h.authorizations.get(paymentId)).operations.ref_unsent?.status).toBe('SUCCEEDED');
        expect(await psp.books(paymentId)).toEqual({ charges: 1, held: 0, settled: 500, refunded: 500 });
      });

      it("past Stripe's key retention a lost capture is left for an operator: nothing sent again, nothing guessed", async () => {
        const paymentId = await authorized(1000);
        await lost(paymentId, 'cap_old', 'CAPTURE', 700);
        await aged(paymentId);
        await h.authorizations.reconcilePending(0);
        expect((await h.authorizations.get(paymentId)).operations.cap_old?.status).toBe('PENDING');
        expect(await psp.books(paymentId)).toEqual({ charges: 1, held: 0, settled: 700, refunded: 0 });
      });
    }
  },
);
