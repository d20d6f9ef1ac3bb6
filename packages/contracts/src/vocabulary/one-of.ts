/** A type guard for one closed set: `isX(value)` is true for exactly the set's values. */
export function oneOf<T extends string>(values: readonly T[]): (value: unknown) => value is T {
  const set: ReadonlySet<unknown> = new Set(values);
  return (value: unknown): value is T => set.has(value);
}
