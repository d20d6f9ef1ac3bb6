import type { DomainEvent, RecordedEvent } from './types';

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

/**
 * The decider that takes a list of commands at once, each decided on the state the previous left:
 * their events are appended together or not at all (e.g. record an outcome, then end).
 */
export function inSequence<Command, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
): Decider<readonly Command[], Event, State> {
  return {
    initialState: decider.initialState,
    evolve: decider.evolve,
    decide: (commands, state) => {
      const events: Event[] = [];
      let current = state;
      for (const command of commands) {
        const produced = decider.decide(command, current);
        events.push(...produced);
        current = produced.reduce(decider.evolve, current);
      }
      return events;
    },
  };
}
