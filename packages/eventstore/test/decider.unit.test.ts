import { assertSchemaName, type Decider, foldEvents } from '../src';

type Cmd = { type: 'add'; amount: number };
type Ev = { type: 'Added'; data: { amount: number } };
const counter: Decider<Cmd, Ev, number> = {
  initialState: () => 0,
  decide: (c) => (c.amount === 0 ? [] : [{ type: 'Added', data: { amount: c.amount } }]),
  evolve: (s, e) => s + e.data.amount,
};

describe('deciders and schema names', () => {
  it('folds events into state from the initial state', () => {
    expect(
      foldEvents(counter, [
        { type: 'Added', data: { amount: 2 } },
        { type: 'Added', data: { amount: 3 } },
      ]),
    ).toBe(5);
    expect(foldEvents(counter, [])).toBe(0);
  });

  it('accepts plain identifiers and refuses anything that could inject SQL', () => {
    expect(assertSchemaName('orderlink')).toBe('orderlink');
    expect(() => assertSchemaName('x"; drop table events; --')).toThrow('invalid schema name');
    expect(() => assertSchemaName('Upper')).toThrow('invalid schema name');
  });
});
