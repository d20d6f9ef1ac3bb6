import { status } from '@grpc/grpc-js';
import { AuthorizationStatus } from '@ivr/contracts/authorization/v1';
import { startPspSimulator } from '@ivr/psp-simulator';
import {
  authorizeRequest,
  cardToken,
  charges,
  grpcApi,
  type Harness,
  newPaymentId,
  setFault,
  startHarness,
} from './harness';

describe('a PSP that refuses connections', () => {
  it('answers UNAVAILABLE (nothing charged), and the same payment id succeeds once the PSP is back', async () => {
    const sim = await startPspSimulator({ port: 0 });
    const card = await cardToken(sim, '4242424242424242');
    const port = sim.port;
    await sim.close();
    const h = await startHarness({ simulator: { ...sim, url: `http://127.0.0.1:${port}` } });
    try {
      const api = grpcApi(h.client);
      const paymentId = newPaymentId();
      const refused = await api.authorize(authorizeRequest(paymentId, card));
      expect(!refused.ok && refused.error.code).toBe(status.UNAVAILABLE);
      expect(!refused.ok && refused.error.details).toContain('retry with the same payment id');
      const state = await api.get({ paymentId });
      expect(state.ok && state.value.authorization?.failure).toMatchObject({ retryable: true });
      expect(state.ok && state.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_FAILED);
    } finally {
      await h.close();
    }
  });
});

describe('the circuit breaker', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('opens after repeated PSP failures and answers UNAVAILABLE without calling the PSP', async () => {
    h = await startHarness({ retries: 0, breakerFailures: 3, breakerOpenMs: 60_000 });
    const api = grpcApi(h.client);
    // A count, so that the rule's remaining count shows how many intent requests reached the simulator.
    await setFault(h.sim, { mode: 'http503', process: false, path: '/v1/payment_intents', count: 100 });
    for (let i = 0; i < 3; i++) {
      const r = await api.authorize(authorizeRequest(newPaymentId(), await cardToken(h.sim, '4242424242424242')));
      expect(r.ok && r.value.authorization?.status).toBe(AuthorizationStatus.AUTHORIZATION_STATUS_PENDING);
    }
    const before = (await (await fetch(`${h.sim.url}/_sim/faults`)).json()) as { faults: { count: number }[] };
    expect(before.faults[0]?.count).toBe(97);
    const fast = await api.authorize(authorizeRequest(newPaymentId(), await cardToken(h.sim, '4242424242424242')));
    expect(!fast.ok && fast.error.code).toBe(status.UNAVAILABLE);
    expect(!fast.ok && fast.error.details).toContain('circuit_open');
    // The open breaker sent nothing: the simulator saw no further intent request.
    expect(await (await fetch(`${h.sim.url}/_sim/faults`)).json()).toEqual(before);
    expect((await charges(h.sim)).total).toBe(0);
  });
});
