import { firstValue } from './helpers/rows.js';
import assert from 'node:assert/strict';
import { generateInto } from '../bench/synthetic-postgres.js';
import { makeTestApp } from './helpers/test-app.js';

// The benchmarks' generator writes rows directly, for speed; they must still be rows the service could
// have written, or benchmarks measure a database no user has. On PostgreSQL they are generated into SQLite
// and copied over by the copier of migrate-to-postgres, as the PostgreSQL benchmarks get theirs.
// (test/cli.test.ts also imports an export of generated rows through the bundle path, which applies every
// schema and service rule to them.)
describe('bench generator (bench/synthetic.ts)', () => {
  describe('GET of every generated record', () => {
    it('answers 200 for every actor (with confidential fields), statement, relay, document and claim', async function () {
      this.timeout(120000);
      const t = await makeTestApp();
      await generateInto(t.db, { statements: 300 });
      const editor = t.as('editor');
      for (const [table, route] of [
        ['actors', 'actors'],
        ['statements', 'statements'],
        ['relays', 'relays'],
        ['documents', 'documents'],
        ['claims', 'claims'],
      ]) {
        const ids = (await t.db.query(`SELECT id FROM ${table} ORDER BY id`)).map(firstValue) as number[];
        assert.ok(ids.length > 0, table);
        for (const id of ids) {
          const res = await editor.get(`/v1/${route}/${id}`);
          assert.equal(res.status, 200, `GET /v1/${route}/${id}: ${res.text}`);
        }
      }
      const attested = firstValue(await t.db.queryFirst('SELECT id FROM actors WHERE attestation IS NOT NULL LIMIT 1')) as number;
      const actor = (await editor.get(`/v1/actors/${attested}`).expect(200)).body;
      assert.equal(actor.attested, true);
      assert.equal(typeof actor.attestation.by, 'string');
    });
  });
});
