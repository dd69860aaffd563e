import type { Request, Response } from 'express';
import type { JsonSchema } from '../validation/schema-files.js';
import type { RouteDef } from './route.js';

// Lists and search as text/csv (RFC 4180), for spreadsheets and Datasette-style tools. The rows are the
// `items` of the very JSON body the handler built for this viewer, so a field the viewer may not read
// (removed there) has no cell and no column here. docs/api.md describes the format to users.

export const CSV_TYPE = 'text/csv; charset=utf-8; header=present';

/** A spreadsheet runs a cell starting with one of these as a formula (or DDE call): a leading ' keeps it text. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

const field = (text: string) => (NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

const isScalar = (v: unknown) => v === null || typeof v !== 'object';

/** One cell: scalars as they are, lists of scalars joined by "; ", anything nested deeper as JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // A JSON number never reads as a formula (a negative one is a number to a spreadsheet too).
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : Array.isArray(value) && value.every(isScalar) ? value.join('; ') : JSON.stringify(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function toCsv(headers: string[], rows: unknown[][]): string {
  const line = (cells: string[]) => `${cells.map(field).join(',')}\r\n`;
  return line(headers) + rows.map((r) => line(r.map(cellText))).join('');
}

/** A property of the item schema: an object with declared properties becomes one column per property. */
interface Field {
  name: string;
  required: boolean;
  sub?: Field[];
}

type Schemas = Map<string, JsonSchema>;

function resolve(node: JsonSchema, file: string, schemas: Schemas): { node: JsonSchema; file: string } {
  while (typeof node.$ref === 'string') {
    const [target, pointer = ''] = node.$ref.split('#');
    if (target) file = target.replace(/\.schema\.json$/, '');
    let next: unknown = schemas.get(file);
    for (const part of pointer.split('/').filter(Boolean)) next = (next as Record<string, unknown>)[part];
    node = next as JsonSchema;
  }
  // A nullable object (oneOf null or the object): the object's columns.
  const branches = ((node.oneOf ?? node.anyOf) as JsonSchema[] | undefined)?.filter((b) => b.type !== 'null');
  return branches?.length === 1 ? resolve(branches[0], file, schemas) : { node, file };
}

// One level of nesting becomes dotted columns (speaker.name); deeper objects stay JSON in their cell.
function fieldsOf(schema: JsonSchema, file: string, schemas: Schemas, depth: number): Field[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, prop]) => {
    const { node, file: at } = resolve(prop, file, schemas);
    return { name, required: required.has(name), ...(depth > 0 && node.properties ? { sub: fieldsOf(node, at, schemas, depth - 1) } : {}) };
  });
}

interface Column {
  header: string;
  get(item: Record<string, unknown>): unknown;
}

const asRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * The columns of these rows: a field the schema requires (every row has it, for every viewer) and any
 * field some row carries. A field absent from every row (what field permissions removed for this viewer)
 * has no column. Inside a nested object every declared property has its column, so that pages agree.
 */
function columnsOf(fields: Field[], rows: Record<string, unknown>[], nested = false): Column[] {
  const known = new Set(fields.map((f) => f.name));
  const extra = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => !known.has(k));
  const out: Column[] = [];
  for (const f of [...fields, ...extra.map((name) => ({ name, required: false }) as Field)]) {
    if (!nested && !f.required && !rows.some((r) => r[f.name] !== undefined)) continue;
    if (!f.sub) {
      out.push({ header: f.name, get: (item) => item[f.name] });
      continue;
    }
    const inner = rows.map((r) => r[f.name]).filter((v) => v && typeof v === 'object') as Record<string, unknown>[];
    for (const c of columnsOf(f.sub, inner, true))
      out.push({ header: `${f.name}.${c.header}`, get: (item) => c.get(asRecord(item[f.name])) });
  }
  return out;
}

export interface CsvResponder {
  /** ?format wins; without it, Accept decides; JSON unless CSV is asked for. */
  wanted(req: Request, format: unknown): boolean;
  send(req: Request, res: Response, params: Record<string, unknown>, body: unknown): void;
}

/** For a route declaring `csv: true`: its query must take `format`, its response must list `items`. */
export function csvResponder(route: RouteDef, schemas: Schemas): CsvResponder {
  const where = `${route.method.toUpperCase()} ${route.path}`;
  const format = route.query ? schemas.get(route.query)?.properties?.format : undefined;
  if (format?.$ref !== 'common.schema.json#/$defs/listFormat')
    throw new Error(`${where}: a CSV route's query schema takes format (listFormat)`);
  const list = route.response ? schemas.get(route.response) : undefined;
  const items = list?.properties?.items?.items as JsonSchema | undefined;
  if (!route.response || !items) throw new Error(`${where}: a CSV route's response lists items`);
  const item = resolve(items, route.response, schemas);
  const fields = fieldsOf(item.node, item.file, schemas, 1);

  return {
    wanted: (req, f) => (f === undefined ? req.accepts(['application/json', 'text/csv']) === 'text/csv' : f === 'csv'),
    send(req, res, params, body) {
      const { items: rows, nextCursor } = body as { items: Record<string, unknown>[]; nextCursor?: string | null };
      const columns = columnsOf(fields, rows);
      const text = toCsv(
        columns.map((c) => c.header),
        rows.map((r) => columns.map((c) => c.get(r))),
      );
      const name = route.path
        .replace(/:(\w+)/g, (_, p: string) => String(params[p]))
        .replace(/^\/v1\//, '')
        .replace(/[^A-Za-z0-9_-]+/g, '-');
      if (nextCursor) {
        // Relative to this request, so it carries no host name: the same query, the next cursor.
        const next = new URL(req.originalUrl, 'http://localhost');
        next.searchParams.set('cursor', nextCursor);
        res.set('Link', `<${next.pathname}${next.search}>; rel="next"`);
      }
      res.set({ 'Content-Type': CSV_TYPE, 'Content-Disposition': `attachment; filename="${name}.csv"` });
      res.send(Buffer.from(text, 'utf8'));
    },
  };
}
