/**
 * The contract every PaymentGateway keeps, as one suite run against each provider: the Stripe connector
 * against tools/psp-simulator and stripe-mock, the GMO-PG connector against tools/gmo-pg-simulator
 * (gateway-contract.*.int.test.ts). A stateful subject (the simulators) is checked against its own ledger:
 * what the PSP holds, took and gave back after each operation, and that no operation is applied twice.
 * stripe-mock is stateless (canned answers, no declines): against it the suite checks that Stripe accepts
 * every request the connector sends and that its answers parse.
 */
import type { AuthorizeRequest, GatewayOutcome, PaymentGateway } from '../src';

/** What the PSP's own books say about one payment. */
export interface PspLedger {
  /** Successful charging calls (authorizations or sales): above 1 is a double charge. */
  charges: number;
  held: number;
  settled: number;
  refunded: number;
}

export type FaultMode = 'timeout' | 'http500' | 'malformed' | 'reset';

export interface ContractSubject {
  gateway: PaymentGateway;
  /** A fresh reference of a published test card, registered as the vault would. */
  card(kind: 'approve' | 'insufficient_funds'): Promise<string>;
  /** null: the subject keeps no state (stripe-mock). */
  ledger: ((paymentId: string) => Promise<PspLedger>) | null;
  /** The next call to the charging endpoint runs and then fails this way (the outcome unknown to us). */
  fault?(mode: FaultMode): Promise<void>;
  clearFaults?(): Promise<void>;
}

let counter = 0;
/** A payment id the way order-link makes them (pay_ + 26 hex), unique across runs. */
export function newPaymentId(): string {
  counter += 1;
  const hex = `${Date.now().toString(16)}${process.pid.toString(16)}${counter.toString(16).padStart(6, '0')}`;
  return `pay_${hex.padStart(26, '0').slice(-26)}`;
}

const jpy = (minorUnits: number) => ({ minorUnits, currency: 'JPY' });

export function gatewayContract(name: string, start: () => Promise<ContractSubject>, stop: () => Promise<void>): void {
  describe(`gateway contract: ${name}`, () => {
    let s: ContractSubject;
    beforeAll(async () => {
      s = await start();
    }, 60_000);
    afterAll(() => stop());
    afterEach(() => s.clearFaults?.());

    const request = async (over: Partial<AuthorizeRequest> = {}): Promise<AuthorizeRequest> => {
      const paymentId = newPaymentId();
      return {
        idempotencyKey: `${paymentId}:authorize`,
        paymentId,
        orderReference: `order-${paymentId}`,
        cardToken: await s.card('approve'),
        amount: jpy(1200),
        capture: false,
        ...over,
      };
    };
    const stateful = () => s.ledger !== null;
    const ledger = (paymentId: string) => (s.ledger as NonNullable<ContractSubject['ledger']>)(paymentId);
    /** Against stripe-mock: Stripe took the request (its canned intent's status is all that can be off). */
    const accepted = (outcome: GatewayOutcome<unknown>) =>
      expect(outcome.kind === 'ok' || (outcome.kind === 'rejected' && outcome.code === 'unexpected_status')).toBe(true);

    it('declares what it can do', () => {
      expect(s.gateway.capabilities.idempotencyRetentionMs).toBeGreaterThan(0);
      expect(typeof s.gateway.capabilities.partialCapture).toBe('boolean');
    });

    it('authorizes once, however often the same request is repeated', async () => {
      const r = await request();
      const first = await s.gateway.authorize(r);
      if (!stateful()) return accepted(first);
      expect(first).toEqual({
        kind: 'ok',
        value: {
          pspReference: expect.any(String),
          authorizationCode: expect.any(String),
          captured: false,
          amount: jpy(1200),
        },
      });
      const again = await s.gateway.authorize(r);
      expect(again).toEqual(first);
      expect(await ledger(r.paymentId)).toEqual({ charges: 1, held: 1200, settled: 0, refunded: 0 });
    });

    it('captures all of an authorization, once', async () => {
      const r = await request();
      const auth = await s.gateway.authorize(r);
      if (!stateful()) {
        accepted(auth);
        return accepted(await s.gateway.capture({ idempotencyKey: `${r.paymentId}:capture`, pspReference: 'pi_123' }));
      }
      if (auth.kind !== 'ok') throw new Error(`not authorized: ${auth.kind}`);
      const capture = { idempotencyKey: `${r.paymentId}:capture`, pspReference: auth.value.pspReference };
      expect(await s.gateway.capture(capture)).toEqual({
        kind: 'ok',
        value: { pspReference: auth.value.pspReference, capturedAmount: jpy(1200) },
      });
      expect((await s.gateway.capture(capture)).kind).toBe('ok');
      expect(await ledger(r.paymentId)).toEqual({ charges: 1, held: 0, settled: 1200, refunded: 0 });
    });

    it('captures part of an authorization when it can', async () => {
      const r = await request();
      const auth = await s.gateway.authorize(r);
      if (!stateful() || !s.gateway.capabilities.partialCapture) return;
      if (auth.kind !== 'ok') throw new Error(`not authorized: ${auth.kind}`);
      const capture = {
        idempotencyKey: `${r.paymentId}:capture`,
        pspReference: auth.value.pspReference,
        amount: jpy(700),
      };
      expect(await s.gateway.capture(capture)).toEqual({
        kind: 'ok',
        value: { pspReference: auth.value.pspReference, capturedAmount: jpy(700) },
      });
      expect((await s.gateway.capture(capture)).kind).toBe('ok');
      expect(await ledger(r.paymentId)).toMatchObject({ charges: 1, held: 0, settled: 700 });
    });

    it('refuses to capture more than authorized, and nothing moves', async () => {
      const r = await request();
      const auth = await s.gateway.authorize(r);
      if (!stateful()) return;
      if (auth.kind !== 'ok') throw new Error(`not authorized: ${auth.kind}`);
      const over = await s.gateway.capture({
        idempotencyKey: `${r.paymentId}:capture`,
        pspReference: auth.value.pspReference,
        amount: jpy(1300),
      });
      expect(over.kind).toBe('rejected');
      expect(await ledger(r.paymentId)).toEqual({ charges: 1, held: 1200, settled: 0, refunded: 0 });
    });

    it('voids an authorization; a capture after it is refused', async () => {
      const r = await request();
      const auth = await s.gateway.authorize(r);
      if (!stateful()) {
        accepted(auth);
        return accepted(await s.gateway.void({ idempotencyKey: `${r.paymentId}:void`, pspReference: 'pi_123' }));
      }
      if (auth.kind !== 'ok') throw new Error(`not authorized: ${auth.kind}`);
      const voided = await s.gateway.void({
        idempotencyKey: `${r.paymentId}:void`,
        pspReference: auth.value.pspReference,
      });
      expect(voided).toEqual({ kind: 'ok', value: { pspReference: auth.value.pspReference } });
      const capture = await s.gateway.capture({
        idempotencyKey: `${r.paymentId}:capture`,
        pspReference: auth.value.pspReference,
      });
      expect(capture.kind).toBe('rejected');
      expect(await ledger(r.paymentId)).toEqual({ charges: 1, held: 0, settled: 0, refunded: 0 });
    });

    it('sells, then refunds part and the rest, each once; never more than captured', async () => {
      const r = await request({ capture: true });
      const sale = await s.gateway.authorize(r);
      if (!stateful()) {
        accepted(sale);
        return accepted(
          await s.gateway.refund({
            idempotencyKey: `${r.paymentId}:refund:1`,
            pspReference: 'pi_123',
            amount: jpy(300),
            capturedBefore: jpy(1200),
          }),
        );
      }
      if (sale.kind !== 'ok') throw new Error(`not sold: ${sale.kind}`);
      expect(sale.value.captured).toBe(true);
      const pspReference = sale.value.pspReference;
      const part = {
        idempotencyKey: `${r.paymentId}:refund:1`,
        pspReference,
        amount: jpy(300),
        capturedBefore: jpy(1200),
      };
      expect(await s.gateway.refund(part)).toMatchObject({
        kind: 'ok',
        value: { pspReference, refundedAmount: jpy(300) },
      });
      expect((await s.gateway.refund(part)).kind).toBe('ok'); // the same refund again: applied once
      expect(await ledger(r.paymentId)).toEqual({ charges: 1, held: 0, settled: 900, refunded: 300 });
      const tooMuch = await s.gateway.refund({
        idempotencyKey: `${r.paymentId}:refund:2`,
        pspReference,
        amount: jpy(1000),
        capturedBefore: jpy(900),
      });
      expect(tooMuch.kind).toBe('rejected');
      const rest = {
        idempotencyKey: `${r.paymentId}:refund:3`,
        pspReference,
        amount: jpy(900),
        capturedBefore: jpy(900),
      };
      expect(await s.gateway.refund(rest)).toMatchObject({ kind: 'ok', value: { refundedAmount: jpy(900) } });
      expect((await s.gateway.refund(rest)).kind).toBe('ok');
      expect(await ledger(r.paymentId)).toEqual({ charges: 1, held: 0, settled: 0, refunded: 1200 });
    });

    it('declines an insufficient-funds card with the normalized reason and the PSP codes', async () => {
      if (!stateful()) return;
      const r = await request({ cardToken: await s.card('insufficient_funds') });
      const outcome = await s.gateway.authorize(r);
      expect(outcome).toMatchObject({
        kind: 'declined',
        decline: { reason: 'insufficient_funds', pspCode: expect.any(String), pspDeclineCode: expect.any(String) },
      });
      if (outcome.kind === 'declined') expect(outcome.decline.pspDeclineCode).not.toBe('');
      expect(await ledger(r.paymentId)).toMatchObject({ charges: 0, held: 0, settled: 0 });
    });

    it('keeps a registered card and charges it later without the cardholder', async () => {
      const r = await request();
      const registered = await s.gateway.registerCard({
        idempotencyKey: `${r.paymentId}:register`,
        paymentId: r.paymentId,
        orderReference: r.orderReference,
        cardToken: r.cardToken,
      });
      if (!stateful()) return accepted(registered);
      if (registered.kind !== 'ok') throw new Error(`not registered: ${JSON.stringify(registered)}`);
      for (const n of [1, 2]) {
        const paymentId = newPaymentId();
        const charge = await s.gateway.chargeStoredCard({
          idempotencyKey: `${paymentId}:authorize`,
          paymentId,
          orderReference: `later-${n}`,
          customerReference: registered.value.customerReference,
          storedCardReference: registered.value.storedCardReference,
          amount: jpy(500),
          capture: true,
        });
        expect(charge).toMatchObject({ kind: 'ok', value: { captured: true, amount: jpy(500) } });
        expect(await ledger(paymentId)).toMatchObject({ charges: 1, settled: 500 });
      }
    });

    it('finds an authorization by its payment and key, and nothing for an unknown one', async () => {
      const r = await request();
      const auth = await s.gateway.authorize(r);
      const found = await s.gateway.findAuthorization({ idempotencyKey: r.idempotencyKey, paymentId: r.paymentId });
      if (!stateful()) return expect(found.kind).toBe('ok');
      if (auth.kind !== 'ok') throw new Error(`not authorized: ${auth.kind}`);
      expect(found).toEqual({
        kind: 'ok',
        value: {
          status: 'authorized',
          pspReference: auth.value.pspReference,
          amount: jpy(1200),
          authorizationCode: auth.value.authorizationCode,
        },
      });
      const unknown = newPaymentId();
      expect(await s.gateway.findAuthorization({ idempotencyKey: `${unknown}:authorize`, paymentId: unknown })).toEqual(
        {
          kind: 'ok',
          value: null,
        },
      );
    });

    it.each(['timeout', 'http500', 'malformed', 'reset'] as const)(
      '%s after the charge: unknown; the same request again settles it with one charge',
      async (mode) => {
        if (!s.fault) return;
        const r = await request();
        await s.fault(mode);
        const first = await s.gateway.authorize(r);
        expect(first.kind).toBe('unknown');
        await s.clearFaults?.();
        const retry = await s.gateway.authorize(r);
        expect(retry).toMatchObject({ kind: 'ok', value: { captured: false, amount: jpy(1200) } });
        expect(await ledger(r.paymentId)).toMatchObject({ charges: 1, held: 1200 });
      },
    );
  });
}
