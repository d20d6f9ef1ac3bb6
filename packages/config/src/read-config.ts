import type { Field } from './fields';

export type ConfigSpec = Record<string, Field<unknown>>;
export type ConfigOf<S extends ConfigSpec> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

export interface ConfigProblem {
  variable: string;
  problem: string;
}

/** Every problem with the environment at once, so one failed start shows everything to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}): ` +
        problems.map((p) => `${p.variable} ${p.problem}`).join('; '),
    );
  }
}

export type Env = Record<string, string | undefined>;

/** Reads the environment once; returns a typed object or throws ConfigError naming every problem. */
export function readConfig<S extends ConfigSpec>(spec: S, env: Env = process.env): ConfigOf<S> {
  const problems: ConfigProblem[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(spec)) {
    const result = field.parse(env[field.variable]);
    if (result.ok) config[key] = result.value;
    else problems.push({ variable: field.variable, problem: result.problem });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}

/** A copy of a read config that is safe to log: secret fields are replaced, URL passwords cut out. */
export function describeConfig<S extends ConfigSpec>(spec: S, config: ConfigOf<S>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(spec)) {
    const value = config[key as keyof S];
    if (field.secret && value !== undefined) shown[key] = '[hidden]';
    else if (typeof value === 'string') shown[key] = value.replace(/(\/\/[^/:@\s]*:)[^@\s]*@/g, '$1***@');
    else shown[key] = value;
  }
  return shown;
}

export interface ConfigVariable {
  variable: string;
  /** True when the variable has no default: a start without it fails. */
  required: boolean;
}

/**
 * The variables a spec reads, for checks that compare them with what a deployment sets (the Helm
 * chart's contract check). Required means parsing "unset" is a problem.
 */
export function configVariables(spec: ConfigSpec): ConfigVariable[] {
  return Object.values(spec).map((field) => ({ variable: field.variable, required: !field.parse(undefined).ok }));
}
