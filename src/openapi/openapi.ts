import type { JsonSchema } from '../validation/schema-files.js';
import { openApiPath, type RouteDef } from '../http/route.js';

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (validation-failed, malformed-json, …)',
  401: 'Missing or invalid API key',
  403: 'The key lacks the role this route needs',
  404: 'No such record or route',
  409: 'Conflict with the stored records',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'The request refers to records that do not exist or breaks a rule of the data',
  429: 'Too many requests',
};

// A list route's items as CSV (src/http/csv.ts): a string to a schema, its columns described in docs/api.md.
const CSV_CONTENT = { 'text/csv': { schema: { type: 'string', description: 'RFC 4180 with a header row: one row per item.' } } };
const CSV_HEADERS = {
  Link: { description: 'CSV only: the next page, `<…&cursor=…>; rel="next"`, when there is one.', schema: { type: 'string' } },
  'Content-Disposition': { description: 'CSV only: a file name for the download.', schema: { type: 'string' } },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

// Schema files refer to each other by file name; in OpenAPI each file and each of its $defs is a component
// (common.schema.json#/$defs/id → #/components/schemas/common.id).
function componentName(file: string, pointer: string): string {
  const m = /^\/\$defs\/([^/]+)(.*)$/.exec(pointer);
  return m ? `${file}.${m[1]}${m[2] ? '#' + m[2] : ''}` : `${file}${pointer ? '#' + pointer : ''}`;
}

function rewriteRefs(node: unknown, self: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, self));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$id' || k === '$schema' || k === '$defs') continue;
    if (k === '$ref' && typeof v === 'string') {
      const [file, pointer = ''] = v.split('#');
      const name = componentName(file ? file.replace(/\.schema\.json$/, '') : self, pointer);
      const [component, rest] = name.split('#');
      out.$ref = `#/components/schemas/${component}${rest ?? ''}`;
    } else if (k === 'format' && v === 'partial-date') {
      out.format = v;
      out.pattern = '^\\d{4}(-\\d{2}(-\\d{2})?)?$';
    } else out[k] = rewriteRefs(v, self);
  }
  return out;
}

function allComponents(schemas: Map<string, JsonSchema>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of schemas) {
    out[name] = rewriteRefs(schema, name);
    for (const [def, sub] of Object.entries(schema.$defs ?? {})) out[`${name}.${def}`] = rewriteRefs(sub, name);
  }
  return out;
}

/** Only the components an operation reaches, so the document carries nothing unused. */
function reachable(root: unknown, components: Record<string, unknown>): Record<string, unknown> {
  const keep = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        const name = v.slice('#/components/schemas/'.length).split('/')[0];
        if (!keep.has(name)) {
          keep.add(name);
          walk(components[name]);
        }
      } else walk(v);
    }
  };
  walk(root);
  return Object.fromEntries(
    Object.entries(components)
      .filter(([k]) => keep.has(k))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

function parameters(schemas: Map<string, JsonSchema>, name: string | undefined, where: 'path' | 'query') {
  if (!name) return [];
  const s = schemas.get(name)!;
  const required = new Set<string>(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([pname, schema]) => ({
    name: pname,
    in: where,
    required: where === 'path' || required.has(pname),
    ...(schema.description ? { description: schema.description } : {}),
    schema: rewriteRefs(schema, name),
  }));
}

export function buildOpenApi(routes: RouteDef[], schemas: Map<string, JsonSchema>, version: string): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = (paths[openApiPath(r.path)] ??= {});
    const responses: Record<string, unknown> = {};
    const success =
      r.response === null
        ? { description: 'Done' }
        : {
            description: 'Success',
            content: {
              [r.produces ?? 'application/json']: r.produces && !r.response ? { schema: { type: 'string' } } : { schema: ref(r.response) },
              // More media types of the same success (PROV-N, PROV-XML): a string unless a schema is named.
              ...Object.fromEntries(
                Object.entries(r.responses?.[r.status]?.content ?? {}).map(([type, s]) => [
                  type,
                  { schema: s ? ref(s) : { type: 'string' } },
                ]),
              ),
              ...(r.csv ? CSV_CONTENT : {}),
            },
            ...(r.csv ? { headers: CSV_HEADERS } : {}),
          };
    responses[String(r.status)] = success;
    const statuses = new Set([400, 401, 403, 429, ...(r.params ? [404] : []), ...(r.body ? [413, 415] : []), ...(r.errors ?? [])]);
    for (const st of [...statuses].sort()) {
      responses[String(st)] = {
        description: ERROR_TEXT[st] ?? 'Error',
        content: { 'application/problem+json': { schema: ref('problem') } },
      };
    }
    p[r.method] = {
      operationId: operationId(r),
      summary: r.summary,
      tags: [r.tag],
      parameters: [...parameters(schemas, r.params, 'path'), ...parameters(schemas, r.query, 'query')],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(r.body) } } } } : {}),
      responses,
    };
  }
  const components = reachable([paths, { problem: ref('problem') }], allComponents(schemas));
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({
    name,
    description: `${name[0].toUpperCase()}${name.slice(1)} routes.`,
  }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'whosaid',
      version,
      description:
        'Source attribution and provenance tracker for news statements: who said what, how it travelled, and how much of a story rests on anonymous or second-hand material.',
      license: { name: 'UNLICENSED', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/', description: 'This service' }],
    security: [{ bearerKey: [] }],
    tags,
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearerKey: { type: 'http', scheme: 'bearer', description: 'An API key: Authorization: Bearer <key>.' } },
    },
  };
}

function operationId(r: RouteDef): string {
  const parts = r.path
    .replace(/^\/v1\//, '')
    .split('/')
    .map((s) => (s.startsWith(':') ? 'By' + s[1].toUpperCase() + s.slice(2) : s));
  const words = [r.method, ...parts].join('-').split(/[-_/]+/);
  return words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
}
