// Crash recovery against real PostgreSQL: calls whose owner stopped heartbeating are ended (payment
// fenced first when a card was captured); live owners' calls are left alone; racing sweepers end a
// call once; the open-calls projection follows the streams and can be rebuilt from them.
import { join } from 'node:path';
import { CallEventTypes as T } from '@ivr/contracts';
import { createPgPool, EventStore, migrate } from '@ivr/eventstore';
import { CallOwnership } from '../src/adapters/pg/call-ownership';
import { CallRecorder } from '../src/adapters/pg/call-recorder';
import { PgCallStreams } from '../src/adapters/pg/call-streams';
import { rebuildOpenCalls } from '../src/adapters/pg/open-calls';
import { endLostCall, type PaymentFence, type RecoveryDeps, recoverLostCalls } from '../src/app/recover-lost-calls';
import { startRecoveryLoop } from '../src/app/recovery-loop';
import type { CallCommand } from '../src/call';
import type { AuthorizationOutcome } from '../src/dialogue';
import { ServiceUnavailable } from '../src/dialogue';
import { CARD } from './support/dialogue-fakes';

const schema = `callrecov_${process.pid}_${Date.now()}`;
const pool = createPgPool(process.env.IVR_TEST_DATABASE_URL ?? '', { applicationName: 'call-recovery-test' });
let store: EventStore;
let ownership: CallOwnership;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };
let seq = 0;

/** The authorization service's fence, as a port: records what it was asked, answers as told. */
class RecordingFence implements PaymentFence {
  readonly asked: string[] = [];
  answer: AuthorizationOutcome | Error = { status: 'FAILED', failureCode: 'abandoned', retryable: false };
  async abandon(paymentId: string, reason: string): Promise<AuthorizationOutcome> {
    this.asked.push(`${paymentId}:${reason}`);
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

beforeAll(async () => {
  await migrate(pool, { schema, dir: join(__dirname, '..', 'migrations') });
  store = new EventStore(pool, { schema });
  ownership = new CallOwnership(pool, schema);
});

afterAll(async () => {
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
});

const deps = (instanceId: string, fence: PaymentFence = new RecordingFence()): RecoveryDeps => ({
  calls: new PgCallStreams(store),
  ownership,
  fence,
  instanceId,
  log: quiet,
});

/** An instance that heartbeats now, or last did a minute ago (dead). */
async function instance(state: 'alive' | 'dead'): Promise<string> {
  const id = `inst-${++seq}-${state}`;
  await ownership.heartbeat(id, 15_000);
  if (state === 'dead')
    await pool.query(
      `update "${schema}".instances set heartbeat_at = now() - interval '1 minute' where instance_id = $1`,
      [id],
    );
  return id;
}

/** The commands of a call that `owner` answered and started a payment in. */
const answerAndStart = (callId: string, owner: string): CallCommand[] => [
  {
    type: 'AnswerCall',
    callId,
    sipCallId: `s-${callId}`,
    transport: 'UDP',
    transferCodeSource: 'request-uri',
    instanceId: owner,
  },
  {
    type: 'StartPayment',
    paymentId: `pay-${callId}`,
    transferCode: '123456',
    callMode: 'IVR_ONLY',
    orderId: 'o',
    language: 'en',
    mode: 'AUTHORIZE',
  },
];

/** A call answered by `owner`, taken as far as `stage`. */
async function openCall(owner: string, stage: 'answered' | 'captured' = 'answered'): Promise<string> {
  const callId = `call-${++seq}`;
  const recorder = new CallRecorder(store, callId, quiet);
  const commands = answerAndStart(callId, owner);
  if (stage === 'captured') commands.push({ type: 'RecordCardCaptured', card: CARD });
  for (const c of commands) recorder.record(c);
  await recorder.flush();
  return callId;
}

const typesOf = async (callId: string) => (await store.readStream(callId)).map((e) => e.type);
const isOpen = async (callId: string) =>
  (await pool.query(`select 1 from "${schema}".open_calls where call_id = $1`, [callId])).rowCount === 1;

test('a call owned by a dead instance is ended as lost; one owned by a live instance is left alone', async () => {
  const lost = await openCall(await instance('dead'));
  const live = await openCall(await instance('alive'));
  const fence = new RecordingFence();

  const results = await recoverLostCalls(deps('sweeper-1', fence));

  expect(results.get(lost)).toBe('ended');
  expect(results.has(live)).toBe(false);
  expect(await typesOf(lost)).toEqual([T.answered, T.started, T.ended]);
  const ended = (await store.readStream(lost)).at(-1);
  expect(ended?.data).toMatchObject({ callId: lost, paymentId: `pay-${lost}`, reason: 'CALL_LOST' });
  expect(await isOpen(lost)).toBe(false);
  // No card captured: nothing to fence (order-link abandons the payment on CallEnded).
  expect(fence.asked).toEqual([]);
  expect(await typesOf(live)).toEqual([T.answered, T.started]);
  expect(await isOpen(live)).toBe(true);
  // CallEnded goes to ivr.calls.v1 like any other call event.
  const { rows } = await pool.query(`select 1 from "${schema}".outbox where key = $1 and envelope->>'type' = $2`, [
    lost,
    T.ended,
  ]);
  expect(rows).toHaveLength(1);
});

test('a captured card without an authorization outcome: the payment is fenced, then the call ends', async () => {
  const callId = await openCall(await instance('dead'), 'captured');
  const fence = new RecordingFence();
  expect(await endLostCall(deps('sweeper-1', fence), callId)).toBe('ended');
  expect(fence.asked).toEqual([`pay-${callId}:CALL_LOST`]);
  const events = await store.readStream(callId);
  expect(events.map((e) => e.type)).toEqual([T.answered, T.started, T.cardCaptured, T.authorizationCompleted, T.ended]);
  expect(events[3]?.data).toMatchObject({ outcome: 'FAILED', failureCode: 'abandoned' });
});

test('while the authorization service cannot fence, the call stays open; the next sweep ends it', async () => {
  const callId = await openCall(await instance('dead'), 'captured');
  const fence = new RecordingFence();
  fence.answer = new ServiceUnavailable('authorization', 'status 14');
  expect(await endLostCall(deps('sweeper-1', fence), callId)).toBe('fence-unavailable');
  expect(await typesOf(callId)).not.toContain(T.ended);
  expect(await isOpen(callId)).toBe(true);

  fence.answer = { status: 'PENDING' };
  expect(await endLostCall(deps('sweeper-1', fence), callId)).toBe('ended');
  expect(await typesOf(callId)).toEqual([T.answered, T.started, T.cardCaptured, T.authorizationCompleted, T.ended]);
});

test('an owner is judged by the lease it declared: silent a minute on a two-minute lease, it is alive', async () => {
  const owner = `inst-${++seq}-patient`;
  await ownership.heartbeat(owner, 120_000);
  await pool.query(
    `update "${schema}".instances set heartbeat_at = now() - interval '1 minute' where instance_id = $1`,
    [owner],
  );
  const callId = await openCall(owner);
  const results = await recoverLostCalls(deps('sweeper-1'));
  expect(results.has(callId)).toBe(false);
  expect(await isOpen(callId)).toBe(true);
});

test('a call whose owner never heartbeat (answered before recovery existed) is lost', async () => {
  const callId = await openCall('unknown');
  await recoverLostCalls(deps('sweeper-1'));
  expect(await typesOf(callId)).toContain(T.ended);
});

test('two sweepers racing over the same lost calls end each call exactly once', async () => {
  const dead = await instance('dead');
  const calls = await Promise.all([openCall(dead), openCall(dead, 'captured'), openCall(dead), openCall(dead)]);
  const [a, b] = await Promise.all([recoverLostCalls(deps('sweeper-a')), recoverLostCalls(deps('sweeper-b'))]);
  for (const callId of calls) {
    const types = await typesOf(callId);
    expect(types.filter((t) => t === T.ended)).toHaveLength(1);
    expect(types.filter((t) => t === T.authorizationCompleted).length).toBeLessThanOrEqual(1);
    const outcomes = [a.get(callId), b.get(callId)];
    expect(outcomes.filter((o) => o === 'ended')).toHaveLength(1);
  }
});

test('an owner taken for dead that carries on: its late commands change nothing', async () => {
  const owner = await instance('dead');
  const callId = `call-${++seq}`;
  const recorder = new CallRecorder(store, callId, quiet, { retries: 3, backoff: { initialMs: 1, maxMs: 1 } });
  for (const c of answerAndStart(callId, owner)) recorder.record(c);
  expect(await recorder.flush()).toBe(true);
  await recoverLostCalls(deps('sweeper-1'));
  recorder.record({ type: 'RecordCardCaptured', card: CARD });
  // The dialogue learns that its card is not on record, so it will not authorize.
  expect(await recorder.flush()).toBe(false);
  recorder.record({ type: 'EndCall', reason: 'CALLER_HUNG_UP' });
  await recorder.flush();
  const events = await store.readStream(callId);
  expect(events.map((e) => e.type)).toEqual([T.answered, T.started, T.ended]);
  expect(events[2]?.data).toMatchObject({ reason: 'CALL_LOST' });
  expect(await isOpen(callId)).toBe(false);
});

test('the open-calls projection is rebuilt from the events as it was written', async () => {
  const owner = await instance('alive');
  await openCall(owner, 'captured');
  await openCall(owner);
  const snapshot = async () =>
    (
      await pool.query(
        `select call_id, instance_id, payment_id, card_captured, authorization_recorded from "${schema}".open_calls order by call_id`,
      )
    ).rows;
  const before = await snapshot();
  expect(before.length).toBeGreaterThanOrEqual(2);
  await pool.query(`delete from "${schema}".open_calls`);
  expect(await rebuildOpenCalls(store)).toBe(before.length);
  expect(await snapshot()).toEqual(before);
});

test('the loop heartbeats, sweeps by itself, forgets dead instances and retires on stop', async () => {
  const dead = await instance('dead');
  const callId = await openCall(dead);
  const loop = await startRecoveryLoop({
    ...deps('loop-1'),
    staleMs: 15_000,
    heartbeatMs: 50,
    sweepMs: 50,
    log: quiet,
  });
  try {
    expect(loop.healthy()).toBe(true);
    for (let i = 0; i < 100 && !(await typesOf(callId)).includes(T.ended); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await typesOf(callId)).toContain(T.ended);
    const alive = await pool.query(`select instance_id from "${schema}".instances where instance_id = any($1)`, [
      ['loop-1', dead],
    ]);
    // The dead instance owns nothing any more, so its row went with the sweep.
    expect(alive.rows.map((r) => r.instance_id)).toEqual(['loop-1']);
  } finally {
    await loop.stop();
  }
  expect((await pool.query(`select 1 from "${schema}".instances where instance_id = 'loop-1'`)).rowCount).toBe(0);
});
