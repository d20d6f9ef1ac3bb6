/**
 * What an API call answers before it is encoded: ordered `Name=value` pairs, or the list of detail codes
 * (ErrInfo) of every problem found. The HTTP adapter encodes both in the configured charset.
 */
export type Answer =
  | { kind: 'ok'; fields: readonly (readonly [string, string])[] }
  | { kind: 'error'; errInfos: readonly string[] };

export const okAnswer = (fields: Record<string, string>): Answer => ({ kind: 'ok', fields: Object.entries(fields) });

export const errorAnswer = (...errInfos: string[]): Answer => ({ kind: 'error', errInfos });

/** Thrown inside an API handler to answer with these codes (all the problems found so far). */
export class GmoError extends Error {
  constructor(readonly errInfos: readonly string[]) {
    super(`GMO-PG error ${errInfos.join('|')}`);
  }
}
