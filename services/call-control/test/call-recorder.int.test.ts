// The Call aggregate in PostgreSQL: the recorder appends the dialogue's commands in order, with the
// outbox to ivr.calls.v1 in the same transaction, and skips what the decider refuses to repeat.
import { join } from 'node:path';
import { CallEventTypes as T, Topics } from '@ivr/contracts';
import { createPgPool, EventStore, migrate } from '@ivr/eventstore';
import { CallRecorder } from '../src/adapters/pg/call-recorder';
import { CARD } from './support/dialogue-fakes';

const schema = `callrec_${process.pid}_${Date.now()}`;
const pool = createPgPool(process.env.IVR_TEST_DATABASE_URL ?? '', { applicationName: 'call-recorder-test' });
let store: EventStore;
const errors: string[] = [];
const log = { error: (_: object, msg: string) => errors.push(msg) };

beforeAll(async () => {
  await migrate(pool, { schema, dir: join(__dirname, '..', 'migrations') });
  store = new EventStore(pool, { schema });
});

afterAll(async () => {
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
});

test('a call is stored as one stream, in order, each event in the outbox to ivr.calls.v1 keyed by call id', async () => {
  const recorder = new CallRecorder(store, 'call-a', log);
  recorder.record({
    type: 'AnswerCall',
    callId: 'call-a',
    sipCallId: 's',
    transport: 'UDP',
    transferCodeSource: 'request-uri',
  });
  recorder.record({
    type: 'StartPayment',
    paymentId: 'pay-a',
    transferCode: '123456',
    callMode: 'IVR_ONLY',
    orderId: 'o',
    language: 'en',
    mode: 'CAPTURE',
  });
  recorder.record({ type: 'EnterStep', step: 'CARD_NUMBER' });
  recorder.record({ type: 'EnterStep', step: 'CARD_NUMBER' });
  recorder.record({
    type: 'RecordCaptureProgress',
    field: 'CARD_NUMBER',
    digitsEntered: 6,
    brand: 'visa',
    valid: null,
    attemptsLeft: 3,
  });
  recorder.record({ type: 'RecordCardCaptured', card: CARD });
  recorder.record({ type: 'EndCall', reason: 'RETURNED_TO_OPERATOR' });
  await recorder.flush();

  const events = await store.readStream('call-a');
  expect(events.map((e) => e.type)).toEqual([
    T.answered,
    T.started,
    T.stepEntered,
    T.captureProgressed,
    T.cardCaptured,
    T.ended,
  ]);
  expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(events.every((e) => e.streamType === 'Call')).toBe(true);
  const { rows } = await pool.query<{ topic: string; key: string }>(
    `select topic, key from "${schema}".outbox order by position`,
  );
  expect(rows).toHaveLength(6);
  expect(rows.every((r) => r.topic === Topics.calls && r.key === 'call-a')).toBe(true);
  expect(errors).toEqual([]);
});

test('another writer on the same stream: the recorder reloads and carries on after it', async () => {
  const recorder = new CallRecorder(store, 'call-b', log);
  recorder.record({
    type: 'AnswerCall',
    callId: 'call-b',
    sipCallId: 's',
    transport: 'TCP',
    transferCodeSource: 'keypad',
  });
  await recorder.flush();
  await store.append('call-b', 1, [{ type: T.ended, data: { callId: 'call-b', reason: 'SHUTDOWN' } }], {
    streamType: 'Call',
  });
  recorder.record({ type: 'EndCall', reason: 'CALLER_HUNG_UP' });
  await recorder.flush();
  const events = await store.readStream('call-b');
  expect(events.map((e) => e.type)).toEqual([T.answered, T.ended]);
  expect(errors).toEqual([]);
});

test('flush says whether every fact of the call was stored', async () => {
  const recorder = new CallRecorder(store, 'call-c', log, { retries: 0 });
  recorder.record({
    type: 'AnswerCall',
    callId: 'call-c',
    sipCallId: 's',
    transport: 'UDP',
    transferCodeSource: 'keypad',
  });
  expect(await recorder.flush()).toBe(true);
  // Another writer took the next version: with no retries left, the command is given up.
  await store.append(
    'call-c',
    1,
    [{ type: T.stepEntered, data: { callId: 'call-c', paymentId: 'p', step: 'GREETING' } }],
    {
      streamType: 'Call',
    },
  );
  recorder.record({ type: 'EndCall', reason: 'CALLER_HUNG_UP' });
  expect(await recorder.flush()).toBe(false);
  errors.length = 0;
});

/** The event store with its database away while `down` is set (a restart). */
class RestartingStore extends EventStore {
  down = false;
  override transaction<T>(fn: Parameters<EventStore['transaction']>[0]): Promise<T> {
    if (this.down) return Promise.reject(new Error('the database system is starting up'));
    return super.transaction(fn) as Promise<T>;
  }
}

test('a fact given up earlier (a database restart) does not fail a later flush whose facts are stored', async () => {
  const restarting = new RestartingStore(store.pool, { schema: store.schema });
  const recorder = new CallRecorder(restarting, 'call-d', log, { retries: 0 });
  const answer = {
    type: 'AnswerCall',
    callId: 'call-d',
    sipCallId: 's',
    transport: 'UDP',
    transferCodeSource: 'keypad',
  } as const;
  restarting.down = true;
  recorder.record(answer);
  expect(await recorder.flush()).toBe(false);
  restarting.down = false;
  recorder.record(answer);
  recorder.record({ type: 'EndCall', reason: 'CALLER_HUNG_UP' });
  expect(await recorder.flush()).toBe(true);
  expect((await store.readStream('call-d')).map((e) => e.type)).toEqual([T.answered, T.ended]);
  errors.length = 0;
});
