// Golden stories: stories written for this test (not the demo), each a bundle with its article bodies and,
// where the story has one, the edits made after tagging. Every document and claim is audited and the
// reports, with database ids turned back into the stories' keys, are compared with the expected reports
// kept beside the bundles (reviewed by hand). A change in any finding or count shows as a diff here.
// To accept a deliberate change: UPDATE_GOLDEN=1 npx mocha test/golden.test.ts, then review the diff of
// test/golden/*/expected.json before committing it.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { makeTestApp, schemaRegistry, type TestApp } from './helpers/test-app.js';

const root = new URL('./golden/', import.meta.url);
const stories = readdirSync(root).filter((d) => existsSync(new URL(`${d}/bundle.json`, root)));
const validReport = schemaRegistry().validator('audit-report');
const read = (story: string, file: string) => JSON.parse(readFileSync(new URL(`${story}/${file}`, root), 'utf8'));

interface Ref {
  type: string;
  id: number;
}
interface Route {
  statementIds: number[];
  grouping: Array<{ reason: string; on: Ref; statementIds: number[] }>;
}
interface Report {
  findings: Array<{
    id: string;
    ruleId: string;
    severity: string;
    records: Ref[];
    evidence: Record<string, unknown>;
  }>;
  independence: Array<{
    claimId: number;
    supportingStatements: number;
    speakers: number;
    independentRoutes: number;
    routes: Route[];
    opposition: {
      statements: number;
      speakers: number;
      independentRoutes: number;
      byStance: Record<string, number>;
      routes: Route[];
    };
  }>;
}

/** Loads a story and names its records by key, so expected reports read as the story does. */
async function load(story: string): Promise<{
  t: TestApp;
  keyOf: (r: Ref) => string;
  idOf: (type: string, key: string) => number;
}> {
  const t = await makeTestApp();
  const result = (await t.http.post('/v1/bundles').send(read(story, 'bundle.json')).expect(201)).body as {
    items: Array<{ type: string; key: string; id?: number }>;
  };
  const keys = new Map<string, string>();
  const ids = new Map<string, number>();
  for (const item of result.items) {
    if (item.id === undefined) continue;
    keys.set(`${item.type}/${item.id}`, item.key);
    ids.set(`${item.type}/${item.key}`, item.id);
  }
  const idOf = (type: string, key: string) => ids.get(`${type}/${key}`)!;
  if (existsSync(new URL(`${story}/edits.json`, root)))
    for (const e of read(story, 'edits.json') as Array<{
      document: string;
      body: string;
    }>)
      await t.http
        .patch(`/v1/documents/${idOf('document', e.document)}`)
        .send({ body: e.body })
        .expect(200);
  const keyOf = (r: Ref) => {
    const type = r.type === 'relay' ? 'relay' : r.type;
    return `${type}:${keys.get(`${type}/${r.id}`) ?? `#${r.id}`}`;
  };
  return { t, keyOf, idOf };
}

/** What a standards editor checks by hand: each finding's rule, severity and records; each claim's counts and routes. */
function project(report: Report, keyOf: (r: Ref) => string) {
  const statements = (ids: number[]) => ids.map((id) => keyOf({ type: 'statement', id }));
  const routes = (list: Route[]) =>
    list.map((r) => ({
      statements: statements(r.statementIds),
      grouping: r.grouping.map((g) => `${g.reason} on ${keyOf(g.on)}: ${statements(g.statementIds).join(', ')}`),
    }));
  return {
    findings: report.findings.map((f) => `${f.ruleId} (${f.severity}): ${f.records.map(keyOf).join(' ')}`).sort(),
    claims: report.independence.map((c) => ({
      claim: keyOf({ type: 'claim', id: c.claimId }),
      support: {
        statements: c.supportingStatements,
        speakers: c.speakers,
        routes: c.independentRoutes,
      },
      routes: routes(c.routes),
      opposition: {
        statements: c.opposition.statements,
        speakers: c.opposition.speakers,
        routes: c.opposition.independentRoutes,
        byStance: c.opposition.byStance,
      },
      opposingRoutes: routes(c.opposition.routes),
    })),
  };
}

describe('golden stories', () => {
  it('are at least five, and together raise every rule', async () => {
    assert.ok(stories.length >= 5, stories.join(', '));
    const raised = new Set<string>();
    for (const story of stories) {
      const expected = read(story, 'expected.json') as Record<string, { findings: string[] }>;
      for (const report of Object.values(expected)) for (const f of report.findings) raised.add(f.split(' ')[0]);
    }
    const rules = (await makeTestApp()).services.audits.rules.map((r) => r.id);
    assert.deepEqual(
      rules.filter((r) => !raised.has(r)),
      [],
      'rules no golden story raises',
    );
  });

  for (const story of stories) {
    it(`${story}: every document and claim audit matches its expected report`, async () => {
      const { t, keyOf, idOf } = await load(story);
      const bundle = read(story, 'bundle.json') as {
        documents?: Array<{ key: string }>;
        claims?: Array<{ key: string }>;
      };
      const actual: Record<string, unknown> = {};
      const scopes = [
        ...(bundle.documents ?? []).map((d) => ['document', 'documents', d.key] as const),
        ...(bundle.claims ?? []).map((c) => ['claim', 'claims', c.key] as const),
      ];
      for (const [type, path, key] of scopes) {
        const report = (await t.http.get(`/v1/audits/${path}/${idOf(type, key)}`).expect(200)).body;
        assert.ok(validReport(report), JSON.stringify(validReport.errors));
        actual[`${type}:${key}`] = project(report as Report, keyOf);
      }
      const file = new URL(`${story}/expected.json`, root);
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      assert.deepEqual(actual, JSON.parse(readFileSync(file, 'utf8')));
    });
  }
});
