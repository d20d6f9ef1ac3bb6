import { ConcurrencyError } from './errors';
import type { EventStore } from './event-store';
import type { AppendOptions, DomainEvent, RecordedEvent } from './types';

/**
 * A pure aggregate: `decide` turns a command and the current state into events (or throws a domain
 * error), `evolve` folds one event into the state. No I/O, no clock, no ids: those come in the command.
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  initialState: () => State;
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
}

export function foldEvents<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: ReadonlyArray<Pick<RecordedEvent<Event>, 'type' | 'data'>>,
): State {
  return events.reduce(
    (state, e) => decider.evolve(state, { type: e.type, data: e.data } as Event),
    decider.initialState(),
  );
}

export interface HandleResult<Event, State> {
  /** Events this command produced (empty when it changed nothing, e.g. a repeated request). */
  events: Event[];
  state: State;
  version: number;
}

/**
 * Load → decide → append with the version that was loaded. A concurrent writer makes the append
 * fail with ConcurrencyError; the command is then decided again on the fresh state (a few times).
 */
export async function handleCommand<Command, Event extends DomainEvent, State>(
  store: EventStore,
  decider: Decider<Command, Event, State>,
  streamId: string,
  command: Command,
  options: AppendOptions & { retries?: number },
): Promise<HandleResult<Event, State>> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const history = await store.readStream(streamId);
    const state = foldEvents(decider, history as RecordedEvent<Event>[]);
    const events = decider.decide(command, state);
    try {
      const { version } = await store.append(streamId, history.length, events, options);
      return { events, state: events.reduce(decider.evolve, state), version };
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || attempt >= retries) throw err;
    }
  }
}
