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
});
