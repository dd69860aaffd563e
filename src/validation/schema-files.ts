import { readdirSync, readFileSync } from 'node:fs';
import { projectFile } from '../shared/project-files.js';

export const SCHEMA_BASE = 'https://whosaid.dev/schemas/';
export const schemaDir = projectFile('schemas/');

/** A schema as read from its file: the keywords this code reads, typed; any other keyword, unknown. */
export interface JsonSchema {
  $id?: string;
  $schema?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  $defs?: Record<string, JsonSchema>;
  [keyword: string]: unknown;
}

/** Every schema file, keyed by short name (file name less `.schema.json`), plus the derived patch schemas. */
export function loadSchemas(): Map<string, JsonSchema> {
  const schemas = new Map<string, JsonSchema>();
  for (const file of readdirSync(schemaDir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()) {
    const schema = JSON.parse(readFileSync(schemaDir + file, 'utf8'));
    const name = file.slice(0, -'.schema.json'.length);
    if (schema.$id !== SCHEMA_BASE + file) throw new Error(`schemas/${file}: $id must be ${SCHEMA_BASE + file}`);
    schemas.set(name, schema);
  }
  for (const [name, schema] of [...schemas]) {
    if (name.endsWith('-create') && schema.$ref) schemas.set(name.replace(/-create$/, '-patch'), derivePatch(name, schema));
  }
  return schemas;
}

// A patch accepts any non-empty subset of the create fields; cross-field rules are checked on the merged record.
function derivePatch(name: string, create: JsonSchema): JsonSchema {
  const patchName = name.replace(/-create$/, '-patch');
  return {
    $schema: create.$schema,
    $id: `${SCHEMA_BASE}${patchName}.schema.json`,
    title: String(create.title).replace(/Create$/, 'Patch'),
    description: `Any non-empty subset of the fields of ${create.title}; null clears an optional field.`,
    type: 'object',
    $ref: create.$ref,
    properties: create.properties ?? {},
    minProperties: 1,
    unevaluatedProperties: false,
  };
}

export function schemaId(name: string): string {
  return `${SCHEMA_BASE}${name}.schema.json`;
}
