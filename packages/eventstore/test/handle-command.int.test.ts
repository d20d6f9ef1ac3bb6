import { randomUUID } from 'node:crypto';
import { type Decider, type EventStore, handleCommand } from '../src';
import { freshStore } from './test-db';

type Cmd = { type: 'reserve'; seat: string };
type Ev = { type: 'Reserved'; data: { seat: string } };
const seats: Decider<Cmd, Ev, Set<string>> = {
  initialState: () => new Set(),
  decide: (c, s) => {
    if (s.has(c.seat)) throw new Error(`seat ${c.seat} is taken`);
    return [{ type: 'Reserved', data: { seat: c.seat } }];
  },
  evolve: (s, e) => new Set([...s, e.data.seat]),
};

describe('handleCommand', () => {
  let store: EventStore;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await freshStore('cmd')));
  afterAll(() => cleanup());

  it('decides on fresh state when a concurrent writer got there first', async () => {
    const results = await Promise.allSettled(
      ['1A', '1B', '1C', '1D'].map((seat) =>
        handleCommand(store, seats, 'flight-1', { type: 'reserve', seat }, { streamType: 'Flight', retries: 10 }),
      ),
    );
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect((await store.readStream('flight-1')).map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });

  it('lets domain errors through and appends nothing', async () => {
    await handleCommand(store, seats, 'flight-2', { type: 'reserve', seat: '2A' }, { streamType: 'Flight' });
    await expect(
      handleCommand(store, seats, 'flight-2', { type: 'reserve', seat: '2A' }, { streamType: 'Flight' }),
    ).rejects.toThrow('seat 2A is taken');
    expect(await store.readStream('flight-2')).toHaveLength(1);
  });

  it('commits what the in-transaction hook enqueues with the events, once per successful try', async () => {
    const results = await Promise.allSettled(
      ['3A', '3B', '3C'].map((seat) =>
        handleCommand(
          store,
          seats,
          'flight-3',
          { type: 'reserve', seat },
          {
            streamType: 'Flight',
            retries: 10,
            inTransaction: (tx, change) =>
              tx.enqueue([
                {
                  topic: 'test.seat-map.v1',
                  key: 'flight-3',
                  envelope: {
                    specVersion: 1,
                    eventId: randomUUID(),
                    type: 'SeatMapChanged',
                    aggregateType: 'Flight',
                    aggregateId: 'flight-3',
                    version: change.version,
                    occurredAt: new Date().toISOString(),
                    causationId: change.eventIds[0]!,
                    payload: { taken: [...change.next].sort() },
                  },
                },
              ]),
          },
        ),
      ),
    );
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const { rows } = await store.pool.query<{ envelope: { version: number; causationId: string }; topic: string }>(
      `select topic, envelope from "${store.schema}".outbox where key = 'flight-3' order by position`,
    );
    const events = await store.readStream('flight-3');
    expect(rows.map((r) => r.topic)).toEqual(['test.seat-map.v1', 'test.seat-map.v1', 'test.seat-map.v1']);
    expect(rows.map((r) => r.envelope.version).sort()).toEqual([1, 2, 3]);
    expect(rows.map((r) => r.envelope.causationId).sort()).toEqual(events.map((e) => e.eventId).sort());
  });

  it('commits nothing of a try whose stream moved on before its append, and decides again', async () => {
    let tries = 0;
    const result = await handleCommand(
      store,
      seats,
      'flight-4',
      { type: 'reserve', seat: '4A' },
      {
        streamType: 'Flight',
        outbox: { topic: 'test.flight.v1' },
        inTransaction: async (tx) => {
          tries++;
          await tx.enqueue([
            {
              topic: 'test.side.v1',
              key: 'flight-4-side',
              envelope: {
                specVersion: 1,
                eventId: randomUUID(),
                type: 'SideWrite',
                aggregateType: 'Flight',
                aggregateId: 'flight-4',
                version: tries,
                occurredAt: new Date().toISOString(),
                payload: { try: tries },
              },
            },
          ]);
          // Another writer commits first, after this try read the stream and before it appends.
          if (tries === 1)
            await store.append('flight-4', 0, [{ type: 'Reserved', data: { seat: '4Z' } }], { streamType: 'Flight' });
        },
      },
    );
    expect(tries).toBe(2);
    expect(result.version).toBe(2);
    expect((await store.readStream('flight-4')).map((e) => e.data)).toEqual([{ seat: '4Z' }, { seat: '4A' }]);
    const { rows } = await store.pool.query<{ envelope: { payload: { try: number } } }>(
      `select envelope from "${store.schema}".outbox where key = 'flight-4-side'`,
    );
    expect(rows.map((r) => r.envelope.payload.try)).toEqual([2]);
  });
});
