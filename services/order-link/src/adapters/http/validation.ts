import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FieldProblem } from '../../app/errors';
import { removedOptionProblem } from '../../app/removed-options';
import { NO_CARD_NUMBER, textProblems } from './free-text';
import type { JsonObject } from './openapi';

const SCHEMA_BASE = 'https://ivr.invalid/order-link/schemas/';

/**
 * Body fields that are identifiers or addresses, not free text: the card-number rule skips them
 * (numeric order ids and E.164 numbers of 13-19 digits are common, and one in ten passes Luhn).
 * Every other string of a request body, object keys included, is free text.
 */
export const NOT_FREE_TEXT: ReadonlySet<string> = new Set(['orderId', 'returnSipAddress', 'storedCard']);

/** What the validator of one operation checks and answers. */
export interface OperationValidator {
  /**
   * Problems with body, query, path and headers; the query object is coerced (e.g. limit → number).
   * Free text in the body that holds a card number is a problem too (free-text.ts).
   */
  check(input: {
    body: unknown;
    query: Record<string, unknown>;
    params: Record<string, unknown>;
    headers: Record<string, unknown>;
  }): FieldProblem[];
}

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  schema: JsonObject;
}

function relink(schema: unknown): JsonObject {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${SCHEMA_BASE}`)) as JsonObject;
}

function fieldName(e: ErrorObject, location: FieldProblem['in'], paramName?: string): string {
  const path = e.instancePath.split('/').filter(Boolean);
  if (e.keyword === 'required') path.push(String(e.params.missingProperty));
  if (e.keyword === 'additionalProperties') path.push(String(e.params.additionalProperty));
  if (location !== 'body' && paramName && path.length === 0) return paramName;
  return path.join('.') || '(body)';
}

function message(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') {
    // A removed option is not merely unknown: say why it went and what replaces it.
    const removed =
      e.instancePath === '' ? removedOptionProblem(String(e.params.additionalProperty), 'rest') : undefined;
    return removed?.message ?? 'unknown field';
  }
  if (e.keyword === 'required') return 'is required';
  return e.message ?? 'is invalid';
}

function problems(
  errors: ErrorObject[] | null | undefined,
  location: FieldProblem['in'],
  paramName?: string,
): FieldProblem[] {
  // An `if` failing says only that its `then` did: the `then` errors name the fields.
  return (errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => ({ in: location, field: fieldName(e, location, paramName), message: message(e) }));
}

/** Compiles one validator per operationId of the document. */
export function compileValidators(doc: JsonObject): Map<string, OperationValidator> {
  const ajv = new Ajv2020({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false });
  const coercing = new Ajv2020({ allErrors: true, strict: true, coerceTypes: true, useDefaults: true });
  for (const a of [ajv, coercing]) {
    addFormats(a);
    const schemas = (doc.components as JsonObject).schemas as JsonObject;
    for (const [name, schema] of Object.entries(schemas)) a.addSchema({ ...relink(schema), $id: SCHEMA_BASE + name });
  }
  const out = new Map<string, OperationValidator>();
  for (const item of Object.values(doc.paths as JsonObject)) {
    for (const op of Object.values(item as JsonObject) as JsonObject[]) {
      const params = (op.parameters ?? []) as unknown as Parameter[];
      const bodySpec = (op.requestBody as JsonObject | undefined)?.content as JsonObject | undefined;
      const bodySchema = (bodySpec?.['application/json'] as JsonObject | undefined)?.schema;
      const bodyRequired = Boolean((op.requestBody as JsonObject | undefined)?.required);
      const body: ValidateFunction | undefined = bodySchema ? ajv.compile(relink(bodySchema)) : undefined;
      // Each parameter sits in a wrapper object so that the coerced value can be read back.
      const perParam = params.map((p) => ({
        p,
        validate: coercing.compile({ type: 'object', properties: { v: relink(p.schema) } }),
      }));
      out.set(String(op.operationId), {
        check({ body: value, query, params: path, headers }) {
          const found: FieldProblem[] = [];
          for (const { p, validate } of perParam) {
            const source = p.in === 'query' ? query : p.in === 'path' ? path : headers;
            const key = p.in === 'header' ? p.name.toLowerCase() : p.name;
            const raw = source[key];
            if (raw === undefined) {
              if (p.required) found.push({ in: p.in, field: p.name, message: 'is required' });
              continue;
            }
            if (Array.isArray(raw)) {
              found.push({ in: p.in, field: p.name, message: 'must be given once' });
              continue;
            }
            const holder = { v: raw };
            if (!validate(holder)) {
              const unwrapped = (validate.errors ?? []).map((e) => ({
                ...e,
                instancePath: e.instancePath.replace(/^\/v/, ''),
              }));
              found.push(...problems(unwrapped, p.in, p.name));
            } else if (p.in === 'query') query[key] = holder.v;
          }
          if (body) {
            const absent =
              value === undefined ||
              (typeof value === 'object' && value !== null && Object.keys(value).length === 0 && !bodyRequired);
            if (value === undefined && bodyRequired)
              found.push({ in: 'body', field: '(body)', message: 'a JSON body is required' });
            else if (!absent && !body(value)) found.push(...problems(body.errors, 'body'));
            found.push(...textProblems(value, 'body', NO_CARD_NUMBER, NOT_FREE_TEXT));
          }
          const allowed = new Set(params.filter((p) => p.in === 'query').map((p) => p.name));
          for (const k of Object.keys(query))
            if (!allowed.has(k)) found.push({ in: 'query', field: k, message: 'unknown parameter' });
          return found;
        },
      });
    }
  }
  return out;
}
