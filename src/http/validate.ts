import type { ErrorObject, ValidateFunction } from 'ajv';
import type { SchemaRegistry } from '../validation/ajv.js';
import type { JsonSchema } from '../validation/schema-files.js';
import { validationFailed, type FieldError } from './problem.js';
import { checkJsonValue } from './json-input.js';

type Part = FieldError['in'];

const INTEGER = /^-?\d{1,16}$/;

/** The parameters of the ajv errors this module words (ajv types them loosely, per keyword). */
interface ErrorParams {
  missingProperty?: string;
  additionalProperty?: string;
  unevaluatedProperty?: string;
  allowedValues?: unknown[];
  allowedValue?: unknown;
  type?: unknown;
  format?: string;
  pattern?: string;
  limit?: number;
}

/**
 * Query strings and path parameters arrive as strings; convert those the schema declares integer,
 * and leave everything else for the schema to judge.
 */
function coerce(schemaProps: Record<string, JsonSchema> | undefined, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    const prop = schemaProps?.[k];
    const isInt = prop && (prop.type === 'integer' || (typeof prop.$ref === 'string' && /\/(id|limit)$/.test(prop.$ref)));
    out[k] = isInt && typeof v === 'string' && INTEGER.test(v) ? Number(v) : v;
  }
  return out;
}

export function toFieldErrors(part: Part, errors: ErrorObject[] | null | undefined): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors ?? []) {
    if (e.keyword === 'if') continue;
    let pointer = e.instancePath;
    let message = e.message ?? 'is not valid';
    let expected: unknown;
    const p: ErrorParams = e.params;
    switch (e.keyword) {
      case 'required':
        pointer += `/${p.missingProperty}`;
        message = 'is required';
        break;
      case 'additionalProperties':
        pointer += `/${p.additionalProperty}`;
        message = 'is not a known field';
        break;
      case 'unevaluatedProperties':
        pointer += `/${p.unevaluatedProperty}`;
        message = 'is not a known field';
        break;
      case 'enum':
        expected = p.allowedValues;
        message = `must be one of: ${(p.allowedValues ?? []).map(String).join(', ')}`;
        break;
      case 'const':
        expected = p.allowedValue;
        break;
      case 'type':
        expected = p.type;
        break;
      case 'format':
        expected = p.format;
        message = `must be a valid ${p.format}`;
        break;
      case 'pattern':
        expected = p.pattern;
        break;
      case 'minLength':
      case 'maxLength':
      case 'minimum':
      case 'maximum':
      case 'minItems':
      case 'maxItems':
      case 'minProperties':
        expected = p.limit;
        break;
    }
    const key = `${pointer}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ in: part, pointer: pointer || '/', message, ...(expected !== undefined ? { expected } : {}) });
  }
  return out;
}

export type PartValidator = (input: unknown) => unknown;

/** Returns a function that validates (and for query/path, coerces) one part of a request, or throws 400. */
export function partValidator(registry: SchemaRegistry, part: Part, schemaName: string): PartValidator {
  const validate: ValidateFunction = registry.validator(schemaName);
  const props = registry.schemas.get(schemaName)?.properties;
  return (input) => {
    // Before the schema (or anything else recursive) walks it: nesting, lone surrogates and NUL, iteratively.
    if (part === 'body') checkJsonValue(input);
    const value = part === 'body' ? input : coerce(props, { ...(input as Record<string, unknown>) });
    if (!validate(value)) {
      const errors = toFieldErrors(part, validate.errors);
      throw validationFailed(
        errors,
        `Invalid ${part === 'path' ? 'path parameter' : part}: ${errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`,
      );
    }
    return value;
  };
}
