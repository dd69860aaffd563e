// Writes the service's OpenAPI document to stdout (or to the file named), for linting in CI.
import { createLogger } from '../src/logging/logger.js';
import { writeFileSync } from 'node:fs';
import { buildOpenApi } from '../src/openapi/openapi.js';
import { createApp } from '../src/app.js';
import { openMigrated } from '../src/db/open.js';

const db = await openMigrated(':memory:');
const { routes } = createApp({ db, logger: createLogger({ level: 'silent' }) });
const doc = JSON.stringify(
  buildOpenApi(routes, (await import('../src/validation/ajv.js')).createSchemaRegistry().schemas, 'dump'),
  null,
  2,
);
if (process.argv[2]) writeFileSync(process.argv[2], doc);
else process.stdout.write(doc);
db.close();
