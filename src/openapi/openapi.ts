import type { JsonSchema } from '../validation/schema-files.js';
import { accessOf, openApiPath, type PageSpec, type ResponseSpec, type RouteDef } from '../http/route.js';

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (validation-failed, malformed-json, …)',
  401: 'Missing or invalid API key',
  403: 'The key lacks the role this route needs',
  404: 'No such record or route',
  409: 'Conflict with the stored records',
  412: 'A precondition of the request (If-Match, If-Unmodified-Since) does not hold',
  413: 'Body too large',
  415: 'Body is not JSON',
  422: 'The request refers to records that do not exist or breaks a rule of the data',
  429: 'Too many requests',
  503: 'Not able to serve this now',
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
  // JSON Schema 2020-12 lets $ref stand beside other keywords, but tools that resolve a $ref by replacing
  // its object (@seriousme/openapi-schema-validator, many generators) would drop them: the same meaning,
  // spelt so that nothing is lost, is the $ref inside allOf.
  if (typeof out.$ref === 'string' && Object.keys(out).length > 1) {
    const { $ref, allOf, ...rest } = out;
    return { ...rest, allOf: [{ $ref }, ...((allOf as unknown[] | undefined) ?? [])] };
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

/** A body the route sends: its schema (null: not JSON, so a string as far as the document can say). */
const bodySchema = (schema: string | null) => (schema === null ? { schema: { type: 'string' } } : { schema: ref(schema) });

const contentOf = (types: Record<string, string | null>) =>
  Object.fromEntries(Object.entries(types).map(([type, schema]) => [type, bodySchema(schema)]));

/** What the route's success status sends, by media type (empty: no body). */
function successContent(r: RouteDef): Record<string, string | null> {
  if (r.response === null) return r.produces ? { [r.produces]: null } : {};
  return { [r.produces ?? 'application/json']: r.response };
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('problem') } },
});

/**
 * Responses any operation can get, whatever the route: declared once here and referred to from every
 * operation, so that a client generated from the document knows them too.
 */
const SHARED_RESPONSES = {
  NotModified: { description: 'The representation the client holds (If-None-Match) is still current' },
  HeadersTooLarge: problem('The request line and headers are too large (sent by the HTTP server before any route runs)'),
  InternalError: problem('An unexpected failure on the server (logged; never carries input or internals)'),
  Unavailable: problem("The server is starting or stopping; retry after the Retry-After header's seconds"),
  UnreadableRecord: problem(
    'A stored record this answer needs cannot be read (unreadable-record: it was written around the service and an operator has to repair it)',
  ),
};
const shared = (name: keyof typeof SHARED_RESPONSES) => ({ $ref: `#/components/responses/${name}` });

/** A route's responses: success, other declared responses, its problems, then those every operation can get. */
function responsesOf(r: RouteDef): Record<string, unknown> {
  const responses: Record<string, { description: string; content?: Record<string, unknown> } | { $ref: string }> = {};
  const extra = r.responses ?? {};
  const success = { ...successContent(r), ...(extra[r.status]?.content ?? {}) };
  responses[String(r.status)] = {
    description: r.status === 204 ? 'Done' : 'Success',
    ...(Object.keys(success).length ? { content: { ...contentOf(success), ...(r.csv ? CSV_CONTENT : {}) } } : {}),
    ...(r.csv ? { headers: CSV_HEADERS } : {}),
  };
  for (const [status, spec] of Object.entries(extra)) if (Number(status) !== r.status) responses[status] = declared(spec);
  const isPublic = accessOf(r) === 'public';
  const statuses = new Set([
    400,
    ...(isPublic ? [] : [401, 403]),
    // The per-address limit covers every /v1 request; the per-key one every keyed route.
    ...(r.path.startsWith('/v1/') ? [429] : []),
    ...(r.params ? [404] : []),
    ...(r.body ? [413, 415] : []),
    ...(r.errors ?? []),
  ]);
  for (const st of [...statuses].sort()) responses[String(st)] ??= problem(ERROR_TEXT[st] ?? 'Error');
  return withShared(responses, r.method === 'get', r.path.startsWith('/v1/'));
}

const declared = (spec: ResponseSpec) => ({ description: spec.description, ...(spec.content ? { content: contentOf(spec.content) } : {}) });

function withShared(responses: Record<string, unknown>, get: boolean, api: boolean): Record<string, unknown> {
  if (get) responses['304'] ??= shared('NotModified');
  // Every API route reads stored records; a route's own 409 (a conflict) carries the same problem shape.
  if (api) responses['409'] ??= shared('UnreadableRecord');
  responses['431'] ??= shared('HeadersTooLarge');
  responses['500'] ??= shared('InternalError');
  responses['503'] ??= shared('Unavailable');
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)));
}

/** A page (src/desk/): public, any query (the desk reads its own), path segments as strings. */
function pageOperation(page: PageSpec) {
  return {
    operationId: operationId({ method: 'page', path: page.path === '/' ? '/home' : page.path }),
    summary: page.summary,
    tags: ['desk'],
    security: [],
    parameters: [...page.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    })),
    responses: withShared(Object.fromEntries(Object.entries(page.responses).map(([st, spec]) => [st, declared(spec)])), true, false),
  };
}

export function buildOpenApi(routes: RouteDef[], schemas: Map<string, JsonSchema>, version: string, pages: PageSpec[] = []): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = (paths[openApiPath(r.path)] ??= {});
    p[r.method] = {
      operationId: operationId(r),
      summary: r.summary,
      tags: [r.tag],
      ...(accessOf(r) === 'public' ? { security: [] } : {}),
      parameters: [...parameters(schemas, r.params, 'path'), ...parameters(schemas, r.query, 'query')],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: ref(r.body) } } } } : {}),
      responses: responsesOf(r),
    };
  }
  for (const page of pages) (paths[openApiPath(page.path)] ??= {}).get = pageOperation(page);
  const components = reachable([paths, { problem: ref('problem') }], allComponents(schemas));
  const tags = [...new Set([...routes.map((r) => r.tag), ...(pages.length ? ['desk'] : [])])].map((name) => ({
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
      responses: SHARED_RESPONSES,
      securitySchemes: { bearerKey: { type: 'http', scheme: 'bearer', description: 'An API key: Authorization: Bearer <key>.' } },
    },
  };
}

function operationId(r: { method: string; path: string }): string {
  const parts = r.path
    .replace(/^\/v1\//, '')
    .split('/')
    .map((s) => (s.startsWith(':') ? 'By' + s[1].toUpperCase() + s.slice(2) : s));
  const words = [r.method, ...parts].join('-').split(/[-_/]+/);
  return words.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
}
