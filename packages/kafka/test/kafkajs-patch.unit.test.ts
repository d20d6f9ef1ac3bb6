import { createRequire } from 'node:module';
import { kafkajsRequestQueuePatched } from '../src';

// kafkajs's own RequestQueue (one per broker connection), with the replacement @ivr/kafka installs.
const load = createRequire(require.resolve('kafkajs'));
const RequestQueue = load('./src/network/requestQueue') as new (
  options: object,
) => {
  push(request: object): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer | null; size: number }): void;
  maybeThrottle(ms: number | null): void;
  destroy(): void;
};
const noop = () => {};
const logger = { debug: noop, info: noop, warn: noop, error: noop };

function queue() {
  return new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 't',
    broker: 'b:1',
    logger,
  });
}

function request(correlationId: number, sent: number[]) {
  return {
    entry: { correlationId, apiKey: 1, apiName: 'Fetch', apiVersion: 11, resolve: noop, reject: noop },
    expectResponse: true,
    sendRequest: () => void sent.push(correlationId),
  };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

it('is installed on the kafkajs version it was written for', () => {
  expect(kafkajsRequestQueuePatched()).toBe(true);
});

it('leaves no timer behind once a response came and nothing waits (kafkajs spun a 1 ms one)', () => {
  const q = queue();
  const sent: number[] = [];
  q.push(request(1, sent));
  q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
  expect(sent).toEqual([1]);
  expect(jest.getTimerCount()).toBe(0);
  q.destroy();
});

it('still sends a request that waited for the in-flight limit, when the one ahead is answered', () => {
  const q = queue();
  const sent: number[] = [];
  q.push(request(1, sent));
  q.push(request(2, sent));
  expect(sent).toEqual([1]);
  q.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
  expect(sent).toEqual([1, 2]);
  jest.runOnlyPendingTimers();
  expect(jest.getTimerCount()).toBe(0);
  q.destroy();
});

it('still sends a request held by broker throttling once the throttle ends', () => {
  const q = queue();
  const sent: number[] = [];
  q.maybeThrottle(500);
  q.push(request(1, sent));
  expect(sent).toEqual([]);
  jest.advanceTimersByTime(499);
  expect(sent).toEqual([]);
  jest.advanceTimersByTime(20);
  expect(sent).toEqual([1]);
  q.destroy();
});
