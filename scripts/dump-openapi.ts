// Writes the service's OpenAPI document to stdout (or to the file named), for linting in CI.
import { createLogger } from '../src/logging/logger.js';
import { writeFileSync } from 'node:fs';
import { createApp } from '../src/app.js';
import { openMigrated } from '../src/db/open.js';

const db = await openMigrated(':memory:');
// The document the app serves at /openapi.json.
const { openapi, jobs } = createApp({ db, logger: createLogger({ level: 'silent' }) });
const doc = JSON.stringify(openapi, null, 2);
if (process.argv[2]) writeFileSync(process.argv[2], doc);
else process.stdout.write(doc);
await jobs.close();
await db.close();
