/** The stream was not at the version the writer expected: someone else appended first. Reload and retry. */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${expected}`);
  }
}

/** A migration file changed after it was applied, or failed to apply. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  /** Retrying start-up cannot fix it (@ivr/runtime gives up at once). */
  readonly permanent = true;
}
