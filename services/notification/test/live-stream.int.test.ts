import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@ivr/contracts';
import { issueOperatorToken } from '@ivr/contracts';
import { until } from '@ivr/testkit/webhook-receiver';
import { liveHandler } from '../src/app/handlers';
import { type NotificationHttp, startNotificationHttp } from './http-harness';

const SECRET = 'test-operator-secret';
const env = (type: string, aggregateType: string, payload: object): EventEnvelope => ({
  specVersion: 1,
  eventId: randomUUID(),
  type,
  aggregateType,
  aggregateId: 'x',
  version: 1,
  occurredAt: new Date().toISOString(),
  payload,
});

/** Reads an SSE stream with a real HTTP client, collecting `event:`/`data:` messages. */
async function openStream(url: string, token?: string) {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: controller.signal,
  });
  const messages: { event: string; data: Record<string, unknown> }[] = [];
  const done = (async () => {
    if (res.status !== 200 || !res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) messages.push({ event, data: JSON.parse(data) });
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  const close = async () => {
    controller.abort();
    await done;
  };
  return { res, messages, close };
}

describe('notification live stream (SSE) per operator', () => {
  let n: NotificationHttp;
  let base: string;
  let core: NotificationHttp['core'];
  let handle: (e: EventEnvelope) => Promise<void>;

  beforeAll(async () => {
    n = await startNotificationHttp('nlive', { operatorTokenSecret: SECRET, internalToken: 'internal' });
    ({ base, core } = n);
    handle = liveHandler(core.hub, core.watchers);
  });
  afterAll(() => n.close());

  it('refuses a stream without a valid operator token', async () => {
    expect((await fetch(`${base}/v1/live`)).status).toBe(401);
    const expired = issueOperatorToken(SECRET, 'op-1', new Date(Date.now() - 1000));
    expect((await fetch(`${base}/v1/live`, { headers: { authorization: `Bearer ${expired}` } })).status).toBe(401);
    const forged = issueOperatorToken('other-secret', 'op-1', new Date(Date.now() + 60_000));
    expect((await fetch(`${base}/v1/live`, { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
  });

  it('carries a payment’s progress, masked capture progress included, to its operator only', async () => {
    const mine = await openStream(`${base}/v1/live`, issueOperatorToken(SECRET, 'op-7', new Date(Date.now() + 60_000)));
    const other = await openStream(
      `${base}/v1/live`,
      issueOperatorToken(SECRET, 'op-8', new Date(Date.now() + 60_000)),
    );
    expect(mine.res.headers.get('content-type')).toContain('text/event-stream');
    await until('both subscribed', () => core.hub.connections === 2);

    const paymentId = 'pay_live1';
    await handle(
      env('PaymentRequested', 'Payment', {
        paymentId,
        orderId: 'L-1',
        orderSystem: 'shop',
        requestedBy: { kind: 'api_key', id: 'k', orderSystem: 'shop' },
        metadata: { operatorId: 'op-7' },
      }),
    );
    await handle(env('CallStarted', 'Call', { callId: 'c1', paymentId, transferCode: '123456', callMode: 'IVR_ONLY' }));
    for (let digits = 1; digits <= 3; digits++) {
      await handle(
        env('CaptureProgressed', 'Call', {
          callId: 'c1',
          paymentId,
          field: 'CARD_NUMBER',
          digitsEntered: digits,
          brand: 'visa',
          valid: null,
          attemptsLeft: 3,
        }),
      );
    }
    await handle(
      env('CardCaptured', 'Call', {
        callId: 'c1',
        paymentId,
        card: {
          pspToken: 'pm_secret_token',
          brand: 'visa',
          bin6: '424242',
          last4: '4242',
          expiryMonth: 1,
          expiryYear: 2031,
        },
      }),
    );
    await until('the operator’s stream to get everything', () => mine.messages.length === 6);
    expect(mine.messages.map((m) => m.event)).toEqual([
      'PaymentRequested',
      'CallStarted',
      'CaptureProgressed',
      'CaptureProgressed',
      'CaptureProgressed',
      'CardCaptured',
    ]);
    expect(mine.messages[4]!.data).toMatchObject({ paymentId, data: { digitsEntered: 3, brand: 'visa', valid: null } });
    expect(mine.messages[5]!.data.data).toEqual({ callId: 'c1', paymentId, card: { brand: 'visa', last4: '4242' } });
    expect(JSON.stringify(mine.messages)).not.toContain('pm_secret_token');
    expect(other.messages).toEqual([]);
    await mine.close();
    await other.close();
    await until('unsubscribed', () => core.hub.connections === 0);
  });
});
