/**
 * `npm run openapi`: writes openapi.json from the route table and the schemas
 * (lambdas/shared/openapi.ts); test/unit/contract/openapi.test.ts fails until it is run after a change.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiDocument, openApiText } from '../lambdas/shared/openapi';

const file = join(import.meta.dirname, '..', 'openapi.json');
writeFileSync(file, openApiText());
const paths = Object.values((openApiDocument() as { paths: Record<string, object> }).paths);
console.log(`wrote ${file}: ${paths.reduce((n, item) => n + Object.keys(item).length, 0)} operations on ${paths.length} paths`);
