import { CircuitBreaker, type GatewayOutcome, type PaymentGateway } from '@ivr/psp';
import { ResilientGateway } from '../src/adapters/psp/resilient-gateway';

/** A scripted gateway: each authorize call takes the next outcome. */
function scripted(outcomes: GatewayOutcome<never>[]): PaymentGateway & { calls: string[] } {
  const calls: string[] = [];
  const next = async (key: string) => {
    calls.push(key);
    const outcome = outcomes.shift();
    if (!outcome) throw new Error('no more scripted outcomes');
    return outcome;
  };
  return {
    provider: 'simulator',
    capabilities: { partialCapture: true, multipleCaptures: false, partialRefund: true, idempotencyRetentionMs: 1 },
    calls,
    authorize: (r) => next(r.idempotencyKey),
    chargeStoredCard: (r) => next(r.idempotencyKey),
    capture: (r) => next(r.idempotencyKey),
    void: (r) => next(r.idempotencyKey),
    refund: (r) => next(r.idempotencyKey),
    registerCard: (r) => next(r.idempotencyKey),
    findAuthorization: (q) => next(q.idempotencyKey),
  };
}

const request = {
  idempotencyKey: 'pay_1:authorize',
  paymentId: 'pay_1',
  orderReference: 'o',
  cardToken: 'pm_1',
  amount: { minorUnits: 100, currency: 'JPY' },
  capture: false,
};
const timeout: GatewayOutcome<never> = { kind: 'unknown', cause: 'timeout', message: 't' };
const refused: GatewayOutcome<never> = { kind: 'unavailable', cause: 'connection_refused', message: 'r' };
const noSleep = async () => {};

describe('ResilientGateway', () => {
  it('retries an unknown outcome with the same idempotency key', async () => {
    const gateway = scripted([timeout, timeout, timeout]);
    const resilient = new ResilientGateway(
      gateway,
      new CircuitBreaker({ failureThreshold: 10, openMs: 1000 }),
      { retries: 2, retryDelayMs: 1 },
      {},
      noSleep,
    );
    expect(await resilient.authorize(request)).toMatchObject({ kind: 'unknown', cause: 'timeout' });
    expect(gateway.calls).toEqual(['pay_1:authorize', 'pay_1:authorize', 'pay_1:authorize']);
  });

  it('reports unknown, not a retryable failure, when an earlier try went unanswered', async () => {
    const gateway = scripted([timeout, refused]);
    const resilient = new ResilientGateway(
      gateway,
      new CircuitBreaker({ failureThreshold: 10, openMs: 1000 }),
      { retries: 1, retryDelayMs: 1 },
      {},
      noSleep,
    );
    expect(await resilient.authorize(request)).toMatchObject({ kind: 'unknown' });
  });

  it('an unreachable PSP alone is a retryable failure', async () => {
    const resilient = new ResilientGateway(
      scripted([refused, refused]),
      new CircuitBreaker({ failureThreshold: 10, openMs: 1000 }),
      { retries: 1, retryDelayMs: 1 },
      {},
      noSleep,
    );
    expect(await resilient.authorize(request)).toMatchObject({ kind: 'failed', retryable: true });
  });

  it('an open breaker answers at once without calling the PSP', async () => {
    const gateway = scripted([timeout]);
    const resilient = new ResilientGateway(
      gateway,
      new CircuitBreaker({ failureThreshold: 1, openMs: 60_000 }),
      { retries: 0, retryDelayMs: 1 },
      {},
      noSleep,
    );
    await resilient.authorize(request);
    expect(await resilient.authorize(request)).toMatchObject({
      kind: 'failed',
      code: 'psp_unavailable:circuit_open',
      retryable: true,
    });
    expect(gateway.calls).toHaveLength(1);
  });

  it('maps an approval, a decline and a refusal to the domain outcomes', async () => {
    const gateway = scripted([
      {
        kind: 'ok',
        value: { pspReference: 'pi_1', authorizationCode: '123456', captured: false, amount: request.amount },
      } as never,
      {
        kind: 'declined',
        decline: { reason: 'expired_card', pspCode: 'expired_card', pspDeclineCode: 'expired_card', message: 'm' },
      },
      { kind: 'rejected', code: 'resource_missing', message: 'No such PaymentMethod' },
    ]);
    const resilient = new ResilientGateway(
      gateway,
      new CircuitBreaker({ failureThreshold: 10, openMs: 1000 }),
      { retries: 0, retryDelayMs: 1 },
      {},
      noSleep,
    );
    expect(await resilient.authorize(request)).toMatchObject({ kind: 'approved', pspReference: 'pi_1' });
    expect(await resilient.authorize(request)).toMatchObject({
      kind: 'declined',
      reason: 'expired_card',
      pspReference: null,
    });
    expect(await resilient.authorize(request)).toMatchObject({
      kind: 'failed',
      code: 'psp_rejected:resource_missing',
      retryable: false,
    });
  });
});
