// Commands and a runner for the pure decider tests: requests, gateway outcomes, and decide/evolve
// folded over them from the initial state.
import {
  type AuthorizationCommand,
  type AuthorizationEvent,
  type AuthorizationState,
  decide,
  evolve,
  initialState,
} from '../src/authorization';

export const at = '2026-01-01T00:00:00.000Z';
export const card = {
  pspToken: 'pm_123',
  brand: 'visa',
  bin: '424242',
  last4: '4242',
  expiryMonth: 12,
  expiryYear: 2030,
};

export const request = (
  over: Partial<Extract<AuthorizationCommand, { type: 'RequestAuthorization' }>> = {},
): AuthorizationCommand => ({
  type: 'RequestAuthorization',
  paymentId: 'pay_1',
  mode: 'AUTHORIZE',
  amount: { minorUnits: 1200, currency: 'JPY' },
  orderReference: 'order-1',
  card,
  customerReference: null,
  pspAccountId: 'default',
  at,
  ...over,
});

export const outcome = (o: Extract<AuthorizationCommand, { type: 'RecordGatewayOutcome' }>['outcome']) =>
  ({ type: 'RecordGatewayOutcome', outcome: o, at }) as const;

export const approved = (captured = false): AuthorizationCommand =>
  outcome({
    kind: 'approved',
    pspReference: 'pi_1',
    authorizationCode: '123456',
    captured,
    amount: { minorUnits: 1200, currency: 'JPY' },
  });

/** Runs commands in order from the initial state; returns every event and the final state. */
export function run(...commands: AuthorizationCommand[]): { events: AuthorizationEvent[]; state: AuthorizationState } {
  let state = initialState();
  const events: AuthorizationEvent[] = [];
  for (const c of commands) {
    const produced = decide(c, state);
    events.push(...produced);
    state = produced.reduce(evolve, state);
  }
  return { events, state };
}
