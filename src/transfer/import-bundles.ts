import type { ValidateFunction } from 'ajv';
import { OPERATOR } from '../access/field-permissions.js';
import type { BundleRepository, RecordType } from '../bundles/bundle-repository.js';
import type { BundleService } from '../bundles/bundle-service.js';
import type { Db } from '../db/database.js';
import type { Bundle, BundleResult } from '../generated/schema-types.js';
import { checkJsonValue } from '../http/json-input.js';
import { type FieldError, HttpError } from '../http/problem.js';

/** Bad input to an import: where it is and what is wrong, in one line. */
export class ImportError extends Error {}

/**
 * The first schema error of a bundle as one line, e.g. `/actors/0/kind: must be equal to one of the allowed values`.
 * Before the schema, the checks every HTTP body gets (json-input.ts): nesting, lone surrogates and NUL,
 * which PostgreSQL would refuse mid-import where SQLite stores it.
 */
export function checkBundle(value: unknown, validate: ValidateFunction): Bundle {
  try {
    checkJsonValue(value);
  } catch (err) {
    const field = err instanceof HttpError ? (err.extra.errors as FieldError[] | undefined)?.[0] : undefined;
    if (field) throw new ImportError(`${field.pointer}: ${field.message}`);
    if (err instanceof HttpError) throw new ImportError(err.message);
    throw err;
  }
  if (validate(value)) return value as Bundle;
  const e = validate.errors?.[0];
  throw new ImportError(`${e?.instancePath || '/'}: ${e?.message ?? 'is not a bundle'}`);
}

// Where a bundle refers to other records, and to which type.
const REFS: Array<[list: keyof Bundle, field: string, type: RecordType]> = [
  ['actors', 'actsFor', 'actor'],
  ['documents', 'outlet', 'actor'],
  ['statements', 'speaker', 'actor'],
  ['statements', 'mediumPublisher', 'actor'],
  ['relays', 'statement', 'statement'],
  ['relays', 'relayedBy', 'actor'],
  ['relays', 'via', 'relay'],
  ['relays', 'document', 'document'],
  ['links', 'statement', 'statement'],
  ['links', 'claim', 'claim'],
  ['tags', 'document', 'document'],
  ['tags', 'statement', 'statement'],
  ['tags', 'via', 'relay'],
];
// Each record type's list in a bundle is its plural: actor → actors.
const listOf = (type: RecordType) => `${type}s` as keyof Bundle;

/**
 * Lines of an import may refer to items of earlier lines of the same namespace by key (an export does:
 * its statements line names the actors line's keys). A key this bundle does not declare becomes the id
 * of the record that key made earlier; an unknown key is left for the bundle service to report.
 */
export async function resolveEarlierKeys(bundle: Bundle, keys: BundleRepository): Promise<Bundle> {
  const declared = (type: RecordType) => new Set(((bundle[listOf(type)] as Array<{ key: string }>) ?? []).map((x) => x.key));
  const cache = new Map<RecordType, Set<string>>();
  for (const [list, field, type] of REFS) {
    for (const item of (bundle[list] as Array<Record<string, unknown>> | undefined) ?? []) {
      const ref = item[field];
      if (typeof ref !== 'string') continue;
      if (!cache.has(type)) cache.set(type, declared(type));
      if (cache.get(type)!.has(ref)) continue;
      const known = (await keys.lookupAll(bundle.namespace, type, [ref])).get(ref);
      if (known) item[field] = known.recordId;
    }
  }
  return bundle;
}

export interface ImportOutcome {
  created: number;
  updated: number;
  existing: number;
}

/** Applies one bundle in its own transaction, as POST /v1/bundles would; a failure leaves nothing of it. */
export async function importBundle(db: Db, bundles: BundleService, keys: BundleRepository, bundle: Bundle): Promise<BundleResult> {
  try {
    return await db.writeAs(OPERATOR, async () => bundles.apply(await resolveEarlierKeys(structuredClone(bundle), keys)));
  } catch (err) {
    if (err instanceof HttpError) throw new ImportError(err.message);
    throw err;
  }
}
