import { invalidRequest, missingParam, unknownParam } from './stripe-errors';

/**
 * A Stripe form body after parsing (`card[number]=...` becomes `{ card: { number } }`), read with the
 * names Stripe uses in its errors (`card[exp_month]`).
 */
export class FormParams {
  private constructor(private readonly raw: Record<string, unknown>) {}

  static from(body: unknown): FormParams {
    return new FormParams(
      typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {},
    );
  }

  /** Refuses top-level parameters the endpoint does not know, as Stripe does. */
  allowOnly(known: readonly string[]): this {
    for (const key of Object.keys(this.raw)) if (!known.includes(key)) throw unknownParam(key);
    return this;
  }

  has(name: string): boolean {
    return this.lookup(name) !== undefined;
  }

  string(name: string): string | undefined {
    const value = this.lookup(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${name}`, name);
    return value;
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw missingParam(name);
    return value;
  }

  integer(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^-?\d{1,15}$/.test(value)) throw invalidRequest(`Invalid integer: ${value}`, name);
    return Number(value);
  }

  requiredInteger(name: string): number {
    const value = this.integer(name);
    if (value === undefined) throw missingParam(name);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') throw invalidRequest(`Invalid boolean: ${value}`, name);
    return value === 'true';
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) {
      throw invalidRequest(`Invalid ${name}: must be one of ${allowed.join(', ')}`, name);
    }
    return value as T;
  }

  /** A list such as `expand[]=a&expand[]=b` (or `expand[0]=a`). */
  list(name: string): string[] {
    const value = this.lookup(name);
    if (value === undefined) return [];
    const items = Array.isArray(value)
      ? value
      : typeof value === 'object' && value !== null
        ? Object.values(value)
        : [value];
    if (!items.every((item) => typeof item === 'string')) throw invalidRequest(`Invalid array: ${name}`, name);
    return items as string[];
  }

  /** `metadata[key]=value` pairs; Stripe allows 50 keys of up to 40 characters, values up to 500. */
  metadata(): Record<string, string> {
    const value = this.raw.metadata;
    if (value === undefined || value === '') return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw invalidRequest('Invalid hash', 'metadata');
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length > 50) throw invalidRequest('Metadata can have at most 50 keys.', 'metadata');
    const out: Record<string, string> = {};
    for (const [k, v] of entries) {
      if (typeof v !== 'string') throw invalidRequest(`Invalid string: metadata[${k}]`, `metadata[${k}]`);
      if (k.length > 40) throw invalidRequest('Metadata keys can be at most 40 characters.', `metadata[${k}]`);
      if (v.length > 500) throw invalidRequest('Metadata values can be at most 500 characters.', `metadata[${k}]`);
      out[k] = v;
    }
    return out;
  }

  /** Drops a field from the parsed body, so that nothing after this point can see it. */
  forget(name: string): void {
    const path = splitName(name);
    let node: unknown = this.raw;
    for (const part of path.slice(0, -1)) {
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    }
    if (typeof node === 'object' && node !== null) delete (node as Record<string, unknown>)[path[path.length - 1]!];
  }

  private lookup(name: string): unknown {
    let node: unknown = this.raw;
    for (const part of splitName(name)) {
      if (typeof node !== 'object' || node === null) return undefined;
      node = (node as Record<string, unknown>)[part];
    }
    return node;
  }
}

function splitName(name: string): string[] {
  return name.replace(/\]/g, '').split('[');
}
