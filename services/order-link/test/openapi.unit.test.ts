import { type JsonObject, openApiDocument } from '../src/adapters/http/openapi';
import { routes } from '../src/adapters/http/routes';
import { compileValidators } from '../src/adapters/http/validation';

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
