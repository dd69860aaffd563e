import { firstValue } from '../helpers/rows.js';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { demoId, makeTestApp, type TestApp } from '../helpers/test-app.js';
import { exportText, generatedApp } from './prov-sources.js';

// Optional runner: official schemas live beside the checkout in ../shared/conformance (development and
// CI only); they are never copied into the project. WHOSAID_CONFORMANCE_DIR points elsewhere.
const DIR = process.env.WHOSAID_CONFORMANCE_DIR ?? new URL('../../../shared/conformance/', import.meta.url).pathname;
const PROV_SCHEMA = `${DIR.replace(/\/$/, '')}/prov-json.schema.json`;

function provValidator() {
  const Ajv04 = Ajv04Module as unknown as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
  const addFormats = addFormatsModule as unknown as (ajv: unknown) => void;
  const ajv = new Ajv04({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(PROV_SCHEMA, 'utf8')));
}

describe('conformance: PROV-JSON against the W3C schema', () => {
  let t: TestApp;
  let validate: ReturnType<typeof provValidator>;
  const assertProv = (doc: unknown) => assert.ok(validate(doc), JSON.stringify(validate.errors, null, 1));

  before(async () => {
    if (!existsSync(PROV_SCHEMA)) throw new Error(`conformance schema missing: ${PROV_SCHEMA} (set WHOSAID_CONFORMANCE_DIR)`);
    validate = provValidator();
    t = await makeTestApp({ demo: true });
  });

  describe('GET /v1/exports/prov', () => {
    it('a document export validates', async () => {
      const res = await t.http.get(`/v1/exports/prov?documentId=${await demoId(t.db, 'document', 'telegraph-article')}`).expect(200);
      assertProv(res.body);
    });
    it('a claim export validates', async () => {
      const id = firstValue(await t.db.queryFirst('SELECT id FROM claims LIMIT 1'));
      const res = await t.http.get(`/v1/exports/prov?claimId=${id}`).expect(200);
      assertProv(res.body);
    });
    it('the everything export validates', async () => {
      const res = await t.http.get('/v1/exports/prov').expect(200);
      assertProv(res.body);
    });
    it('the everything export of a larger generated database, hostile text included, validates', async function () {
      this.timeout(120000);
      const doc = JSON.parse(await exportText(await generatedApp(500), '/v1/exports/prov'));
      assert.ok(Object.keys(doc.entity).length > 1000);
      assertProv(doc);
    });
  });
});
