/**
 * Fault injection for tests (`POST /_sim/faults`). Each rule applies to the next `count` requests whose
 * path starts with `path` (every /v1 request when absent; forever when count is absent). The newest
 * matching rule wins. Modes:
 * - none:      only the latency;
 * - timeout:   the request runs (the charge is made) and the answer never comes: an unknown outcome;
 * - reset:     the request runs, then the connection is dropped without an answer;
 * - malformed: the request runs, then a 200 with a truncated JSON body;
 * - http500 / http503: answered with Stripe's api_error, without running the request.
 * `process` overrides whether the request runs before the fault answers.
 */
export type FaultMode = 'none' | 'timeout' | 'http500' | 'http503' | 'malformed' | 'reset';

/** One rule; `M` is the simulator's own set of modes (the GMO-PG simulator has more than these). */
export interface FaultRule<M extends string = FaultMode> {
  mode: M;
  latencyMs: number;
  count: number | null;
  path: string | null;
  process: boolean;
}

const RUNS_BY_DEFAULT: Record<FaultMode, boolean> = {
  none: true,
  timeout: true,
  reset: true,
  malformed: true,
  http500: false,
  http503: false,
};

export type ParsedFault<M extends string = FaultMode> = { ok: true; rule: FaultRule<M> } | { ok: false; error: string };

/**
 * A parser of rules for a set of modes, given whether each mode runs the request before it answers
 * (`none` must be one of them). The error names the bad field.
 */
export function faultParser<M extends string>(runsByDefault: Record<M, boolean>): (input: unknown) => ParsedFault<M> {
  const modes = Object.keys(runsByDefault) as M[];
  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return { ok: false, error: 'body must be a JSON object' };
    }
    const raw = input as Record<string, unknown>;
    const mode = raw.mode ?? 'none';
    if (typeof mode !== 'string' || !modes.includes(mode as M)) {
      return { ok: false, error: `mode must be one of ${modes.join(', ')}` };
    }
    const latencyMs = raw.latencyMs ?? 0;
    if (typeof latencyMs !== 'number' || !Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 600_000) {
      return { ok: false, error: 'latencyMs must be an integer from 0 to 600000' };
    }
    const count = raw.count ?? null;
    if (count !== null && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) {
      return { ok: false, error: 'count must be a positive integer' };
    }
    const path = raw.path ?? null;
    if (path !== null && (typeof path !== 'string' || !path.startsWith('/'))) {
      return { ok: false, error: 'path must be a string starting with /' };
    }
    const process = raw.process ?? runsByDefault[mode as M];
    if (typeof process !== 'boolean') return { ok: false, error: 'process must be a boolean' };
    return { ok: true, rule: { mode: mode as M, latencyMs, count, path, process } };
  };
}

/** Validates a rule of this simulator from JSON; the error names the bad field. */
export const parseFault = faultParser(RUNS_BY_DEFAULT);

export class FaultInjector<M extends string = FaultMode> {
  private rules: FaultRule<M>[] = [];

  add(rule: FaultRule<M>): void {
    this.rules.push(rule);
  }

  clear(): void {
    this.rules = [];
  }

  list(): readonly FaultRule<M>[] {
    return this.rules;
  }

  /** The rule for this request, if any; uses up one of its count. */
  take(path: string): FaultRule<M> | undefined {
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const rule = this.rules[i]!;
      if (rule.path !== null && !path.startsWith(rule.path)) continue;
      if (rule.count !== null) {
        rule.count -= 1;
        if (rule.count === 0) this.rules.splice(i, 1);
      }
      return rule;
    }
    return undefined;
  }
}
