// The small builders both parts of the OpenAPI document use (openapi.ts, openapi-lifecycle.ts).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
export const problem = (description: string): JsonObject => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
export const json = (schema: JsonObject, description: string): JsonObject => ({
  description,
  content: { 'application/json': { schema } },
});
