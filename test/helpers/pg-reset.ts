// Putting a PostgreSQL test database back as its migrations left it, without copying it again
// (test-db.ts lends the databases; this file knows how to reset one and how to tell its schema changed).
import type pg from 'pg';

/** Where the template keeps the rows its migrations wrote, to put them back after each test. */
const SEED_SCHEMA = 'whosaid_test_seed';

/** Copies the rows the migrations wrote aside, and gives the SQL that puts a copy of the template back. */
export async function keepSeedRows(client: pg.Client): Promise<string> {
  const { rows: tables } = await client.query<{ oid: number; name: string }>(`
    SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`);
  await client.query(`CREATE SCHEMA ${SEED_SCHEMA}`);
  const restore: string[] = [];
  for (const [i, table] of tables.entries()) {
    const { rows } = await client.query(`SELECT 1 FROM ${table.name} LIMIT 1`);
    if (!rows.length) continue;
    const { rows: columns } = await client.query<{ name: string }>(
      `SELECT format('%I', attname) AS name FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
      [table.oid],
    );
    const list = columns.map((c) => c.name).join(', ');
    await client.query(`CREATE TABLE ${SEED_SCHEMA}.t${i} AS SELECT ${list} FROM ${table.name}`);
    restore.push(`INSERT INTO ${table.name} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM ${SEED_SCHEMA}.t${i};`);
  }
  const { rows: sequences } = await client.query<{ sql: string }>(`
    SELECT format('SELECT setval(%L, %s, %L);', format('%I.%I', schemaname, sequencename), coalesce(last_value, start_value), last_value IS NOT NULL) AS sql
    FROM pg_sequences WHERE schemaname <> '${SEED_SCHEMA}'`);
  return [
    'BEGIN;',
    // Replica: no trigger fires (no history of the clean-up, no foreign-key checks, any order will do).
    'SET LOCAL session_replication_role = replica;',
    ...tables.map((t) => `DELETE FROM ${t.name};`),
    ...restore,
    ...sequences.map((s) => s.sql),
    'COMMIT;',
  ].join('\n');
}

/** Changes whenever DDL touched a user object: every catalog row written gets a new xmin. */
export async function fingerprint(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ md5: string }>(`
    SELECT md5(string_agg(r, ',' ORDER BY r)) AS md5 FROM (
      SELECT 'c' || oid || ':' || xmin AS r FROM pg_class WHERE oid >= 16384
      UNION ALL SELECT 'a' || attrelid || '.' || attnum || ':' || xmin FROM pg_attribute WHERE attrelid >= 16384
      UNION ALL SELECT 't' || oid || ':' || xmin FROM pg_trigger WHERE oid >= 16384
      UNION ALL SELECT 'p' || oid || ':' || xmin FROM pg_proc WHERE oid >= 16384
      UNION ALL SELECT 'k' || oid || ':' || xmin FROM pg_constraint WHERE oid >= 16384
      UNION ALL SELECT 'n' || oid || ':' || xmin FROM pg_namespace WHERE oid >= 16384
      UNION ALL SELECT 'e' || oid || ':' || xmin FROM pg_extension) x`);
  return rows[0].md5;
}
