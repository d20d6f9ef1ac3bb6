import { type Actor, PaymentEventTypes as T } from '@ivr/contracts';
import {
  balanceView,
  decide,
  fold,
  lifecycleEventsBy,
  type PaymentCommand,
  type PaymentEvent,
  PaymentRejected,
  type PaymentState,
  routeForeignEvent,
  toPaymentCompleted,
} from '../src/payment';

// Given a history, when a command, then events (or a refusal naming the field): the lifecycle of an
// approved payment as the Payment decides it, before anything reaches authorization or the PSP.

const at = '2026-01-01T00:00:00.000Z';
const by: Actor = { kind: 'api_key', id: 'key_1', orderSystem: 'shop' };
const stripe = { provider: 'stripe', partialCapture: true, multipleCaptures: false, partialRefund: true } as const;

const requested = (over: Partial<Extract<PaymentCommand, { type: 'RequestPayment' }>> = {}): PaymentCommand => ({
  type: 'RequestPayment',
  paymentId: 'pay_1',
  orderId: 'order-1',
  orderSystem: 'shop',
  pspAccountId: 'default',
  amount: 1200,
  currency: 'JPY',
  description: '',
  mode: 'AUTHORIZE',
  language: 'ja',
  returnSipAddress: 'sip:op@pbx.example.com',
  callMode: 'IVR_ONLY',
  metadata: { basket: '42' },
  transferCode: '123456',
  transferCodeTtlMs: 900_000,
  requestedBy: by,
  at,
  ...over,
});
const approved = (captured = false, capabilities = stripe): PaymentCommand => ({
  type: 'RecordAuthorizationApproved',
  authorizationCode: '123456',
  pspReference: 'pi_1',
  captured,
  capabilities,
  at,
});
const ask = (
  operationId: string,
  operation: 'CAPTURE' | 'VOID' | 'REFUND',
  over: { amount?: number; final?: boolean } = {},
): PaymentCommand => ({ type: 'RequestOperation', operationId, operation, ...over, requestedBy: by, at });
const done = (operationId: string): PaymentCommand => ({ type: 'RecordOperationSucceeded', operationId, at });
const failed = (operationId: string): PaymentCommand => ({
  type: 'RecordOperationFailed',
  operationId,
  reason: 'psp_rejected:x',
  message: 'no',
  at,
});

function given(...commands: PaymentCommand[]): PaymentState {
  let s: PaymentState = null;
  for (const c of commands) s = fold(decide(c, s), s);
  return s;
}
const when = (state: PaymentState, c: PaymentCommand): PaymentEvent[] => decide(c, state);
function refusal(state: PaymentState, c: PaymentCommand): PaymentRejected {
  try {
    decide(c, state);
  } catch (e) {
    if (e instanceof PaymentRejected) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('the lifecycle of an approved payment', () => {
  it('asks for a capture of all that is capturable, then records what the PSP did', () => {
    const s = given(requested(), approved());
    expect(when(s, ask('cap_1', 'CAPTURE'))).toEqual([
      {
        type: T.operationRequested,
        data: expect.objectContaining({ operationId: 'cap_1', operation: 'CAPTURE', amount: 1200, final: true }),
      },
    ]);
    const after = given(requested(), approved(), ask('cap_1', 'CAPTURE'), done('cap_1'));
    expect(after && balanceView(after)).toEqual({
      state: 'CAPTURED',
      authorized: 1200,
      captured: 1200,
      refunded: 0,
      capturable: 0,
      refundable: 1200,
    });
    expect(after?.status).toBe('APPROVED');
  });

  it('refunds in parts up to what was captured', () => {
    const s = given(
      requested(),
      approved(),
      ask('cap_1', 'CAPTURE', { amount: 1000 }),
      done('cap_1'),
      ask('ref_1', 'REFUND', { amount: 300 }),
      done('ref_1'),
      ask('ref_2', 'REFUND', { amount: 500 }),
      done('ref_2'),
    );
    expect(s && balanceView(s)).toMatchObject({
      state: 'PARTIALLY_REFUNDED',
      captured: 1000,
      refunded: 800,
      refundable: 200,
    });
    expect(refusal(s, ask('ref_3', 'REFUND', { amount: 201 }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      field: 'amount',
    });
  });

  it.each([
    ['more than authorized', [], ask('cap_1', 'CAPTURE', { amount: 1201 }), 'INVALID_ARGUMENT', 'amount'],
    [
      'captures once at Stripe',
      [],
      ask('cap_1', 'CAPTURE', { amount: 100, final: false }),
      'INVALID_ARGUMENT',
      'final',
    ],
    ['refund before capture', [], ask('ref_1', 'REFUND'), 'INVALID_STATE', undefined],
    ['void after capture', [ask('cap_1', 'CAPTURE'), done('cap_1')], ask('v_1', 'VOID'), 'INVALID_STATE', undefined],
    [
      'refund more than captured',
      [ask('cap_1', 'CAPTURE', { amount: 500 }), done('cap_1')],
      ask('ref_1', 'REFUND', { amount: 600 }),
      'INVALID_ARGUMENT',
      'amount',
    ],
    ['one at a time', [ask('cap_1', 'CAPTURE', { amount: 500 })], ask('v_1', 'VOID'), 'INVALID_STATE', undefined],
  ] as const)('refuses %s, naming the field, with nothing sent', (_why, history, command, code, field) => {
    const s = given(requested(), approved(), ...(history as readonly PaymentCommand[]));
    const e = refusal(s, command);
    expect({ code: e.code, field: e.field }).toEqual({ code, field });
  });

  it('refuses any operation on a payment that is not approved, or a card registration', () => {
    expect(refusal(given(requested()), ask('cap_1', 'CAPTURE')).code).toBe('INVALID_STATE');
    const registered = given(requested({ mode: 'REGISTER_CARD', amount: 0 }), {
      type: 'RecordCardRegistered',
      storedCardReference: 'pm_1',
      customerReference: 'cus_1',
      at,
    });
    expect(refusal(registered, ask('cap_1', 'CAPTURE')).message).toContain('card registration');
    expect(refusal(null, ask('cap_1', 'CAPTURE')).code).toBe('NOT_FOUND');
  });

  it('answers the same operation id as it stands; a failed one moved nothing', () => {
    const s = given(requested(), approved(), ask('cap_1', 'CAPTURE'), failed('cap_1'));
    expect(when(s, ask('cap_1', 'CAPTURE'))).toEqual([]);
    expect(s && balanceView(s)).toMatchObject({ state: 'AUTHORIZED', captured: 0, capturable: 1200 });
    expect(when(s, done('cap_1'))).toEqual([]);
  });

  it('a sale (mode CAPTURE) starts captured: refund it, never capture or void it', () => {
    const s = given(requested({ mode: 'CAPTURE' }), approved(true));
    expect(s && balanceView(s)).toMatchObject({ state: 'CAPTURED', captured: 1200 });
    expect(refusal(s, ask('v_1', 'VOID')).code).toBe('INVALID_STATE');
    expect(when(s, ask('ref_1', 'REFUND'))).toHaveLength(1);
  });

  it('publishes one lifecycle event per settled operation, with the money after it', () => {
    const before = given(requested(), approved(), ask('cap_1', 'CAPTURE', { amount: 700 }));
    const events = when(before, done('cap_1'));
    const published = lifecycleEventsBy(fold(events, before), events);
    expect(published).toEqual([
      {
        type: 'PaymentCaptured',
        payload: expect.objectContaining({
          paymentId: 'pay_1',
          orderId: 'order-1',
          operation: expect.objectContaining({ operationId: 'cap_1', status: 'SUCCEEDED', amount: 700, final: true }),
          balance: expect.objectContaining({ state: 'CAPTURED', captured: 700, capturable: 0, refundable: 700 }),
          metadata: { basket: '42' },
        }),
      },
    ]);
    // The request itself publishes nothing: only its outcome does.
    expect(lifecycleEventsBy(before, when(given(requested(), approved()), ask('cap_2', 'CAPTURE')))).toEqual([]);
  });

  it('routes authorization outcomes to the operation by its id', () => {
    const routed = routeForeignEvent({
      type: 'AuthorizationRefunded',
      payload: {
        paymentId: 'pay_1',
        operationId: 'ref_1',
        pspReference: 'pi_1',
        refundReference: 're_1',
        amount: 1,
        currency: 'JPY',
      },
      occurredAt: at,
    });
    expect(routed?.command).toMatchObject({
      type: 'RecordOperationSucceeded',
      operationId: 'ref_1',
      refundReference: 're_1',
    });
    // A capture from before operations (no id) was never asked through order-link.
    expect(
      routeForeignEvent({
        type: 'AuthorizationCaptured',
        payload: { paymentId: 'pay_1', pspReference: 'pi_1' },
        occurredAt: at,
      }),
    ).toBeNull();
  });
});

describe('a stored card charged without a call', () => {
  const storedCard = { registrationPaymentId: 'pay_0', storedCardReference: 'pm_1', customerReference: 'cus_1' };

  it('has no transfer code, never expires and cannot be cancelled while charged', () => {
    const s = given(requested({ storedCard, returnSipAddress: '', transferCode: '' }));
    expect(s?.request).toMatchObject({ transferCode: '', storedCard });
    expect(when(s, { type: 'ExpireTransferCode', at: '2027-01-01T00:00:00.000Z' })).toEqual([]);
    expect(refusal(s, { type: 'CancelPayment', by, at }).code).toBe('INVALID_STATE');
  });

  it('carries its stored card into the public outcome, and the registration its customer reference', () => {
    const s = given(requested({ storedCard, returnSipAddress: '' }), approved());
    expect(s && toPaymentCompleted(s)).toMatchObject({
      storedCard: { storedCardReference: 'pm_1', registrationPaymentId: 'pay_0' },
    });
    const registered = given(requested({ mode: 'REGISTER_CARD', amount: 0 }), {
      type: 'RecordCardRegistered',
      storedCardReference: 'pm_1',
      customerReference: 'cus_1',
      at,
    });
    expect(registered && toPaymentCompleted(registered)).toMatchObject({
      storedCardReference: 'pm_1',
      customerReference: 'cus_1',
    });
  });

  it('refuses REGISTER_CARD with a stored card, naming mode', () => {
    expect(refusal(null, requested({ storedCard, mode: 'REGISTER_CARD', amount: 0 }))).toMatchObject({ field: 'mode' });
  });
});
