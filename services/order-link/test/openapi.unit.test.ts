import { readFileSync } from 'node:fs';
import { type JsonObject, openApiDocument } from '../src/adapters/http/openapi';
import { routes } from '../src/adapters/http/routes';
import { compileValidators } from '../src/adapters/http/validation';
import { OPENAPI_FILE, renderOpenApiFile } from '../src/cli/write-openapi';

describe('the OpenAPI document and the routes', () => {
  it('describe the same operations (the document cannot drift from the server)', () => {
    const documented = Object.entries(openApiDocument.paths as JsonObject).flatMap(([path, item]) =>
      Object.entries(item as JsonObject).map(([method, op]) => `${method} ${path} ${(op as JsonObject).operationId}`),
    );
    const served = routes.map((r) => `${r.method} ${r.path} ${r.operationId}`);
    expect(served.sort()).toEqual(documented.sort());
  });

  it('compiles under JSON Schema 2020-12 in strict mode', () => {
    expect(compileValidators(openApiDocument).size).toBe(routes.length);
  });
});

describe('docs/api/openapi.json', () => {
  it('is the document the server serves (regenerate with `npm run -w @ivr/order-link openapi`)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApiFile());
  });
});
