// An in-memory store with the transaction semantics handleCommand relies on (writes become visible
// at commit; an append at a version another writer took fails with ConcurrencyError), so that the
// command path is tested without a database. The real store's own behaviour is tested in *.int.
import {
  type CommandStore,
  type CommandTransaction,
  ConcurrencyError,
  type DomainEvent,
  type RecordedEvent,
} from '../src';

export class MemoryTransaction implements CommandTransaction {
  readonly appended: { streamId: string; events: RecordedEvent[] }[] = [];
  readonly processed: string[] = [];
  /** What hooks write beside the events (a read model), committed with them. */
  readonly rows: string[] = [];

  constructor(private readonly store: MemoryStore) {}

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    this.store.reads++;
    return [...(this.store.streams.get(streamId) ?? [])];
  }

  append: CommandTransaction['append'] = async (streamId, expected, events, options) => {
    this.store.beforeAppend?.();
    const actual = this.store.streams.get(streamId)?.length ?? 0;
    const wanted = expected === 'no_stream' ? 0 : expected;
    if (wanted !== 'any' && wanted !== actual) throw new ConcurrencyError(streamId, String(expected), actual);
    const recorded = events.map(
      (e, i): RecordedEvent => ({
        globalPosition: 0,
        streamId,
        streamType: options.streamType,
        version: actual + i + 1,
        eventId: options.eventIds?.[i] ?? `event-${actual + i + 1}`,
        type: e.type,
        data: e.data,
        metadata: options.metadata ?? {},
        recordedAt: new Date(0),
      }),
    );
    this.appended.push({ streamId, events: recorded });
    return { version: actual + events.length, events: recorded };
  };

  async processOnce(consumer: string, eventId: string, effect: () => Promise<void>): Promise<boolean> {
    const mark = `${consumer}/${eventId}`;
    if (this.store.processed.has(mark) || this.processed.includes(mark)) return false;
    this.processed.push(mark);
    await effect();
    return true;
  }
}

export class MemoryStore implements CommandStore<MemoryTransaction> {
  readonly streams = new Map<string, RecordedEvent[]>();
  readonly processed = new Set<string>();
  readonly rows: string[] = [];
  transactions = 0;
  reads = 0;
  /** Errors the next transactions fail with at their start (a database restart). */
  readonly failures: Error[] = [];
  /** Runs at each append, before the version check: where a test lets another writer in. */
  beforeAppend: (() => void) | undefined;

  async transaction<T>(fn: (tx: MemoryTransaction) => Promise<T>): Promise<T> {
    this.transactions++;
    const failure = this.failures.shift();
    if (failure) throw failure;
    const tx = new MemoryTransaction(this);
    const result = await fn(tx);
    for (const { streamId, events } of tx.appended)
      this.streams.set(streamId, [...(this.streams.get(streamId) ?? []), ...events]);
    for (const mark of tx.processed) this.processed.add(mark);
    this.rows.push(...tx.rows);
    return result;
  }

  /** Another writer's append, committed at once. */
  appendNow(streamId: string, events: DomainEvent[]): void {
    const stream = this.streams.get(streamId) ?? [];
    for (const e of events)
      stream.push({
        globalPosition: 0,
        streamId,
        streamType: 'Test',
        version: stream.length + 1,
        eventId: `other-${stream.length + 1}`,
        type: e.type,
        data: e.data,
        metadata: {},
        recordedAt: new Date(0),
      });
    this.streams.set(streamId, stream);
  }

  typesOf(streamId: string): string[] {
    return (this.streams.get(streamId) ?? []).map((e) => e.type);
  }
}
