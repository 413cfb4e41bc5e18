/**
 * `npm run event-schemas`: writes the JSON Schema of every domain event type
 * (`lambdas/core/events/catalogue.ts`) to `lib/definitions/event-schemas/<Type>.json`. A unit test
 * fails when a file is not what this would write.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES, jsonSchemaOf } from '../lambdas/core/events/catalogue';
import { EVENT_SCHEMA_DIR } from '../lib/definitions/event-schemas';

for (const type of EVENT_TYPES) {
  const file = join(EVENT_SCHEMA_DIR, `${type}.json`);
  writeFileSync(file, `${JSON.stringify(jsonSchemaOf(type), null, 2)}\n`);
  console.log(`wrote ${file}`);
}
