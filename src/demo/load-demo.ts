import { readFileSync } from 'node:fs';
import { projectFile } from '../shared/project-files.js';
import type { Db } from '../db/database.js';
import type { Bundle, BundleResult } from '../generated/schema-types.js';
import type { Services } from '../app.js';
import type { SchemaRegistry } from '../validation/ajv.js';

export const demoBundleFile = projectFile('demo/crocus-city.bundle.json');

/** Loads the seed article through the bundle path, exactly as a client's POST /v1/bundles would. */
export async function loadDemo(db: Db, services: Services, registry: SchemaRegistry): Promise<BundleResult> {
  const bundle = JSON.parse(readFileSync(demoBundleFile, 'utf8')) as Bundle;
  const validate = registry.validator('bundle');
  if (!validate(bundle)) throw new Error(`demo bundle is invalid: ${JSON.stringify(validate.errors)}`);
  const result = await db.transaction(() => services.bundles.apply(bundle));
  // As after any bundle: the full-text indexes' merge work (a few pages for the demo).
  await services.searchIndex.tidy(Number.POSITIVE_INFINITY);
  return result;
}

export async function isEmpty(db: Db): Promise<boolean> {
  return (await db.queryFirst('SELECT 1 FROM actors LIMIT 1')) === undefined;
}
