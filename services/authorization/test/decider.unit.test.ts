import {
  type AuthorizationCommand,
  decimalToMinorUnits,
  IdempotencyConflict,
  InvalidArgument,
  InvalidState,
} from '../src/authorization';
import { approved, at, card, request, run } from './commands';

describe('requesting an authorization', () => {
  it('records the request with the gateway idempotency key derived from the payment id', () => {
    const { events, state } = run(request());
    expect(events).toEqual([
      {
        type: 'AuthorizationRequested',
        data: expect.objectContaining({
          paymentId: 'pay_1',
          mode: 'AUTHORIZE',
          amount: 1200,
          currency: 'JPY',
          pspIdempotencyKey: 'pay_1:authorize',
          attempt: 1,
          cardToken: 'pm_123',
          card: { brand: 'visa', bin6: '424242', last4: '4242', expiryMonth: 12, expiryYear: 2030 },
        }),
      },
    ]);
    expect(state.status).toBe('PENDING');
  });

  it('does nothing for the same request again, in every state', () => {
    expect(run(request(), request()).events).toHaveLength(1);
    expect(run(request(), approved(), request()).events).toHaveLength(2);
  });

  it.each([
    [{ amount: { minorUnits: 1300, currency: 'JPY' } }, 'amount'],
    [{ amount: { minorUnits: 1200, currency: 'USD' } }, 'amount'],
    [{ mode: 'CAPTURE' as const }, 'mode'],
    [{ card: { ...card, pspToken: 'pm_other' } }, 'card token'],
    [{ orderReference: 'order-2' }, 'order reference'],
  ])('refuses the same payment id with other parameters (%j)', (over, named) => {
    expect(() => run(request(), request(over))).toThrow(IdempotencyConflict);
    expect(() => run(request(), request(over))).toThrow(named);
  });

  it.each([
    [{ paymentId: '' }, 'payment_id'],
    [{ paymentId: 'bad id with spaces' }, 'payment_id'],
    [{ amount: { minorUnits: 0, currency: 'JPY' } }, 'amount.minor_units'],
    [{ amount: { minorUnits: -5, currency: 'USD' } }, 'amount.minor_units'],
    [{ amount: { minorUnits: 12.5, currency: 'USD' } }, 'amount.minor_units'],
    [{ amount: { minorUnits: 100_000_000, currency: 'USD' } }, 'amount.minor_units'],
    [{ amount: { minorUnits: 100, currency: 'XYZ' } }, 'amount.currency'],
    [{ amount: { minorUnits: 100, currency: '' } }, 'amount.currency'],
    [{ amount: null }, 'amount'],
    [{ card: { ...card, pspToken: '' } }, 'card.psp_token'],
    [{ mode: 'REFUND' as never }, 'mode'],
  ])('names the invalid field of %j', (over, field) => {
    try {
      run(request(over));
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgument);
      expect((error as InvalidArgument).field).toBe(field);
    }
  });

  it('takes a card registration without an amount', () => {
    const { state } = run(request({ mode: 'REGISTER_CARD', amount: null }));
    expect(state).toMatchObject({ status: 'PENDING', mode: 'REGISTER_CARD', amount: null });
  });
});

describe('recording the gateway outcome', () => {
  it('approves with the authorization code and PSP reference', () => {
    const { state } = run(request(), approved());
    expect(state).toMatchObject({
      status: 'APPROVED',
      pspReference: 'pi_1',
      authorizationCode: '123456',
      capturedAmount: null,
    });
  });

  it('a sale is captured at approval', () => {
    const { state } = run(request({ mode: 'CAPTURE' }), approved(true));
    expect(state).toMatchObject({ status: 'CAPTURED', capturedAmount: { minorUnits: 1200, currency: 'JPY' } });
  });

  it('records a decline with the normalized reason, the PSP codes and the masked card', () => {
    const { state, events } = run(request(), {
      type: 'RecordGatewayOutcome',
      outcome: {
        kind: 'declined',
        reason: 'insufficient_funds',
        pspCode: 'card_declined',
        pspDeclineCode: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
        pspReference: 'pi_9',
      },
      at,
    });
    expect(state).toMatchObject({
      status: 'DECLINED',
      decline: { reason: 'insufficient_funds', pspCode: 'card_declined' },
    });
    const declined = events.find((e) => e.type === 'AuthorizationDeclined');
    expect(declined?.data).toMatchObject({ card: { last4: expect.any(String), brand: expect.any(String) } });
    expect(JSON.stringify(declined)).not.toMatch(/pm_|tok_/);
  });

  it('an unknown outcome keeps the authorization pending; the later answer settles it', () => {
    const unknown: AuthorizationCommand = {
      type: 'RecordGatewayOutcome',
      outcome: { kind: 'unknown', cause: 'timeout', message: 'no answer' },
      at,
    };
    const { events, state } = run(request(), unknown, approved());
    expect(events.map((e) => e.type)).toEqual([
      'AuthorizationRequested',
      'AuthorizationOutcomeUnknown',
      'AuthorizationApproved',
    ]);
    expect(state.status).toBe('APPROVED');
  });

  it('ignores an outcome after one was recorded', () => {
    expect(run(request(), approved(), approved()).events).toHaveLength(2);
  });

  it('a retryable failure can be requested again (attempt 2, same gateway key); a final one cannot', () => {
    const failed = (retryable: boolean): AuthorizationCommand => ({
      type: 'RecordGatewayOutcome',
      outcome: { kind: 'failed', code: 'psp_unavailable', message: 'refused', retryable },
      at,
    });
    const retried = run(request(), failed(true), request());
    expect(retried.state).toMatchObject({ status: 'PENDING', attempt: 2, pspIdempotencyKey: 'pay_1:authorize' });
    const final = run(request(), failed(false), request());
    expect(final.state.status).toBe('FAILED');
    expect(final.events).toHaveLength(2);
  });

  it('registers a card', () => {
    const { state } = run(request({ mode: 'REGISTER_CARD' }), {
      type: 'RecordGatewayOutcome',
      outcome: {
        kind: 'registered',
        customerReference: 'cus_1',
        storedCardReference: 'pm_123',
        pspReference: 'seti_1',
      },
      at,
    });
    expect(state).toMatchObject({ status: 'REGISTERED', customerReference: 'cus_1', storedCardReference: 'pm_123' });
  });
});

describe('capture and void', () => {
  const capture = (minorUnits = 1200, currency = 'JPY'): AuthorizationCommand => ({
    type: 'RecordCapture',
    pspReference: 'pi_1',
    amount: { minorUnits, currency },
    at,
  });
  const voidIt: AuthorizationCommand = { type: 'RecordVoid', pspReference: 'pi_1', at };

  it('captures an approval once; a second capture changes nothing', () => {
    const { events, state } = run(request(), approved(), capture(), capture());
    expect(events.filter((e) => e.type === 'AuthorizationCaptured')).toHaveLength(1);
    expect(state.status).toBe('CAPTURED');
  });

  it('captures part of the amount, never more, in the authorized currency', () => {
    expect(run(request(), approved(), capture(1000)).state.capturedAmount).toEqual({
      minorUnits: 1000,
      currency: 'JPY',
    });
    expect(() => run(request(), approved(), capture(1201))).toThrow(InvalidArgument);
    expect(() => run(request(), approved(), capture(1200, 'USD'))).toThrow(InvalidArgument);
  });

  it('voids an approval; cannot capture a void or void a capture', () => {
    expect(run(request(), approved(), voidIt).state.status).toBe('VOIDED');
    expect(run(request(), approved(), voidIt, voidIt).events).toHaveLength(3);
    expect(() => run(request(), approved(), voidIt, capture())).toThrow(InvalidState);
    expect(() => run(request(), approved(), capture(), voidIt)).toThrow(InvalidState);
  });

  it('cannot capture or void a pending or declined authorization', () => {
    expect(() => run(request(), capture())).toThrow(InvalidState);
    expect(() => run(request(), voidIt)).toThrow(InvalidState);
  });
});

describe('decimalToMinorUnits', () => {
  it('converts by the currency decimals and refuses too many decimals', () => {
    expect(decimalToMinorUnits('12.34', 'USD', 'amount')).toEqual({ minorUnits: 1234, currency: 'USD' });
    expect(decimalToMinorUnits('1200', 'JPY', 'amount')).toEqual({ minorUnits: 1200, currency: 'JPY' });
    expect(() => decimalToMinorUnits('1200.5', 'JPY', 'amount')).toThrow('JPY has 0 decimals');
    expect(() => decimalToMinorUnits('1.234', 'USD', 'amount')).toThrow('USD has 2 decimals');
    expect(() => decimalToMinorUnits('-1', 'USD', 'amount')).toThrow(InvalidArgument);
  });
});

describe('an uncertain outcome is never turned into a failure', () => {
  it('a PSP that is unreachable after an unanswered call leaves the authorization pending', () => {
    const { events, state } = run(
      request(),
      { type: 'RecordGatewayOutcome', outcome: { kind: 'unknown', cause: 'timeout', message: 'no answer' }, at },
      {
        type: 'RecordGatewayOutcome',
        outcome: { kind: 'failed', code: 'psp_unavailable:circuit_open', message: 'paused', retryable: true },
        at,
      },
    );
    expect(events.map((e) => e.type)).toEqual(['AuthorizationRequested', 'AuthorizationOutcomeUnknown']);
    expect(state.status).toBe('PENDING');
  });
});
