import { Ajv2020, type ValidateFunction, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { loadSchemas, schemaId, type JsonSchema } from './schema-files.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020, formats?: string[]) => Ajv2020;

const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

export function isPartialDate(value: string): boolean {
  const m = PARTIAL_DATE.exec(value);
  if (!m) return false;
  const [, y, mo, d] = m;
  if (mo === undefined) return true;
  const month = Number(mo);
  if (month < 1 || month > 12) return false;
  if (d === undefined) return true;
  const day = Number(d);
  const lastDay = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  return day >= 1 && day <= lastDay;
}

export interface SchemaRegistry {
  readonly schemas: Map<string, JsonSchema>;
  validator<T = unknown>(name: string): ValidateFunction<T>;
}

/** One ajv instance for the process; every schema compiled once, at start. */
export function createSchemaRegistry(): SchemaRegistry {
  const schemas = loadSchemas();
  // strictRequired is off: create schemas require fields declared in the $ref'd fields schema.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true, useDefaults: false });
  addFormats(ajv, ['date-time', 'date', 'uri', 'email']);
  ajv.addFormat('partial-date', { type: 'string', validate: isPartialDate });
  for (const schema of schemas.values()) ajv.addSchema(schema);
  const compiled = new Map<string, ValidateFunction>();
  for (const name of schemas.keys()) compiled.set(name, ajv.getSchema(schemaId(name))!);
  return {
    schemas,
    validator<T>(name: string) {
      const v = compiled.get(name);
      if (!v) throw new Error(`no schema named ${name} in schemas/`);
      return v as ValidateFunction<T>;
    },
  };
}

export type { ErrorObject };
