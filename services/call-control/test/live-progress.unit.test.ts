// The live channel of capture progress: keys go to ivr.call-progress.v1 as envelopes the live consumer
// reads like the Call's own, batched one request at a time (in order), and a failed send loses only them.
import { type CaptureProgressedPayload, parseEnvelope, Topics } from '@ivr/contracts';
import type { EventPublisher, OutgoingMessage } from '@ivr/kafka';
import { KafkaLiveProgress } from '../src/adapters/kafka/live-progress';

const key = (callId: string, digitsEntered: number): CaptureProgressedPayload => ({
  callId,
  paymentId: `pay-${callId}`,
  field: 'CARD_NUMBER',
  digitsEntered,
  valid: null,
  attemptsLeft: 3,
});

/** A publisher whose sends complete when the test says so. */
class HeldPublisher implements EventPublisher {
  readonly batches: OutgoingMessage[][] = [];
  private release: Array<() => void> = [];
  fail = false;

  publish(messages: OutgoingMessage[]): Promise<void> {
    this.batches.push(messages);
    return new Promise((resolve, reject) => {
      this.release.push(() => (this.fail ? reject(new Error('broker down')) : resolve()));
    });
  }

  async completeOne(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    this.release.shift()?.();
    await new Promise((r) => setImmediate(r));
  }
}

const quiet = { warn: () => {} };

test('sends each key as a masked CaptureProgressed envelope on the live topic, keyed by call id', async () => {
  const sent: OutgoingMessage[] = [];
  const live = new KafkaLiveProgress({ publish: async (m) => void sent.push(...m) }, quiet);
  live.publish({ ...key('call-1', 6), brand: 'visa' });
  await live.flush();
  expect(sent).toHaveLength(1);
  const [m] = sent;
  expect(m?.topic).toBe(Topics.callProgress);
  expect(m?.key).toBe('call-1');
  const parsed = parseEnvelope(JSON.stringify(m?.envelope));
  expect(parsed.ok).toBe(true);
  expect(m?.envelope).toMatchObject({
    type: 'CaptureProgressed',
    aggregateType: 'Call',
    aggregateId: 'call-1',
    correlationId: 'call-1',
    payload: { field: 'CARD_NUMBER', digitsEntered: 6, brand: 'visa', valid: null },
  });
});

test('keys that come while a request is in flight go together in the next one, in order', async () => {
  const publisher = new HeldPublisher();
  const live = new KafkaLiveProgress(publisher, quiet);
  live.publish(key('call-1', 1));
  live.publish(key('call-2', 1));
  await new Promise((r) => setImmediate(r));
  for (const n of [2, 3, 4]) live.publish(key('call-1', n));
  live.publish(key('call-2', 2));
  await publisher.completeOne();
  await publisher.completeOne();
  await live.flush();
  const digits = (b: OutgoingMessage[]) =>
    b.map((m) => `${m.key}:${(m.envelope.payload as CaptureProgressedPayload).digitsEntered}`);
  expect(publisher.batches.map(digits)).toEqual([
    ['call-1:1', 'call-2:1'],
    ['call-1:2', 'call-1:3', 'call-1:4', 'call-2:2'],
  ]);
});

test('a failed send loses its keys only, is logged without them, and the next keys go out', async () => {
  const publisher = new HeldPublisher();
  const warnings: object[] = [];
  const live = new KafkaLiveProgress(publisher, { warn: (o) => warnings.push(o) });
  publisher.fail = true;
  live.publish(key('call-1', 1));
  await publisher.completeOne();
  await live.flush();
  expect(warnings).toEqual([{ err: 'broker down', lost: 1 }]);
  publisher.fail = false;
  live.publish(key('call-1', 2));
  await publisher.completeOne();
  await live.flush();
  expect(publisher.batches).toHaveLength(2);
});

test('beyond its limit the queue drops the oldest keys (a screen a few keys behind, never the caller held)', async () => {
  const publisher = new HeldPublisher();
  const live = new KafkaLiveProgress(publisher, quiet, 3);
  live.publish(key('call-1', 1));
  await new Promise((r) => setImmediate(r));
  for (const n of [2, 3, 4, 5, 6]) live.publish(key('call-1', n));
  await publisher.completeOne();
  await publisher.completeOne();
  await live.flush();
  expect(publisher.batches[1]?.map((m) => (m.envelope.payload as CaptureProgressedPayload).digitsEntered)).toEqual([
    4, 5, 6,
  ]);
});
