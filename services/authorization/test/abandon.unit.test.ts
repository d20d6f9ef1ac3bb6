import { ABANDONED_CODE, type AuthorizationCommand, decide, InvalidArgument, initialState } from '../src/authorization';
import { approved, at, outcome, request, run } from './commands';

const abandon = (reason = 'CALL_LOST'): AuthorizationCommand => ({
  type: 'AbandonAuthorization',
  paymentId: 'pay_1',
  reason,
  at,
});

describe('abandoning an authorization that was never requested', () => {
  it('records a failure that is final and says nothing was charged', () => {
    const { events, state } = run(abandon());
    expect(events).toEqual([
      {
        type: 'AuthorizationFailed',
        data: expect.objectContaining({
          paymentId: 'pay_1',
          reason: 'CALL_LOST',
          code: ABANDONED_CODE,
          retryable: false,
        }),
      },
    ]);
    expect(state).toMatchObject({ status: 'FAILED', paymentId: 'pay_1', failure: { retryable: false } });
  });

  it.each(['AUTHORIZE', 'REGISTER_CARD'] as const)(
    'a later %s request is answered by the failure, no new request',
    (mode) => {
      const { events, state } = run(abandon(), request(mode === 'AUTHORIZE' ? {} : { mode, amount: null }));
      expect(events.map((e) => e.type)).toEqual(['AuthorizationFailed']);
      expect(state.status).toBe('FAILED');
    },
  );

  it('is idempotent', () => {
    const { events } = run(abandon(), abandon(), abandon('OTHER_REASON'));
    expect(events).toHaveLength(1);
  });

  it('refuses a bad payment id or reason', () => {
    expect(() => decide({ ...abandon(), paymentId: '' } as AuthorizationCommand, initialState())).toThrow(
      InvalidArgument,
    );
    expect(() => decide(abandon('call lost; drop table'), initialState())).toThrow(InvalidArgument);
  });
});

describe('abandoning an authorization that exists leaves it alone', () => {
  const declined = outcome({
    kind: 'declined',
    reason: 'insufficient_funds',
    pspCode: 'card_declined',
    pspDeclineCode: 'insufficient_funds',
    message: 'no funds',
    pspReference: 'pi_2',
  });
  const registered = outcome({
    kind: 'registered',
    customerReference: 'cus_1',
    storedCardReference: 'pm_1',
    pspReference: 'seti_1',
  });
  const unknown = outcome({ kind: 'unknown', cause: 'timeout', message: 'no answer' });

  it.each([
    ['pending', [request()], 'PENDING'],
    ['pending with an unknown outcome', [request(), unknown], 'PENDING'],
    ['approved', [request(), approved()], 'APPROVED'],
    ['declined', [request(), declined], 'DECLINED'],
    ['registered', [request({ mode: 'REGISTER_CARD', amount: null }), registered], 'REGISTERED'],
  ] as const)('%s', (_name, before, status) => {
    const prior = run(...before);
    expect(decide(abandon(), prior.state)).toEqual([]);
    expect(prior.state.status).toBe(status);
  });

  it('a pending one is still settled by its gateway outcome afterwards', () => {
    const { state } = run(request(), abandon(), approved());
    expect(state.status).toBe('APPROVED');
  });
});
