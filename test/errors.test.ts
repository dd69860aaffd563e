import assert from 'node:assert/strict';
import { makeTestApp, type TestApp } from './helpers/test-app.js';
import pg from 'pg';
import { expectProblem } from './helpers/problems.js';

describe('errors', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });

  describe('malformed requests', () => {
    it('400s malformed JSON', async () => {
      const body = expectProblem(
        await t.http.post('/v1/actors').set('content-type', 'application/json').send('{"kind":'),
        400,
        'malformed-json',
      );
      assert.doesNotMatch(JSON.stringify(body), /SyntaxError|at \w+ \(/);
    });
    it('413s an oversized body', async () => {
      const small = await makeTestApp({ deps: { bodyLimit: 1000 } });
      expectProblem(
        await small.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'named', name: 'x'.repeat(2000) }),
        413,
        'payload-too-large',
      );
    });
    it('415s a body that is not JSON', async () => {
      expectProblem(await t.http.post('/v1/actors').set('content-type', 'text/plain').send('kind=person'), 415);
    });
    it('400s a JSON primitive as body', async () => {
      expectProblem(await t.http.post('/v1/actors').set('content-type', 'application/json').send('"hello"'), 400);
    });
    it('400s a body on a route that takes none', async () => {
      expectProblem(await t.http.get('/v1/actors').set('content-type', 'application/json').send('{"a":1}'), 400, 'unexpected-body');
    });
  });

  describe('unknown routes', () => {
    it('404s an unknown path as problem+json', async () => {
      expectProblem(await t.http.get('/v1/nothing'), 404, 'not-found');
    });
    it('405s a known path with another method, with Allow', async () => {
      const res = await t.http.put('/v1/actors');
      expectProblem(res, 405, 'method-not-allowed');
      assert.match(res.headers.allow, /GET/);
      assert.match(res.headers.allow, /POST/);
    });
  });

  describe('internal errors', () => {
    it('500s without stack or SQL, and logs one line', async () => {
      await t.db.execute('DROP TABLE statement_claims');
      const res = await t.http.get('/v1/claims/1');
      // claim 1 does not exist: 404 comes before any join; force the join through a real claim
      if (res.status === 404) {
        await t.http.post('/v1/claims').send({ text: 'x' }).expect(201);
      }
      const res2 = await t.http.get('/v1/claims/1');
      const body = expectProblem(res2, 500, 'internal');
      assert.doesNotMatch(JSON.stringify(body), /SELECT|statement_claims|at /);
      assert.equal(t.logs.filter((l) => l.includes('"level":"error"')).length, 1);
    });

    describe('from PostgreSQL', () => {
      // A PostgreSQL error quotes what it refused: in its message (22P02 below), its detail (23505's
      // `Key (…)=(…)`), its where and query. Here the refused value is what identifies an anonymous source.
      const secret = 'Lt. Col. Ivanov, FSB Makhachkala';
      const postgresErrors = async (): Promise<Error[]> => {
        if (t.db.dialect === 'postgres') {
          const caught: Error[] = [];
          await t.db.query('SELECT ?::bigint AS n', [secret]).catch((e: Error) => caught.push(e));
          await t.db
            .transaction(async () => {
              await t.db.execute('CREATE TEMP TABLE leak (name text UNIQUE) ON COMMIT DROP');
              await t.db.execute('INSERT INTO leak VALUES (?), (?)', [secret, secret]);
            })
            .catch((e: Error) => caught.push(e));
          assert.equal(caught.length, 2);
          return caught;
        }
        // On SQLite, the same errors as pg hands them over.
        const made = (message: string, fields: Record<string, string>) => Object.assign(new pg.DatabaseError(message, 0, 'error'), fields);
        return [
          made(`invalid input syntax for type bigint: "${secret}"`, {
            severity: 'ERROR',
            code: '22P02',
            where: `unnamed portal parameter $1 = '${secret}'`,
          }),
          made('duplicate key value violates unique constraint "leak_name_key"', {
            severity: 'ERROR',
            code: '23505',
            detail: `Key (name)=(${secret}) already exists.`,
            table: 'leak',
            constraint: 'leak_name_key',
          }),
        ];
      };

      it('500s without the message, detail or value, and logs the SQLSTATE and constraint alone', async () => {
        const errors = await postgresErrors();
        assert.ok(errors.some((e) => e.message.includes(secret) || (e as { detail?: string }).detail?.includes(secret)));
        for (const err of errors) {
          t.services.actors.create = async () => {
            throw err;
          };
          const res = await t.http.post('/v1/actors').send({ kind: 'person', identityStatus: 'anonymous', description: 'an officer' });
          const body = expectProblem(res, 500, 'internal');
          assert.doesNotMatch(JSON.stringify(body), /Ivanov|SELECT|Key \(|leak/);
          const code = (err as unknown as { code: string }).code;
          const line = t.logs.filter((l) => l.includes('"level":"error"')).at(-1) ?? '';
          assert.match(line, new RegExp(`PostgreSQL error ${code}`));
          if (code === '23505') assert.match(line, /constraint leak_name_key/);
        }
        assert.ok(!t.logs.some((l) => l.includes('Ivanov')), 'no log line holds the refused value');
      });
    });
  });
});

describe('http server', () => {
  describe('very long request lines', () => {
    it('lets a 10,000-character quote through to validation, and answers past the limit with problem+json', async () => {
      const { createHttpServer } = await import('../src/http/server.js');
      const t = await makeTestApp();
      const server = createHttpServer(t.app).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      const port = (server.address() as import('node:net').AddressInfo).port;
      try {
        const q = encodeURIComponent('😀'.repeat(10000));
        const res = await fetch(`http://127.0.0.1:${port}/v1/search?q=${q}`, { headers: { Authorization: `Bearer ${t.keys.reader}` } });
        assert.equal(res.status, 400);
        assert.match(res.headers.get('content-type') ?? '', /problem\+json/);
        const huge = await fetch(`http://127.0.0.1:${port}/v1/search?q=${'a'.repeat(300 * 1024)}`).catch((e) => e);
        assert.ok(!(huge instanceof Error), String(huge));
        assert.equal(huge.status, 431);
        assert.equal((await huge.json()).code, 'headers-too-large');
      } finally {
        await new Promise((r) => server.close(r));
      }
    });
  });
});
