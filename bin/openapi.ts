/**
 * `npm run openapi`: writes openapi.json from the route table and the schemas
 * (lambdas/shared/openapi.ts), then the typed client generated from it (lib/api-client/client.ts,
 * Redocly's `generate-client`). test/unit/contract/openapi.test.ts fails until it is run after a change.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument, openApiText } from '../lambdas/shared/openapi';
import { generateClient } from '../lib/api-client/generate';

const root = join(import.meta.dirname, '..');
const file = join(root, 'openapi.json');
writeFileSync(file, openApiText());
const paths = Object.values((openApiDocument() as { paths: Record<string, object> }).paths);
console.log(`wrote ${file}: ${paths.reduce((n, item) => n + Object.keys(item).length, 0)} operations on ${paths.length} paths`);
const client = join(root, 'lib/api-client/client.ts');
generateClient(file, client);
console.log(`wrote ${client}: the typed client generated from it`);
