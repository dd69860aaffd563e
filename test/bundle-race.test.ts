// The same bundle applied at once through two connection pools on one PostgreSQL database, as two
// processes behind a load balancer would: one application creates it, the other finds every item there.
import assert from 'node:assert/strict';
import { OPERATOR } from '../src/access/field-permissions.js';
import { createServices } from '../src/app.js';
import type { Db } from '../src/db/db.js';
import { PostgresDb } from '../src/db/postgres/postgres-db.js';
import { STORY_ITEMS, story } from './helpers/story-bundle.js';
import { schemaRegistry } from './helpers/test-app.js';
import { closeAfterTest, migratedPostgresDatabase, testDialect } from './helpers/test-db.js';

describe('bundles applied at once through two connections to one PostgreSQL database', () => {
  let pools: Db[];

  before(function () {
    if (testDialect !== 'postgres') this.skip(); // two processes share a database only on PostgreSQL: npm run test:pg
  });
  beforeEach(async () => {
    const url = await migratedPostgresDatabase();
    pools = [closeAfterTest(new PostgresDb(url, { size: 4 })), closeAfterTest(new PostgresDb(url, { size: 4 }))];
  });

  it('creates a bundle once when both apply it together; the other reports every item as existing', async () => {
    const [one, two] = pools.map((db) => ({ db, services: createServices(db, schemaRegistry()) }));
    for (let round = 0; round < 5; round++) {
      const bundle = story(`race-${round}`);
      const results = await Promise.all(
        [one, two].map(({ db, services }) => db.writeAs(OPERATOR, () => services.bundles.apply(structuredClone(bundle)))),
      );
      const created = results.filter((r) => r.created > 0);
      assert.equal(created.length, 1, `round ${round}: one application creates (${JSON.stringify(results.map((r) => r.created))})`);
      const other = results.find((r) => r.created === 0)!;
      assert.equal(other.existing, created[0].created, 'the other finds every item');
      assert.deepEqual(
        other.items.map((x) => [x.type, x.key, x.id]),
        created[0].items.map((x) => [x.type, x.key, x.id]),
        'both name the same records',
      );
      const count = async (sql: string) => Number((await one.db.queryFirst<{ n: number }>(sql, [bundle.namespace]))!.n);
      assert.equal(await count('SELECT count(*) AS n FROM bundle_keys WHERE namespace = ?'), STORY_ITEMS);
      assert.equal(await count(`SELECT count(*) AS n FROM actors WHERE name = 'Speaker of ' || ?`), 1);
    }
    const verified = await one.services.changes.verify();
    assert.equal(verified.intact, true, JSON.stringify(verified.problems));
  });
});
