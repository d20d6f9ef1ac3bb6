// Field builders: each one knows its variable's name and how to turn the raw string into a value,
// or into a problem description that never contains a secret.

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface Field<T> {
  readonly variable: string;
  /** True when the value must never appear in an error or a log (passwords, keys, tokens). */
  readonly secret: boolean;
  parse(raw: string | undefined): Parsed<T>;
}

export interface FieldOptions<T> {
  /** Used when the variable is unset or empty; without it the variable is required. */
  default?: T;
  /** Force (or lift) secrecy; by default names with PASSWORD, SECRET, KEY, TOKEN... are secret. */
  secret?: boolean;
}

const SECRET_NAME = /PASSWORD|PASSWD|SECRET|KEY|TOKEN|CREDENTIAL|PRIVATE/i;

export function looksSecret(variable: string): boolean {
  return SECRET_NAME.test(variable);
}

/** How a rejected value is shown in an error: hidden for secrets, passwords cut out of URLs. */
export function showValue(variable: string, raw: string, secret = looksSecret(variable)): string {
  if (secret) return '(value hidden)';
  const withoutPassword = raw.replace(/(\/\/[^/:@\s]*:)[^@\s]*@/g, '$1***@');
  const short = withoutPassword.length > 80 ? `${withoutPassword.slice(0, 77)}...` : withoutPassword;
  return JSON.stringify(short);
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

function field<T>(
  variable: string,
  options: FieldOptions<T> | undefined,
  convert: (raw: string, shown: string) => Parsed<T>,
): Field<T> {
  const secret = options?.secret ?? looksSecret(variable);
  return {
    variable,
    secret,
    parse(raw) {
      if (raw === undefined || raw.trim() === '') {
        if (options && 'default' in options) return ok(options.default as T);
        return bad('is required but not set');
      }
      return convert(raw.trim(), showValue(variable, raw.trim(), secret));
    },
  };
}

export function str(variable: string, options?: FieldOptions<string>): Field<string> {
  return field(variable, options, (raw) => ok(raw));
}

export interface IntOptions extends FieldOptions<number> {
  min?: number;
  max?: number;
}

export function int(variable: string, options?: IntOptions): Field<number> {
  return field(variable, options, (raw, shown) => {
    if (!/^-?\d+$/.test(raw)) return bad(`must be an integer, got ${shown}`);
    const value = Number(raw);
    if (!Number.isSafeInteger(value)) return bad(`is out of range, got ${shown}`);
    if (options?.min !== undefined && value < options.min) return bad(`must be at least ${options.min}, got ${shown}`);
    if (options?.max !== undefined && value > options.max) return bad(`must be at most ${options.max}, got ${shown}`);
    return ok(value);
  });
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

export function bool(variable: string, options?: FieldOptions<boolean>): Field<boolean> {
  return field(variable, options, (raw, shown) => {
    const lower = raw.toLowerCase();
    if (TRUE.includes(lower)) return ok(true);
    if (FALSE.includes(lower)) return ok(false);
    return bad(`must be one of ${[...TRUE, ...FALSE].join('/')}, got ${shown}`);
  });
}

export interface UrlOptions extends FieldOptions<string> {
  /** Accepted schemes without the colon, e.g. ['postgres', 'postgresql']. */
  protocols?: string[];
}

/** A URL, returned as the original string (drivers such as pg want the string). */
export function url(variable: string, options?: UrlOptions): Field<string> {
  return field(variable, options, (raw, shown) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return bad(`must be a URL, got ${shown}`);
    }
    const scheme = parsed.protocol.replace(/:$/, '');
    if (options?.protocols && !options.protocols.includes(scheme)) {
      return bad(`must be a ${options.protocols.join(' or ')} URL, got scheme "${scheme}"`);
    }
    return ok(raw);
  });
}

export interface ListOptions extends FieldOptions<string[]> {
  separator?: string;
}

/** Comma-separated (by default) list; blanks are dropped, so "a, b," is ["a", "b"]. */
export function list(variable: string, options?: ListOptions): Field<string[]> {
  return field(variable, options, (raw) => {
    const items = raw
      .split(options?.separator ?? ',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    return items.length === 0 ? bad('must list at least one value') : ok(items);
  });
}

export function oneOf<const V extends string>(
  variable: string,
  values: readonly V[],
  options?: FieldOptions<V>,
): Field<V> {
  return field(variable, options, (raw, shown) =>
    (values as readonly string[]).includes(raw)
      ? ok(raw as V)
      : bad(`must be one of ${values.join(', ')}, got ${shown}`),
  );
}

/** The same field, but unset means `undefined` instead of a problem. */
export function optional<T>(inner: Field<T>): Field<T | undefined> {
  return {
    variable: inner.variable,
    secret: inner.secret,
    parse(raw) {
      if (raw === undefined || raw.trim() === '') return ok(undefined);
      return inner.parse(raw);
    },
  };
}
