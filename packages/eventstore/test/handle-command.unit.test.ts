// handleCommand, given a stream's history, when a command is handled, then these events are stored
// (or this error is thrown). The store is in memory (test/memory-store.ts); the PostgreSQL store
// under concurrent writers is in handle-command.int.test.ts.
import { ConcurrencyError, type Decider, type HandleOptions, handleCommand, inSequence } from '../src';
import { MemoryStore, type MemoryTransaction } from './memory-store';

type Cmd = { type: 'reserve'; seat: string } | { type: 'release'; seat: string };
type Ev = { type: 'Reserved'; data: { seat: string } } | { type: 'Released'; data: { seat: string } };
type Seats = ReadonlySet<string>;

class SeatTaken extends Error {}

const seats: Decider<Cmd, Ev, Seats> = {
  initialState: () => new Set(),
  decide: (c, s) => {
    if (c.type === 'reserve') {
      if (s.has(c.seat)) throw new SeatTaken(`seat ${c.seat} is taken`);
      return [{ type: 'Reserved', data: { seat: c.seat } }];
    }
    return s.has(c.seat) ? [{ type: 'Released', data: { seat: c.seat } }] : [];
  },
  evolve: (s, e) => {
    const next = new Set(s);
    if (e.type === 'Reserved') next.add(e.data.seat);
    else next.delete(e.data.seat);
    return next;
  },
};

const reserve = (seat: string): Cmd => ({ type: 'reserve', seat });
const release = (seat: string): Cmd => ({ type: 'release', seat });
const reserved = (seat: string): Ev => ({ type: 'Reserved', data: { seat } });
const fast = { backoff: { initialMs: 1, maxMs: 1 } };

/** given(history).when(command, options) → then the stored events / the error. */
function given(...history: Ev[]) {
  const store = new MemoryStore();
  store.appendNow('flight', history);
  const before = history.length;
  return {
    store,
    async when(command: Cmd, options: Partial<HandleOptions<Cmd, Ev, Seats, MemoryTransaction>> = {}) {
      const transactions = store.transactions;
      const outcome = await handleCommand(store, seats, 'flight', command, {
        streamType: 'Flight',
        ...fast,
        ...options,
      }).then(
        (result) => ({ result, error: undefined }),
        (error: unknown) => ({ result: undefined, error }),
      );
      const stored = (store.streams.get('flight') ?? []).slice(before);
      return { ...outcome, stored, transactions: store.transactions - transactions };
    },
  };
}

describe('handleCommand', () => {
  it('decides on the folded history and appends at the version it loaded', async () => {
    const { result, stored } = await given(reserved('1A')).when(reserve('1B'));
    expect(stored.map((e) => [e.type, e.data, e.version])).toEqual([['Reserved', { seat: '1B' }, 2]]);
    expect(result).toMatchObject({ events: [reserved('1B')], version: 2, applied: true });
    expect([...(result?.state ?? [])]).toEqual(['1A', '1B']);
  });

  it('passes a domain error to the caller at once and stores nothing', async () => {
    const { error, stored, transactions } = await given(reserved('1A')).when(reserve('1A'));
    expect(error).toBeInstanceOf(SeatTaken);
    expect(stored).toEqual([]);
    expect(transactions).toBe(1);
  });

  it('stores nothing and runs no hook when the command changes nothing', async () => {
    const inTransaction = jest.fn();
    const { result, stored } = await given(reserved('1A')).when(release('9Z'), { inTransaction });
    expect(stored).toEqual([]);
    expect(result).toMatchObject({ events: [], version: 1, applied: true });
    expect(inTransaction).not.toHaveBeenCalled();
  });

  it('writes what the hook writes in the same transaction, before the append, with the change it made', async () => {
    const seen: unknown[] = [];
    const { store, when } = given(reserved('1A'));
    const { stored } = await when(reserve('1B'), {
      eventIds: ['e-1b'],
      inTransaction: async (tx, change) => {
        seen.push({ ...change, state: [...change.state], next: [...change.next], appendedYet: tx.appended.length });
        tx.rows.push('seat map row');
      },
    });
    expect(seen).toEqual([
      { state: ['1A'], next: ['1A', '1B'], events: [reserved('1B')], eventIds: ['e-1b'], version: 2, appendedYet: 0 },
    ]);
    expect(stored.map((e) => e.eventId)).toEqual(['e-1b']);
    expect(store.rows).toEqual(['seat map row']);
  });

  it('decides again on the fresh state when another writer appended first, and the first try leaves nothing', async () => {
    const { store, when } = given(reserved('1A'));
    let interleaved = false;
    store.beforeAppend = () => {
      if (interleaved) return;
      interleaved = true;
      store.appendNow('flight', [reserved('1C')]);
    };
    const hook = jest.fn(async (tx: MemoryTransaction) => void tx.rows.push('row'));
    const { result, stored } = await when(reserve('1B'), { inTransaction: hook });
    expect(stored.map((e) => [e.data, e.version])).toEqual([
      [{ seat: '1C' }, 2],
      [{ seat: '1B' }, 3],
    ]);
    expect([...(result?.state ?? [])].sort()).toEqual(['1A', '1B', '1C']);
    expect(hook).toHaveBeenCalledTimes(2);
    expect(store.rows).toEqual(['row']); // the losing try's write was rolled back with it
  });

  it('on the fresh state the command may be refused: the conflict then ends in the domain error', async () => {
    const { store, when } = given();
    store.beforeAppend = () => {
      store.beforeAppend = undefined;
      store.appendNow('flight', [reserved('1B')]);
    };
    const { error, stored } = await when(reserve('1B'));
    expect(error).toBeInstanceOf(SeatTaken);
    expect(stored.map((e) => e.data)).toEqual([{ seat: '1B' }]);
  });

  it('gives up with the ConcurrencyError after the retries it was given', async () => {
    const { store, when } = given();
    store.beforeAppend = () => store.appendNow('flight', [{ type: 'Released', data: { seat: 'x' } }]);
    const { error, transactions } = await when(reserve('1B'), { retries: 2 });
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(transactions).toBe(3);
  });

  it('lets `prepare` answer the command to decide, in the transaction, on the loaded state', async () => {
    const prepare = jest.fn(async (_tx: MemoryTransaction, state: Seats) =>
      state.has('1A') ? reserve('2A') : undefined,
    );
    const { stored } = await given(reserved('1A')).when(reserve('1A'), { prepare });
    expect(stored.map((e) => e.data)).toEqual([{ seat: '2A' }]);
  });

  it('handles an event once per consumer: a redelivery decides nothing and says so', async () => {
    const { store, when } = given();
    const dedupe = { consumer: 'pm', eventId: 'ev-1' };
    const first = await when(reserve('1A'), { dedupe });
    const again = await when(reserve('1A'), { dedupe });
    expect(first.result?.applied).toBe(true);
    expect(again.error).toBeUndefined();
    expect(again.result).toMatchObject({ applied: false, events: [], version: 1 });
    expect(store.typesOf('flight')).toEqual(['Reserved']);
  });

  it('decides on what a single writer knows without reading, and a no-op costs no transaction', async () => {
    const { store, when } = given(reserved('1A'));
    const known = { state: new Set(['1A']), version: 1 };
    const noop = await when(release('9Z'), { known });
    expect(noop.transactions).toBe(0);
    const reads = store.reads;
    const { stored } = await when(reserve('1B'), { known });
    expect(stored.map((e) => e.version)).toEqual([2]);
    expect(store.reads).toBe(reads);
  });

  it('reads the stream when what the writer knew is stale', async () => {
    const { store, when } = given(reserved('1A'));
    store.appendNow('flight', [reserved('1C')]);
    const { stored, result } = await when(reserve('1B'), { known: { state: new Set(['1A']), version: 1 } });
    expect(stored.map((e) => [e.data, e.version])).toEqual([
      [{ seat: '1C' }, 2],
      [{ seat: '1B' }, 3],
    ]);
    expect(result?.version).toBe(3);
  });

  it('tries other errors again only when told to (a database restart), with the same bounds', async () => {
    const restart = () => new Error('the database system is starting up');
    const first = given();
    first.store.failures.push(restart());
    expect((await first.when(reserve('1A'))).error).toEqual(restart());

    const second = given();
    second.store.failures.push(restart(), restart());
    const { stored } = await second.when(reserve('1A'), { retryOn: () => true, retries: 2 });
    expect(stored.map((e) => e.data)).toEqual([{ seat: '1A' }]);
  });
});

describe('inSequence', () => {
  it('decides each command on the state the previous left, all or nothing', async () => {
    const store = new MemoryStore();
    const both = inSequence(seats);
    await handleCommand(store, both, 'flight', [reserve('1A'), release('1A'), reserve('1B')], {
      streamType: 'Flight',
    });
    expect(store.typesOf('flight')).toEqual(['Reserved', 'Released', 'Reserved']);
    await expect(
      handleCommand(store, both, 'flight', [reserve('1C'), reserve('1B')], { streamType: 'Flight' }),
    ).rejects.toThrow(SeatTaken);
    expect(store.typesOf('flight')).toHaveLength(3);
  });
});
