import { PaymentEventTypes as T } from '@ivr/contracts';
import type { PaymentEvent } from '../src/payment';
import {
  completedBy,
  decide,
  evolve,
  fold,
  generateTransferCode,
  type PaymentCommand,
  PaymentRejected,
  type PaymentState,
  routeForeignEvent,
  storedCardBy,
  toPaymentCompleted,
} from '../src/payment';

const t0 = '2026-01-01T00:00:00.000Z';
const later = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();
const card = { brand: 'visa', bin6: '424242', last4: '4242', expiryMonth: 12, expiryYear: 2030 };

const requestCommand = (over: Partial<Extract<PaymentCommand, { type: 'RequestPayment' }>> = {}): PaymentCommand => ({
  type: 'RequestPayment',
  paymentId: 'pay_1',
  orderId: 'order-1',
  orderSystem: 'shop',
  pspAccountId: 'default',
  amount: 1200,
  currency: 'JPY',
  description: 'two books',
  mode: 'AUTHORIZE',
  language: 'ja',
  returnSipAddress: 'sip:op1@pbx.example.com',
  callMode: 'IVR_ONLY',
  metadata: {},
  transferCode: '123456',
  transferCodeTtlMs: 15 * 60 * 1000,
  requestedBy: { kind: 'api_key', id: 'key_1', orderSystem: 'shop' },
  at: t0,
  ...over,
});

/** Runs commands in order, folding each decision into the state, as the command handler does. */
function run(commands: PaymentCommand[], state: PaymentState = null): { state: PaymentState; events: PaymentEvent[] } {
  const all: PaymentEvent[] = [];
  let s = state;
  for (const c of commands) {
    const events = decide(c, s);
    all.push(...events);
    s = fold(events, s);
  }
  return { state: s, events: all };
}

describe('Payment decider', () => {
  it('requests a payment with a transfer code that expires after the configured lifetime', () => {
    const { state, events } = run([requestCommand()]);
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe(T.requested);
    expect(state?.status).toBe('REQUESTED');
    expect(state?.request.transferCodeExpiresAt).toBe(later(15 * 60 * 1000));
  });

  it('refuses a second request for the same payment and bad amounts, naming the field', () => {
    const { state } = run([requestCommand()]);
    expect(() => decide(requestCommand(), state)).toThrow(PaymentRejected);
    const zero = (() => {
      try {
        decide(requestCommand({ amount: 0 }), null);
      } catch (e) {
        return e as PaymentRejected;
      }
    })();
    expect(zero?.field).toBe('amount');
    expect(decide(requestCommand({ amount: 0, mode: 'REGISTER_CARD' }), null)).toHaveLength(1);
    expect(() => decide(requestCommand({ currency: 'yen' }), null)).toThrow(/currency/);
    expect(() => decide(requestCommand({ returnSipAddress: 'http://x' }), null)).toThrow(/returnSipAddress/);
  });

  it('goes requested → in IVR → card captured → approved and describes the outcome without card secrets', () => {
    const { state } = run([
      requestCommand(),
      { type: 'LinkCall', callId: 'call_1', callMode: 'AGENT_ASSISTED', at: later(1000) },
      { type: 'RecordCardCaptured', callId: 'call_1', card, at: later(2000) },
      {
        type: 'RecordAuthorizationApproved',
        authorizationCode: 'A1',
        pspReference: 'pi_1',
        captured: false,
        at: later(3000),
      },
    ]);
    expect(state?.status).toBe('APPROVED');
    const completed = toPaymentCompleted(state!);
    expect(completed).toMatchObject({
      outcome: 'APPROVED',
      orderId: 'order-1',
      authorizationCode: 'A1',
      card,
      completedAt: later(3000),
    });
    expect(JSON.stringify(completed)).not.toContain('pspToken');
  });

  it('ignores a repeated or late process event instead of failing', () => {
    const approved: PaymentCommand = {
      type: 'RecordAuthorizationApproved',
      authorizationCode: 'A1',
      pspReference: 'pi_1',
      captured: true,
      at: later(1),
    };
    const { state } = run([requestCommand(), approved]);
    expect(decide(approved, state)).toEqual([]);
    expect(decide({ type: 'RecordAuthorizationDeclined', reason: 'GENERIC_DECLINE', at: later(2) }, state)).toEqual([]);
    expect(decide({ type: 'LinkCall', callId: 'c', callMode: 'IVR_ONLY', at: later(2) }, state)).toEqual([]);
  });

  it('describes a declined outcome with the card the authorization carries, before CardCaptured arrives', () => {
    const { state } = run([
      requestCommand(),
      { type: 'LinkCall', callId: 'call_1', callMode: 'IVR_ONLY', at: later(1) },
      { type: 'RecordAuthorizationDeclined', reason: 'GENERIC_DECLINE', card, at: later(2) },
    ]);
    expect(state?.status).toBe('DECLINED');
    expect(toPaymentCompleted(state!)).toMatchObject({ outcome: 'DECLINED', reason: 'GENERIC_DECLINE', card });
  });

  it("keeps the PSP's own codes of a decline and the payment's PSP account for the merchant", () => {
    const { state, events } = run([
      requestCommand({ pspAccountId: 'pa_0123456789abcdef01234567' }),
      { type: 'LinkCall', callId: 'call_1', callMode: 'IVR_ONLY', at: later(1) },
      {
        type: 'RecordAuthorizationDeclined',
        reason: 'INSUFFICIENT_FUNDS',
        pspCode: 'G02',
        pspDeclineCode: '42G020000',
        at: later(2),
      },
    ]);
    expect(events.at(-1)?.data).toMatchObject({ pspCode: 'G02', pspDeclineCode: '42G020000' });
    expect(toPaymentCompleted(state!)).toMatchObject({
      outcome: 'DECLINED',
      reason: 'INSUFFICIENT_FUNDS',
      pspCode: 'G02',
      pspDeclineCode: '42G020000',
      pspAccountId: 'pa_0123456789abcdef01234567',
    });
    // A payment requested before PSP accounts existed (no pspAccountId in its event) is the default account's.
    const old = run([
      requestCommand({ pspAccountId: undefined as never }),
      { type: 'CancelPayment', by: { kind: 'system', id: 'test' }, at: later(1) },
    ]);
    expect(toPaymentCompleted(old.state!)).toMatchObject({ outcome: 'CANCELLED', pspAccountId: 'default' });
  });

  it('accepts an authorization outcome that overtakes the card-captured event', () => {
    const { state } = run([
      requestCommand(),
      { type: 'LinkCall', callId: 'call_1', callMode: 'IVR_ONLY', at: later(1) },
      {
        type: 'RecordAuthorizationDeclined',
        reason: 'INSUFFICIENT_FUNDS',
        pspCode: 'insufficient_funds',
        at: later(2),
      },
      { type: 'RecordCardCaptured', callId: 'call_1', card, at: later(1) },
    ]);
    expect(state?.status).toBe('DECLINED');
    expect(toPaymentCompleted(state!)?.reason).toBe('INSUFFICIENT_FUNDS');
  });

  it('abandons a payment whose call ends before a card was captured, not after', () => {
    const inIvr = run([
      requestCommand(),
      { type: 'LinkCall', callId: 'call_1', callMode: 'IVR_ONLY', at: later(1) },
    ]).state;
    const ended: PaymentCommand = { type: 'RecordCallEnded', callId: 'call_1', reason: 'CALLER_HUNG_UP', at: later(5) };
    expect(run([ended], inIvr).state?.status).toBe('ABANDONED');
    const captured = run([{ type: 'RecordCardCaptured', callId: 'call_1', card, at: later(2) }], inIvr).state;
    expect(decide(ended, captured)).toEqual([]);
    // A card the PSP refused at registration: the merchant learns the PSP's codes with the outcome.
    const rejected: PaymentCommand = {
      type: 'RecordCallEnded',
      callId: 'call_1',
      reason: 'CARD_REJECTED',
      pspCode: 'G83',
      pspDeclineCode: '42G830000',
      at: later(5),
    };
    expect(toPaymentCompleted(run([rejected], inIvr).state!)).toMatchObject({
      outcome: 'ABANDONED',
      reason: 'CARD_REJECTED',
      pspCode: 'G83',
      pspDeclineCode: '42G830000',
    });
  });

  it('registers a card in REGISTER_CARD mode and ignores an authorization approval there', () => {
    const s = run([requestCommand({ mode: 'REGISTER_CARD', amount: 0 })]).state;
    expect(
      decide(
        {
          type: 'RecordAuthorizationApproved',
          authorizationCode: 'x',
          pspReference: 'y',
          captured: false,
          at: later(1),
        },
        s,
      ),
    ).toEqual([]);
    const done = run(
      [{ type: 'RecordCardRegistered', storedCardReference: 'cus_1/pm_1', card, at: later(2) }],
      s,
    ).state;
    expect(done?.status).toBe('APPROVED');
    expect(toPaymentCompleted(done!)?.storedCardReference).toBe('cus_1/pm_1');
  });

  it('cancels only before the transfer, idempotently, and refuses afterwards', () => {
    const by = { kind: 'operator', id: 'op-7' } as const;
    const s = run([requestCommand()]).state;
    const cancelled = run([{ type: 'CancelPayment', by, reason: 'customer changed mind', at: later(1) }], s).state;
    expect(cancelled?.status).toBe('CANCELLED');
    expect(decide({ type: 'CancelPayment', by, at: later(2) }, cancelled)).toEqual([]);
    const inIvr = run([{ type: 'LinkCall', callId: 'c1', callMode: 'IVR_ONLY', at: later(1) }], s).state;
    expect(() => decide({ type: 'CancelPayment', by, at: later(2) }, inIvr)).toThrow(/in progress/);
    expect(() => decide({ type: 'CancelPayment', by, at: later(2) }, null)).toThrow(/not found/);
  });

  it('agent-assisted, in the IVR: the operator restarts the field and cancels through the IVR; cancelled once it says so', () => {
    const by = { kind: 'operator', id: 'op-7' } as const;
    const s = run([requestCommand({ callMode: 'AGENT_ASSISTED' })]).state;
    expect(() => decide({ type: 'RestartField', by, at: later(1) }, s)).toThrow(/not keying the card/);
    const inIvr = run([{ type: 'LinkCall', callId: 'c1', callMode: 'AGENT_ASSISTED', at: later(1) }], s).state;
    expect(decide({ type: 'RestartField', by, at: later(2) }, inIvr)).toEqual([
      { type: T.fieldRestartRequested, data: { paymentId: 'pay_1', callId: 'c1', requestedBy: by, at: later(2) } },
    ]);
    const asked = run([{ type: 'CancelPayment', by, reason: 'wrong card', at: later(3) }], inIvr);
    expect(asked.events.map((e) => e.type)).toEqual([T.cancellationRequested]);
    expect(asked.state?.status).toBe('IN_IVR');
    expect(decide({ type: 'CancelPayment', by, at: later(4) }, asked.state)).toEqual([]);
    // A cancellation the IVR reports done (OperatorRequestHandled), for this call only.
    expect(decide({ type: 'RecordCancelledInIvr', callId: 'other', at: later(5) }, asked.state)).toEqual([]);
    const done = run([{ type: 'RecordCancelledInIvr', callId: 'c1', at: later(5) }], asked.state).state;
    expect(done?.status).toBe('CANCELLED');
    expect(done?.result).toMatchObject({ outcome: 'CANCELLED', reason: 'wrong card' });
    expect(toPaymentCompleted(done!)).toMatchObject({ outcome: 'CANCELLED' });
    // Not in IVR-only mode (the operator is not on the call) nor once the card is captured.
    const ivrOnly = run(
      [{ type: 'LinkCall', callId: 'c2', callMode: 'IVR_ONLY', at: later(1) }],
      run([requestCommand()]).state,
    ).state;
    expect(() => decide({ type: 'RestartField', by, at: later(2) }, ivrOnly)).toThrow(/not on this call/);
    const captured = run([{ type: 'RecordCardCaptured', callId: 'c1', card, at: later(2) }], inIvr).state;
    expect(() => decide({ type: 'CancelPayment', by, at: later(3) }, captured)).toThrow(/in progress/);
    expect(() => decide({ type: 'RestartField', by, at: later(3) }, captured)).toThrow(/card_captured/);
  });

  it('expires an unused transfer code only once its lifetime is over', () => {
    const s = run([requestCommand()]).state;
    expect(decide({ type: 'ExpireTransferCode', at: later(60_000) }, s)).toEqual([]);
    const expired = run([{ type: 'ExpireTransferCode', at: later(15 * 60 * 1000) }], s).state;
    expect(expired?.status).toBe('EXPIRED');
    const inIvr = run([{ type: 'LinkCall', callId: 'c1', callMode: 'IVR_ONLY', at: later(1) }], s).state;
    expect(decide({ type: 'ExpireTransferCode', at: later(16 * 60 * 1000) }, inIvr)).toEqual([]);
  });

  it('evolve ignores events before the payment exists', () => {
    expect(evolve(null, { type: T.failed, data: { paymentId: 'x', reason: 'r', at: t0 } })).toBeNull();
  });
});

describe('transfer codes', () => {
  it('are numeric, of the requested length, without a leading zero', () => {
    let i = 0;
    const seq = [0, 0, 9, 3, 0, 7];
    const code = generateTransferCode((max) => Math.min(seq[i++ % seq.length]!, max - 1), 6);
    expect(code).toBe('109307');
    expect(generateTransferCode((max) => max - 1, 8)).toMatch(/^[1-9][0-9]{7}$/);
  });
});

describe('process manager routing', () => {
  it('maps call and authorization events to payment commands and drops the PSP token', () => {
    const captured = routeForeignEvent({
      type: 'CardCaptured',
      occurredAt: t0,
      payload: { callId: 'c1', paymentId: 'p1', card: { ...card, pspToken: 'pm_123' } },
    });
    expect(captured).toEqual({ paymentId: 'p1', command: { type: 'RecordCardCaptured', callId: 'c1', card, at: t0 } });
    expect(
      routeForeignEvent({ type: 'CallEnded', occurredAt: t0, payload: { callId: 'c1', reason: 'ERROR' } }),
    ).toBeNull();
    expect(routeForeignEvent({ type: 'CaptureProgressed', occurredAt: t0, payload: {} })).toBeNull();
    expect(
      routeForeignEvent({
        type: 'AuthorizationFailed',
        occurredAt: t0,
        payload: { paymentId: 'p1', reason: 'PSP_TIMEOUT' },
      }),
    ).toEqual({ paymentId: 'p1', command: { type: 'RecordAuthorizationFailed', reason: 'PSP_TIMEOUT', at: t0 } });
  });
});

describe('PaymentCompleted (completedBy)', () => {
  const requested = run([requestCommand()]).state;
  const inIvr = run([{ type: 'LinkCall', callId: 'call-1', callMode: 'IVR_ONLY', at: later(1) }], requested).state;
  const approved = run(
    [
      {
        type: 'RecordAuthorizationApproved',
        authorizationCode: 'A1',
        pspReference: 'ch_1',
        captured: false,
        at: later(2),
      },
    ],
    inIvr,
  ).state;

  it('is published by the change that ends an open payment, with the terminal outcome', () => {
    expect(completedBy(inIvr, approved)).toMatchObject({
      paymentId: 'pay_1',
      outcome: 'APPROVED',
      completedAt: later(2),
    });
  });

  it('is not published by any other change: creation, progress, or a change of a payment already ended', () => {
    expect(completedBy(null, requested)).toBeNull();
    expect(completedBy(requested, inIvr)).toBeNull();
    expect(completedBy(approved, approved)).toBeNull();
  });
});

describe('a stored card (storedCardBy)', () => {
  const link = { type: 'LinkCall', callId: 'call-1', callMode: 'IVR_ONLY', at: later(1) } as const;
  const inIvr = run([requestCommand({ mode: 'REGISTER_CARD', amount: 0 }), link]).state;
  const registered = run(
    [{ type: 'RecordCardRegistered', storedCardReference: 'pm_1', customerReference: 'cus_1', at: later(2) }],
    inIvr,
  ).state;
  const paid = run([
    requestCommand(),
    link,
    {
      type: 'RecordAuthorizationApproved',
      authorizationCode: 'A1',
      pspReference: 'ch_1',
      captured: true,
      at: later(2),
    },
  ]).state;

  it("is recorded by a registration's approval, once", () => {
    expect(registered?.status).toBe('APPROVED');
    expect(storedCardBy(inIvr, registered)).toEqual({
      orderSystem: 'shop',
      storedCardReference: 'pm_1',
      registrationPaymentId: 'pay_1',
      customerReference: 'cus_1',
      registeredAt: later(2),
    });
    expect(storedCardBy(registered, registered)).toBeNull();
  });

  it('is not recorded by a payment of another mode, nor by a change that approves nothing', () => {
    expect(storedCardBy(null, paid)).toBeNull();
    expect(storedCardBy(null, inIvr)).toBeNull();
  });
});
