// Frozen: a migration never changes once it has shipped. Imports nothing from src/.
// The PostgreSQL body of migrations/2026-11-27T0900-search.ts: the same two indexes as its FTS5 tables,
// over one side table, statements_search, kept exact by a trigger (and emptied by ON DELETE CASCADE):
//   words   tsvector of text and original text, GIN-indexed. Words are the runs of letters and digits, as
//           unicode61 sees them (everything else becomes a space before PostgreSQL's parser sees the text, so
//           "Isis-K" or "example.com" are plain words, not its hyphenated-word or host tokens), with
//           diacritics removed (unaccent) and English Snowball stems, stop words kept: "the" and "of the"
//           are searchable, as in FTS5. The original text's words follow the text's with a gap, so a
//           phrase never spans the two, as an FTS5 phrase never spans columns.
//   folded  text and original text folded (unaccent, lower case) on two lines, with a pg_trgm GIN index:
//           a fragment is found with LIKE, which the trigram index answers; fragments hold only letters
//           and digits, so they never span the line break.
// A side table rather than columns of statements: rows of statements stay the same on both databases
// (exports, history, SELECT *), and ranking and rechecks read a stored vector instead of parsing the text.
// The functions are SQL-standard bodies, bound at creation to the objects they name, so they are immutable
// in fact and work whatever the search_path; the repository calls ws_query and ws_like with the user's
// tokens as parameters, never as SQL.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Both are trusted extensions: the database's owner may create them.
  await sql`CREATE EXTENSION IF NOT EXISTS unaccent`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
  const schemaOf = async (ext: string) =>
    (
      await sql<{ s: string }>`SELECT quote_ident(n.nspname) AS s FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                               WHERE e.extname = ${ext}`.execute(db)
    ).rows[0].s;
  const unaccent = await schemaOf('unaccent');
  const trgm = await schemaOf('pg_trgm');
  // Letters, digits and case by Unicode (ICU), whatever the database's locale; the database's own when the
  // server was built without ICU (a "C" database then knows ASCII letters only).
  const icu =
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_collation WHERE collname = 'und-x-icu'`.execute(db)).rows[0].n > 0;
  const collate = icu ? ' COLLATE "und-x-icu"' : '';

  // English Snowball stems with no stop words: FTS5's Porter tokenizer drops none either.
  await sql`CREATE TEXT SEARCH DICTIONARY whosaid_english_stem (TEMPLATE = snowball, Language = english)`.execute(db);
  await sql`CREATE TEXT SEARCH CONFIGURATION whosaid_english (COPY = english)`.execute(db);
  await sql
    .raw(`ALTER TEXT SEARCH CONFIGURATION whosaid_english
            ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
            WITH ${unaccent}.unaccent, whosaid_english_stem`)
    .execute(db);
  await sql
    .raw(`ALTER TEXT SEARCH CONFIGURATION whosaid_english
            ALTER MAPPING FOR numword, numhword, hword_numpart WITH ${unaccent}.unaccent, simple`)
    .execute(db);

  // Statements have no original text more often than not: the two-text functions take a NULL, so are not STRICT.
  const fn = (signature: string, returns: string, body: string) =>
    sql
      .raw(`CREATE FUNCTION ${signature} RETURNS ${returns} LANGUAGE sql IMMUTABLE ${signature.includes(',') ? '' : 'STRICT '}PARALLEL SAFE
            RETURN ${body}`)
      .execute(db);
  // unaccent() itself is only STABLE (its dictionary could be changed); naming the dictionary makes it fixed.
  // lower() follows its argument's collation, and statements' text is COLLATE "C" (ASCII case only): folding
  // names the collation that knows every script's case.
  await fn(
    'ws_fold(t text)',
    'text',
    `lower(${unaccent}.unaccent('${unaccent}.unaccent'::regdictionary, t)${collate || ' COLLATE "default"'})`,
  );
  await fn(
    'ws_words(t text)',
    'tsvector',
    `to_tsvector('whosaid_english'::regconfig, regexp_replace(ws_fold(t)${collate}, '[^[:alnum:]]+', ' ', 'g'))`,
  );
  // The lexeme '-' never comes out of ws_words: it holds a position between the two texts, then goes.
  await fn(
    'ws_statement_words(t text, original text)',
    'tsvector',
    `CASE WHEN original IS NULL THEN ws_words(t) ELSE ts_delete(ws_words(t) || '''-'':1'::tsvector || ws_words(original), '-') END`,
  );
  await fn('ws_statement_folded(t text, original text)', 'text', `ws_fold(t) || E'\\n' || coalesce(ws_fold(original), '')`);
  /** A tsquery written by the repository from the user's tokens, stemmed and folded as the statements are. */
  await fn('ws_query(q text)', 'tsquery', `to_tsquery('whosaid_english'::regconfig, q)`);
  /** A LIKE pattern finding a fragment anywhere, folded as the statements are. */
  await fn(
    'ws_like(fragment text)',
    'text',
    `'%' || replace(replace(replace(ws_fold(fragment), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`,
  );

  await sql`
    CREATE TABLE statements_search (
      id bigint PRIMARY KEY REFERENCES statements (id) ON DELETE CASCADE ON UPDATE CASCADE,
      words tsvector NOT NULL,
      folded text NOT NULL
    )`.execute(db);
  await sql`
    CREATE FUNCTION ws_statements_search_sync() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      INSERT INTO statements_search (id, words, folded)
      VALUES (NEW.id, ws_statement_words(NEW.text, NEW.original_text), ws_statement_folded(NEW.text, NEW.original_text))
      ON CONFLICT (id) DO UPDATE SET words = EXCLUDED.words, folded = EXCLUDED.folded;
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER statements_search_insert AFTER INSERT ON statements
            FOR EACH ROW EXECUTE FUNCTION ws_statements_search_sync()`.execute(db);
  await sql`CREATE TRIGGER statements_search_update AFTER UPDATE OF id, text, original_text ON statements
            FOR EACH ROW WHEN (OLD.text IS DISTINCT FROM NEW.text OR OLD.original_text IS DISTINCT FROM NEW.original_text)
            EXECUTE FUNCTION ws_statements_search_sync()`.execute(db);
  await sql`INSERT INTO statements_search (id, words, folded)
            SELECT id, ws_statement_words(text, original_text), ws_statement_folded(text, original_text) FROM statements`.execute(db);
  await sql`CREATE INDEX statements_search_words ON statements_search USING gin (words)`.execute(db);
  await sql.raw(`CREATE INDEX statements_search_fragments ON statements_search USING gin (folded ${trgm}.gin_trgm_ops)`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS statements_search_insert ON statements`.execute(db);
  await sql`DROP TRIGGER IF EXISTS statements_search_update ON statements`.execute(db);
  await sql`DROP TABLE IF EXISTS statements_search`.execute(db);
  for (const f of [
    'ws_statements_search_sync()',
    'ws_like(text)',
    'ws_query(text)',
    'ws_statement_folded(text, text)',
    'ws_statement_words(text, text)',
    'ws_words(text)',
    'ws_fold(text)',
  ])
    await sql.raw(`DROP FUNCTION IF EXISTS ${f}`).execute(db);
  await sql`DROP TEXT SEARCH CONFIGURATION IF EXISTS whosaid_english`.execute(db);
  await sql`DROP TEXT SEARCH DICTIONARY IF EXISTS whosaid_english_stem`.execute(db);
}
