import { randomUUID } from 'node:crypto';
import { type BackoffPolicy, backoffDelayMs, sleep } from '@ivr/backoff';
import { type Decider, foldEvents } from './decider';
import { ConcurrencyError } from './errors';
import type { EventStoreTransaction } from './event-store';
import type { AppendOptions, DomainEvent, RecordedEvent } from './types';

/** What handleCommand needs of a transaction: EventStoreTransaction, or a test's in-memory one. */
export type CommandTransaction = Pick<EventStoreTransaction, 'readStream' | 'append' | 'processOnce'>;

/** What handleCommand needs of a store: EventStore, or a test's in-memory one. */
export interface CommandStore<Tx extends CommandTransaction> {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/** What a command changed, as the in-transaction hook sees it (before the events are appended). */
export interface Change<Event, State> {
  /** State the command was decided on. */
  state: State;
  /** State after its events. */
  next: State;
  /** At least one. */
  events: Event[];
  /** The ids the events are stored with (known before the append, e.g. as a causation id). */
  eventIds: string[];
  /** Version of the stream once the events are appended. */
  version: number;
}

export interface HandleOptions<Command, Event, State, Tx = EventStoreTransaction> extends AppendOptions {
  /**
   * The stream as the caller last left it, when it is the stream's only writer (a call's recorder):
   * the first attempt decides on it without reading the stream. A conflict or a retry reads it.
   */
  known?: { state: State; version: number };
  /**
   * An idempotent consumer's mark, in the same transaction: when this consumer already handled this
   * event id, nothing is decided or written and the result says `applied: false`.
   */
  dedupe?: { consumer: string; eventId: string };
  /**
   * In the transaction, before deciding: may answer the command to decide instead (e.g. the request
   * completed with a transfer code it reserved in this transaction).
   */
  prepare?: (tx: Tx, state: State) => Promise<Command | undefined>;
  /**
   * In the transaction, when the command produced events, before they are appended: what else the
   * change writes (read models, integration events through `tx.enqueue`). Before, because the append
   * holds the stream's new version locked until commit: the less after it, the less others wait.
   */
  inTransaction?: (tx: Tx, change: Change<Event, State>) => Promise<void>;
  /** Tries after the first that fail with a retryable error. Default 5. */
  retries?: number;
  /** Wait between tries (@ivr/backoff, jittered). Default 10 ms doubling up to 1 s. */
  backoff?: BackoffPolicy;
  /**
   * Which errors are tried again, on the stream as it is then. Default: ConcurrencyError only (another
   * writer appended first). A single writer that rides out a database restart passes `() => true`.
   */
  retryOn?: (error: unknown) => boolean;
}

export interface HandleResult<Event, State> {
  /** Events this command produced (empty when it changed nothing, e.g. a repeated request). */
  events: Event[];
  /** State after them. */
  state: State;
  /** Version of the stream after them. */
  version: number;
  /** false when `dedupe` found the event handled before (events is then empty). */
  applied: boolean;
}

const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 10, maxMs: 1000 };
const isConflict = (error: unknown): boolean => error instanceof ConcurrencyError;

/**
 * The one command path of every event-sourced service: load (fold the stream) → decide → append with
 * the version that was loaded, in one transaction with whatever else the change writes. A concurrent
 * writer makes the append fail with ConcurrencyError; the command is then decided again on the fresh
 * state after a short jittered wait, a bounded number of times. Domain errors thrown by `decide` go
 * to the caller at once and nothing is written.
 */
export async function handleCommand<
  Command,
  Event extends DomainEvent,
  State,
  Tx extends CommandTransaction = EventStoreTransaction,
>(
  store: CommandStore<Tx>,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  options: HandleOptions<Command, Event, State, Tx>,
): Promise<HandleResult<Event, State>> {
  const retries = options.retries ?? 5;
  const retryOn = options.retryOn ?? isConflict;
  for (let attempt = 1; ; attempt++) {
    const known = attempt === 1 ? options.known : undefined;
    // A single writer's no-op (a repeated progress update) costs no transaction.
    if (known && !options.dedupe && !options.prepare && decider.decide(command, known.state).length === 0)
      return { events: [], state: known.state, version: known.version, applied: true };
    try {
      return await store.transaction((tx) => decideIn(tx, decider, streamId, command, options, known));
    } catch (error) {
      if (attempt > retries || !retryOn(error)) throw error;
      await sleep(backoffDelayMs(attempt, options.backoff ?? DEFAULT_BACKOFF));
    }
  }
}

async function decideIn<Command, Event extends DomainEvent, State, Tx extends CommandTransaction>(
  tx: Tx,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  options: HandleOptions<Command, Event, State, Tx>,
  known: { state: State; version: number } | undefined,
): Promise<HandleResult<Event, State>> {
  const load = async () => {
    if (known) return known;
    const history = (await tx.readStream(streamId)) as RecordedEvent<Event>[];
    return { state: foldEvents(decider, history), version: history.length };
  };
  if (options.dedupe) {
    const fresh = await tx.processOnce(options.dedupe.consumer, options.dedupe.eventId, async () => undefined);
    if (!fresh) return { events: [], ...(await load()), applied: false };
  }
  const { state, version } = await load();
  const events = decider.decide((await options.prepare?.(tx, state)) ?? command, state);
  if (events.length === 0) return { events, state, version, applied: true };
  const next = events.reduce(decider.evolve, state);
  const eventIds = options.eventIds ?? events.map(() => randomUUID());
  await options.inTransaction?.(tx, { state, next, events, eventIds, version: version + events.length });
  const { streamType, outbox, metadata } = options;
  // The last statement of the transaction: it commits with it (one round trip on a pipelining connection).
  await tx.append(streamId, version, events, {
    streamType,
    eventIds,
    commit: true,
    ...(outbox ? { outbox } : {}),
    ...(metadata ? { metadata } : {}),
  });
  return { events, state: next, version: version + events.length, applied: true };
}
