import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookTransport } from '../src/adapters/webhooks/sender';
import { WebhookDispatcher } from '../src/app/dispatcher';
import type { DeliveryQueue, DueDelivery } from '../src/app/ports';

// Found by `make chaos`: notification exited on an unhandled rejection when PostgreSQL shut down
// between sending a webhook and recording the attempt.
test('an attempt that cannot be recorded (database restarting) is logged, not an unhandled rejection', async () => {
  const server = createServer((_req, res) => res.writeHead(200).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  const due: DueDelivery = {
    deliveryId: 'd1',
    endpointId: 'e1',
    url,
    secret: 'whsec_test',
    body: '{}',
    attempts: 0,
    giveUpAt: new Date(Date.now() + 60_000),
  };
  const queue = [due];
  const repository = {
    claimDue: async () => queue.splice(0),
    recordAttempt: async () => {
      throw new Error('the database system is shutting down');
    },
  } as DeliveryQueue;
  const warnings: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const dispatcher = new WebhookDispatcher({
    repository,
    policy: { baseDelayMs: 1000, maxDelayMs: 10_000, retryWindowMs: 60_000 },
    timeoutMs: 2000,
    concurrency: 2,
    pollIntervalMs: 50,
    logger: { warn: (_o, msg) => warnings.push(msg), info: () => {} },
    transport: webhookTransport({ allowLoopback: true }),
  });
  try {
    dispatcher.start();
    for (let i = 0; i < 100 && !warnings.includes('webhook attempt not recorded'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(warnings).toContain('webhook attempt not recorded');
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await dispatcher.stop();
    server.close();
  }
});
