import {
  type AuthorizationCommand,
  decimalToMinorUnits,
  IdempotencyConflict,
  InvalidArgument,
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

describe('captures, voids and refunds', () => {
  const stripe = { provider: 'stripe', partialCapture: true, multipleCaptures: false, partialRefund: true } as const;
  const multi = { ...stripe, provider: 'simulator', multipleCaptures: true } as const;
  const ask = (
    operationId: string,
    operation: 'CAPTURE' | 'VOID' | 'REFUND',
    minorUnits: number | null = null,
    over: Partial<Extract<AuthorizationCommand, { type: 'RequestOperation' }>> = {},
  ): AuthorizationCommand => ({
    type: 'RequestOperation',
    paymentId: 'pay_1',
    operationId,
    operation,
    amount: minorUnits === null ? null : { minorUnits, currency: 'JPY' },
    capabilities: stripe,
    at,
    ...over,
  });
  const done = (operationId: string, refundReference?: string): AuthorizationCommand => ({
    type: 'RecordOperationOutcome',
    operationId,
    outcome: { kind: 'done', pspReference: 'pi_1', ...(refundReference ? { refundReference } : {}) },
    at,
  });
  const outcomeOf = (
    operationId: string,
    o: Extract<AuthorizationCommand, { type: 'RecordOperationOutcome' }>['outcome'],
  ): AuthorizationCommand => ({ type: 'RecordOperationOutcome', operationId, outcome: o, at });
  const types = (events: { type: string }[]) => events.map((e) => e.type);

  it('records the capture with its own key before the gateway is called, then the capture', () => {
    const { events, state } = run(request(), approved(), ask('cap_1', 'CAPTURE'), done('cap_1'));
    expect(events[2]).toMatchObject({
      type: 'AuthorizationOperationRequested',
      data: {
        operationId: 'cap_1',
        operation: 'CAPTURE',
        amount: 1200,
        final: true,
        pspIdempotencyKey: 'pay_1:capture:cap_1',
      },
    });
    expect(events[3]).toMatchObject({ type: 'AuthorizationCaptured', data: { operationId: 'cap_1', amount: 1200 } });
    expect(state).toMatchObject({ status: 'CAPTURED', capturedAmount: { minorUnits: 1200, currency: 'JPY' } });
    expect(state.pendingOperationId).toBeNull();
  });

  it('refuses a malformed payment id before anything is recorded under it (a gRPC fuzz finding: NUL reached PostgreSQL)', () => {
    for (const paymentId of ['', 'pay\u00001', 'pay 1', 'x'.repeat(101)]) {
      expect(() => run(ask('void', 'VOID', null, { paymentId }))).toThrow(InvalidArgument);
    }
  });

  it('answers the same operation id as it stands, and refuses it with other parameters', () => {
    const history = [request(), approved(), ask('cap_1', 'CAPTURE', 1000), done('cap_1')];
    expect(run(...history, ask('cap_1', 'CAPTURE', 1000), done('cap_1')).events).toHaveLength(4);
    expect(() => run(...history, ask('cap_1', 'CAPTURE', 900))).toThrow(IdempotencyConflict);
  });

  it('records a refusal by the lifecycle rule, naming the field, and sends nothing', () => {
    const refused = (...commands: AuthorizationCommand[]) => {
      const { events } = run(...commands);
      const last = events[events.length - 1];
      expect(last?.type).toBe('AuthorizationOperationFailed');
      return (last as Extract<typeof last, { type: 'AuthorizationOperationFailed' }>).data;
    };
    expect(refused(request(), approved(), ask('cap_1', 'CAPTURE', 1201))).toMatchObject({
      code: 'refused',
      field: 'amount',
    });
    expect(refused(request(), approved(), ask('cap_1', 'CAPTURE', 600, { final: false }))).toMatchObject({
      field: 'final',
    });
    expect(refused(request(), approved(), ask('cap_1', 'CAPTURE'), done('cap_1'), ask('v_1', 'VOID'))).toMatchObject({
      code: 'refused',
      message: expect.stringContaining('refund it instead'),
    });
    expect(
      refused(request(), approved(), ask('cap_1', 'CAPTURE', 1000), done('cap_1'), ask('ref_1', 'REFUND', 1001)),
    ).toMatchObject({ field: 'amount', message: expect.stringContaining('1000') });
    expect(refused(request(), ask('cap_1', 'CAPTURE'))).toMatchObject({ message: expect.stringContaining('pending') });
    expect(refused(request(), approved(), ask('cap_1', 'CAPTURE'), ask('cap_2', 'CAPTURE'))).toMatchObject({
      message: expect.stringContaining('cap_1 of this payment is still pending'),
    });
  });

  it('captures in parts where the gateway can, up to the authorized amount', () => {
    const history = [
      request(),
      { ...approved(), outcome: { ...(approved() as { outcome: object }).outcome, capabilities: multi } },
    ];
    const { state } = run(
      ...(history as AuthorizationCommand[]),
      ask('cap_1', 'CAPTURE', 500, { final: false, capabilities: multi }),
      done('cap_1'),
      ask('cap_2', 'CAPTURE', 700, { capabilities: multi }),
      done('cap_2'),
    );
    expect(state).toMatchObject({ status: 'CAPTURED', capturedAmount: { minorUnits: 1200 }, finalCaptured: true });
  });

  it('refunds in parts up to what was captured, then is REFUNDED', () => {
    const { events, state } = run(
      request(),
      approved(),
      ask('cap_1', 'CAPTURE', 1000),
      done('cap_1'),
      ask('ref_1', 'REFUND', 300),
      done('ref_1', 're_1'),
      ask('ref_2', 'REFUND'),
      done('ref_2', 're_2'),
    );
    expect(events.filter((e) => e.type === 'AuthorizationOperationRequested').map((e) => e.data)).toEqual([
      expect.objectContaining({ operationId: 'cap_1', refundableBefore: 0 }),
      expect.objectContaining({ operationId: 'ref_1', amount: 300, refundableBefore: 1000 }),
      expect.objectContaining({ operationId: 'ref_2', amount: 700, refundableBefore: 700 }),
    ]);
    expect(state).toMatchObject({ status: 'REFUNDED', refundedMinorUnits: 1000 });
  });

  it('voids an approval; a captured or voided payment cannot be voided or captured', () => {
    expect(run(request(), approved(), ask('v_1', 'VOID'), done('v_1')).state.status).toBe('VOIDED');
    const { events } = run(request(), approved(), ask('v_1', 'VOID'), done('v_1'), ask('cap_1', 'CAPTURE'));
    expect(events[events.length - 1]).toMatchObject({
      type: 'AuthorizationOperationFailed',
      data: { code: 'refused' },
    });
  });

  it('leaves an unanswered operation pending; "unreachable" then changes nothing; the late answer settles it', () => {
    const { events, state } = run(
      request(),
      approved(),
      ask('ref_0', 'CAPTURE'),
      done('ref_0'),
      ask('ref_1', 'REFUND', 200),
      outcomeOf('ref_1', { kind: 'unknown', cause: 'timeout', message: 'no answer' }),
      outcomeOf('ref_1', { kind: 'unknown', cause: 'timeout', message: 'no answer' }),
      outcomeOf('ref_1', { kind: 'failed', code: 'psp_unavailable:circuit_open', message: 'paused', retryable: true }),
    );
    expect(types(events).slice(4)).toEqual(['AuthorizationOperationRequested', 'AuthorizationOperationOutcomeUnknown']);
    expect(state.pendingOperationId).toBe('ref_1');
    const settled = run(
      request(),
      approved(),
      ask('ref_0', 'CAPTURE'),
      done('ref_0'),
      ask('ref_1', 'REFUND', 200),
      outcomeOf('ref_1', { kind: 'unknown', cause: 'timeout', message: 'no answer' }),
      done('ref_1', 're_1'),
      done('ref_1', 're_1'),
    );
    expect(types(settled.events).slice(-1)).toEqual(['AuthorizationRefunded']);
    expect(settled.state).toMatchObject({ refundedMinorUnits: 200, pendingOperationId: null });
  });

  it('records a gateway refusal as failed: nothing moved', () => {
    const { state } = run(
      request(),
      approved(),
      ask('cap_1', 'CAPTURE'),
      outcomeOf('cap_1', { kind: 'failed', code: 'psp_rejected:x', message: 'no', retryable: false }),
    );
    expect(state.operations.cap_1).toMatchObject({ status: 'FAILED', failure: { code: 'psp_rejected:x' } });
    expect(state).toMatchObject({ status: 'APPROVED', capturedAmount: null, pendingOperationId: null });
  });

  it('records a merchant-initiated charge refused for a card it does not hold', () => {
    const refuse: AuthorizationCommand = {
      type: 'RefuseAuthorization',
      paymentId: 'pay_9',
      code: 'stored_card_unknown',
      message: 'no such card',
      at,
    };
    const { events, state } = run(refuse, refuse);
    expect(events).toHaveLength(1);
    expect(state).toMatchObject({ status: 'FAILED', paymentId: 'pay_9', failure: { retryable: false } });
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
