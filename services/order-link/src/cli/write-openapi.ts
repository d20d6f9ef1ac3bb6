/**
 * Writes the OpenAPI document to docs/api/openapi.json for readers of the repository
 * (`npm run -w @ivr/order-link openapi`). A unit test fails when the file differs from the code.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument } from '../adapters/http/openapi';

export const OPENAPI_FILE = join(__dirname, '..', '..', '..', '..', 'docs', 'api', 'openapi.json');
export const renderOpenApiFile = (): string => `${JSON.stringify(openApiDocument, null, 2)}\n`;

if (require.main === module) {
  writeFileSync(OPENAPI_FILE, renderOpenApiFile());
  console.log(`wrote ${OPENAPI_FILE}`);
}
