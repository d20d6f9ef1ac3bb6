import type { Pool } from 'pg';
import { ConcurrencyError, type EventStore, type OutboxMessage, toEnvelope } from '../src';
import { freshStore } from './test-db';

const ev = (n: number) => ({ type: 'Counted', data: { n } });

describe('EventStore on PostgreSQL', () => {
  let pool: Pool;
  let store: EventStore;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ pool, store, cleanup } = await freshStore('es')));
  afterAll(() => cleanup());

  it('appends at the expected version and reads the stream back in order', async () => {
    const r1 = await store.append('s-1', 'no_stream', [ev(1), ev(2)], { streamType: 'Counter' });
    expect(r1.version).toBe(2);
    const r2 = await store.append('s-1', 2, [ev(3)], { streamType: 'Counter' });
    expect(r2.version).toBe(3);
    const events = await store.readStream('s-1');
    expect(events.map((e) => [e.version, e.data])).toEqual([
      [1, { n: 1 }],
      [2, { n: 2 }],
      [3, { n: 3 }],
    ]);
    expect(events[0]?.streamType).toBe('Counter');
  });

  it('rejects a stale expected version with a typed error naming both versions', async () => {
    await store.append('s-2', 'no_stream', [ev(1)], { streamType: 'Counter' });
    const attempt = store.append('s-2', 0, [ev(2)], { streamType: 'Counter' });
    await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(store.append('s-2', 'no_stream', [ev(2)], { streamType: 'Counter' })).rejects.toThrow(
      'stream s-2 is at version 1, expected no_stream',
    );
    expect(await store.readStream('s-2')).toHaveLength(1);
  });

  it('lets exactly one of many concurrent writers at the same version win', async () => {
    await store.append('s-3', 'no_stream', [ev(0)], { streamType: 'Counter' });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.append('s-3', 1, [ev(i)], { streamType: 'Counter' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failures.every((f) => f.reason instanceof ConcurrencyError)).toBe(true);
    expect(await store.readStream('s-3')).toHaveLength(2);
  });

  it("appends at the end with 'any' even when concurrent writers race for the same version", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.append('s-any', 'any', [ev(i)], { streamType: 'Counter', outbox: { topic: 'ivr.test.v1' } }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await store.readStream('s-any')).map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const { rows } = await pool.query(`select count(*)::int as n from "${store.schema}".outbox where key = 's-any'`);
    expect(rows[0].n).toBe(10);
  });

  it('reads all streams after a checkpoint, and never passes over an event that commits late', async () => {
    let checkpoint = (await store.readAll(undefined, 100_000)).checkpoint;
    await store.append('a-1', 'any', [ev(1)], { streamType: 'Counter' });
    await store.append('b-1', 'any', [ev(2)], { streamType: 'Counter' });
    const first = await store.readAll(checkpoint);
    expect(first.events.map((e) => [e.streamId, e.data])).toEqual([
      ['a-1', { n: 1 }],
      ['b-1', { n: 2 }],
    ]);
    checkpoint = first.checkpoint;

    // A transaction takes a position, stays open while a later one commits and is read...
    const slow = await pool.connect();
    await slow.query('begin');
    await slow.query(
      `insert into "${store.schema}".events (stream_id, stream_type, version, event_id, type, data) values ('late', 'Counter', 1, gen_random_uuid(), 'Counted', '{"n":3}')`,
    );
    await store.append('c-1', 'any', [ev(4)], { streamType: 'Counter' });
    const whileOpen = await store.readAll(checkpoint);
    expect(whileOpen.events).toEqual([]); // held back until the older transaction ends
    await slow.query('commit');
    slow.release();

    // ...and once it commits, both are read, the late one included.
    const after = await store.readAll(checkpoint);
    expect(after.events.map((e) => e.streamId)).toEqual(['late', 'c-1']);
    expect((await store.readAll(after.checkpoint)).events).toEqual([]);
  });

  it('writes outbox rows with the envelope in the same transaction, and nothing when it rolls back', async () => {
    const { events } = await store.append('p-1', 'no_stream', [ev(1)], {
      streamType: 'Counter',
      outbox: { topic: 'ivr.test.v1' },
      metadata: { correlationId: 'corr-1', actor: 'test' },
    });
    const { rows } = await pool.query<OutboxMessage & { event_id: string }>(
      `select topic, key, envelope, event_id from "${store.schema}".outbox where key = 'p-1'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      topic: 'ivr.test.v1',
      key: 'p-1',
      event_id: events[0]?.eventId,
      envelope: {
        specVersion: 1,
        type: 'Counted',
        aggregateType: 'Counter',
        aggregateId: 'p-1',
        version: 1,
        correlationId: 'corr-1',
        payload: { n: 1 },
      },
    });
    // The statement builds the envelope as toEnvelope() does from the stored event, to the millisecond.
    const [stored] = await store.readStream('p-1');
    expect(rows[0]?.envelope).toEqual(toEnvelope(stored!));
    expect(events[0]).toEqual(stored);

    await expect(
      store.transaction(async (tx) => {
        await tx.append('p-2', 'no_stream', [ev(1)], { streamType: 'Counter', outbox: { topic: 'ivr.test.v1' } });
        throw new Error('the command failed after appending');
      }),
    ).rejects.toThrow('the command failed after appending');
    expect(await store.readStream('p-2')).toHaveLength(0);
    const outbox = await pool.query(`select 1 from "${store.schema}".outbox where key = 'p-2'`);
    expect(outbox.rowCount).toBe(0);
  });

  it('runs an idempotent consumer effect once per event id', async () => {
    let effects = 0;
    const handle = () =>
      store.transaction((tx) =>
        tx.processOnce('counter-projection', 'evt-1', async () => {
          effects++;
        }),
      );
    expect(await handle()).toBe(true);
    expect(await handle()).toBe(false);
    expect(effects).toBe(1);
  });

  it('forgets the processed mark when the effect fails, so a redelivery retries it', async () => {
    await expect(
      store.transaction((tx) =>
        tx.processOnce('flaky', 'evt-2', async () => {
          throw new Error('downstream unavailable');
        }),
      ),
    ).rejects.toThrow('downstream unavailable');
    expect(await store.transaction((tx) => tx.processOnce('flaky', 'evt-2', async () => undefined))).toBe(true);
  });
});
