import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { makeTestApp, snapshot, type TestApp } from './helpers/test-app.js';
import { CONFIDENTIAL_FIELDS, OPERATOR } from '../src/access/field-permissions.js';
import { changeEntry, chainHash } from '../src/db/functions.js';
import { leafHash } from '../src/log/merkle.js';
import type { Role, Viewer } from '../src/shared/viewer.js';
import type { ChangeRow } from './helpers/rows.js';
import type { Change, FieldError } from '../src/generated/schema-types.js';
import type { ProblemBody } from './helpers/problems.js';

/** What a write path answered: a problem document, or what it wrote (read as JSON). */
type Answer = ProblemBody & { items: Array<{ id: number; outcome: string }> };

type Who = Role | 'operator';
const RANK: Record<Who, number> = { reader: 1, journalist: 2, editor: 3, admin: 4, operator: 4 };

/** Who may write each confidential field, written out here (not read from the code), as the table says. */
const MAY_WRITE: Record<string, Role> = { attestation: 'editor', confidentialNotes: 'editor' };
const VALUES: Record<string, unknown> = {
  attestation: { by: 'desk editor', note: 'met in person' },
  confidentialNotes: 'met at the embassy',
};
const stored = async (t: TestApp, id: number) =>
  (await t.db.queryFirst('SELECT attestation, confidential_notes FROM actors WHERE id = ?', [id])) as Record<string, string | null>;
const column = (field: string) => CONFIDENTIAL_FIELDS.actor[field].column;

const ANON = { kind: 'person', identityStatus: 'anonymous', description: 'a senior official' };
const BODY = 'A senior official said the hall was full.';

interface Setup {
  actorId: number;
  documentId: number;
}

async function setup(t: TestApp): Promise<Setup> {
  const actor = (
    await t.http
      .post('/v1/actors')
      .send({ ...ANON, confidentialNotes: 'first notes', attestation: { by: 'editor A' } })
      .expect(201)
  ).body;
  await t.http
    .post('/v1/bundles')
    .send({ namespace: 'perm', actors: [{ key: 'src', ...ANON, confidentialNotes: 'first notes' }] })
    .expect(201);
  const outlet = (await t.http.post('/v1/actors').send({ kind: 'outlet', identityStatus: 'named', name: 'The Paper' }).expect(201)).body;
  const doc = (await t.http.post('/v1/documents').send({ outletId: outlet.id, title: 'T', body: BODY }).expect(201)).body;
  return { actorId: actor.id, documentId: doc.id };
}

/** A write through one path: the HTTP answer, and the id of the actor it wrote (when it did). */
interface WritePath {
  /** The route it goes through, or null for a path that is not a route (CLI import). */
  route: string | null;
  write(t: TestApp, as: Who, s: Setup, field: string, value: unknown): Promise<{ status: number; body: Answer; actorId?: number }>;
}

const http = (t: TestApp, as: Who) => (as === 'operator' ? t.http : t.as(as));

/**
 * Every path that can write a confidential field. A route whose body can carry one and has no entry
 * here fails the first test.
 */
const WRITE_PATHS: Record<string, WritePath> = {
  'actor create': {
    route: 'post /v1/actors',
    async write(t, as, _s, field, value) {
      const res = await http(t, as)
        .post('/v1/actors')
        .send({ ...ANON, [field]: value });
      return { status: res.status, body: res.body, actorId: res.body.id };
    },
  },
  'actor patch (set)': {
    route: 'patch /v1/actors/:id',
    async write(t, as, s, field, value) {
      const res = await http(t, as)
        .patch(`/v1/actors/${s.actorId}`)
        .send({ [field]: value });
      return { status: res.status, body: res.body, actorId: s.actorId };
    },
  },
  'actor patch (erase)': {
    route: 'patch /v1/actors/:id',
    async write(t, as, s, field) {
      const res = await http(t, as)
        .patch(`/v1/actors/${s.actorId}`)
        .send({ [field]: null });
      return { status: res.status, body: res.body, actorId: s.actorId };
    },
  },
  'bundle, new actor': {
    route: 'post /v1/bundles',
    async write(t, as, _s, field, value) {
      const res = await http(t, as)
        .post('/v1/bundles')
        .send({ namespace: `new-${as}-${field.toLowerCase()}`, actors: [{ key: 'a', ...ANON, [field]: value }] });
      return { status: res.status, body: res.body, actorId: res.body.items?.[0]?.id };
    },
  },
  'bundle re-post, existing actor': {
    route: 'post /v1/bundles',
    async write(t, as, _s, field, value) {
      const res = await http(t, as)
        .post('/v1/bundles')
        .send({ namespace: 'perm', actors: [{ key: 'src', ...ANON, [field]: value }] });
      return { status: res.status, body: res.body, actorId: res.body.items?.[0]?.id };
    },
  },
  'tag with inline statement and speaker': {
    route: 'post /v1/documents/:id/tags',
    async write(t, as, s, field, value) {
      const res = await http(t, as)
        .post(`/v1/documents/${s.documentId}/tags`)
        .send({
          selector: { exact: 'the hall was full' },
          statement: { textForm: 'paraphrase', kind: 'assertion', speaker: { ...ANON, [field]: value } },
        });
      const newest = (await t.db.queryFirst('SELECT max(id) AS id FROM actors')) as { id: number };
      return { status: res.status, body: res.body, actorId: newest.id };
    },
  },
  'CLI import (bundles applied in process, as the given writer)': {
    route: null,
    async write(t, as, _s, field, value) {
      const writer: Viewer = as === 'operator' ? OPERATOR : { role: as, keyId: null };
      try {
        const result = await t.db.writeAs(writer, () =>
          t.services.bundles.apply({
            namespace: `cli-${as}-${field.toLowerCase()}`,
            actors: [{ key: 'a', ...ANON, [field]: value }],
          } as never),
        );
        return { status: 201, body: result as unknown as Answer, actorId: result.items[0].id };
      } catch (e) {
        const err = e as { status?: number; toProblem?: () => ProblemBody };
        return { status: err.status ?? 500, body: (err.toProblem?.() ?? {}) as Answer };
      }
    },
  },
};

describe('field permissions', () => {
  describe('the write-path matrix', () => {
    it('has an entry for every route whose body can carry a confidential field', async () => {
      const { schemaRegistry } = await import('./helpers/test-app.js');
      const registry = schemaRegistry();
      const t = await makeTestApp();
      const fields = new Set(Object.values(CONFIDENTIAL_FIELDS).flatMap((f) => Object.keys(f)));
      const names = (schemaName: string) => {
        const found = new Set<string>();
        const seen = new Set<unknown>();
        const walk = (node: unknown, file: string) => {
          if (!node || typeof node !== 'object' || seen.has(node)) return;
          seen.add(node);
          const o = node as Record<string, unknown>;
          if (typeof o.$ref === 'string') {
            const [target, pointer] = o.$ref.split('#');
            const targetFile = target ? target.replace(/\.schema\.json$/, '') : file;
            let resolved: unknown = registry.schemas.get(targetFile);
            for (const part of (pointer ?? '').split('/').filter(Boolean)) resolved = (resolved as Record<string, unknown>)?.[part];
            walk(resolved, targetFile);
          }
          if (o.properties && typeof o.properties === 'object') for (const k of Object.keys(o.properties)) found.add(k);
          for (const v of Object.values(o)) walk(v, file);
        };
        walk(registry.schemas.get(schemaName), schemaName);
        return found;
      };
      const carrying = t.routes
        .filter((r) => r.body && [...names(r.body)].some((n) => fields.has(n)))
        .map((r) => `${r.method} ${r.path}`)
        .sort();
      const listed = [...new Set(Object.values(WRITE_PATHS).flatMap((p) => (p.route ? [p.route] : [])))].sort();
      assert.deepEqual(carrying, listed, 'routes that can write a confidential field, against the matrix');
      assert.deepEqual(
        Object.fromEntries(Object.entries(CONFIDENTIAL_FIELDS.actor).map(([f, r]) => [f, r.write])),
        MAY_WRITE,
        'the permission table in the code',
      );
    });

    for (const [name, path] of Object.entries(WRITE_PATHS)) {
      for (const as of ['journalist', 'editor', 'admin', 'operator'] as Who[]) {
        if (as === 'operator' && path.route) continue;
        for (const field of Object.keys(MAY_WRITE)) {
          const allowed = RANK[as] >= RANK[MAY_WRITE[field]];
          it(`${name} × ${as} × ${field}: ${allowed ? 'written' : '403 naming the field, nothing written'}`, async () => {
            const t = await makeTestApp();
            const s = await setup(t);
            const before = await snapshot(t.db);
            const erase = name.includes('erase');
            const res = await path.write(t, as, s, field, VALUES[field]);
            if (!allowed) {
              assert.equal(res.status, 403, JSON.stringify(res.body));
              assert.match(res.body.detail, new RegExp(field));
              assert.ok(
                res.body.errors.some((e: FieldError) => e.pointer.endsWith(`/${field}`)),
                JSON.stringify(res.body.errors),
              );
              assert.deepEqual(await snapshot(t.db), before, 'a refused write leaves the database as it was');
              return;
            }
            assert.ok(res.status < 300, `${res.status} ${JSON.stringify(res.body)}`);
            const value = (await stored(t, res.actorId!))[column(field)];
            if (erase) assert.equal(value, null);
            else if (field === 'attestation') assert.equal(JSON.parse(value!).by, 'desk editor');
            else assert.equal(value, VALUES[field]);
          });
        }
      }
    }

    it('readers cannot write through any route at all', async () => {
      const t = await makeTestApp();
      const s = await setup(t);
      for (const [name, path] of Object.entries(WRITE_PATHS)) {
        if (!path.route) continue;
        const res = await path.write(t, 'reader', s, 'confidentialNotes', 'x');
        assert.equal(res.status, 403, name);
      }
    });
  });

  describe('bundle re-posts', () => {
    it('answer the same whatever confidential value a journalist guesses, and never write it', async () => {
      const t = await makeTestApp();
      await setup(t);
      const repost = (extra: object) =>
        t
          .as('journalist')
          .post('/v1/bundles')
          .send({ namespace: 'perm', actors: [{ key: 'src', ...ANON, ...extra }] });
      const right = await repost({ confidentialNotes: 'first notes' });
      const wrong = await repost({ confidentialNotes: 'a wrong guess' });
      assert.deepEqual([right.status, wrong.status], [403, 403]);
      assert.deepEqual(right.body.detail, wrong.body.detail);
      // Without the field, the answer depends on the non-confidential fields only.
      const plain = await repost({}).expect(200);
      assert.equal(plain.body.items[0].outcome, 'existing');
    });
  });
});

describe('commitments', () => {
  it('let no one with a reader key test 10,000 guesses of a confidential value against any hash they can see', async () => {
    const t = await makeTestApp({ demo: true });
    const words = ['embassy', 'ministry', 'cafe', 'station', 'office', 'hotel', 'airport', 'park', 'church', 'market'];
    const candidates: string[] = [];
    for (let i = 0; candidates.length < 9999; i++) candidates.push(`met at the ${words[i % 10]}${i >= 10 ? ` ${i}` : ''}`);
    const truth = 'met at the embassy on 3 March';
    candidates.splice(4321, 0, truth);
    assert.equal(candidates.length, 10000);
    const actor = (
      await t
        .as('editor')
        .post('/v1/actors')
        .send({ ...ANON, confidentialNotes: truth })
        .expect(201)
    ).body;

    // Everything a reader can see: the change list, every inclusion proof, the checkpoint.
    const visible = new Set<string>();
    const collect = (v: unknown) => {
      if (typeof v === 'string') {
        if (/^[0-9a-f]{64}$/.test(v)) visible.add(v);
      } else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x);
    };
    let cursor = '';
    const seen: Array<Omit<Change, 'after'> & { after: Record<string, { commitment: string }> }> = [];
    do {
      const page = (
        await t
          .as('reader')
          .get(`/v1/changes?limit=200${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200)
      ).body;
      seen.push(...page.items);
      collect(page);
      cursor = page.nextCursor ?? '';
    } while (cursor);
    for (const c of seen) collect((await t.as('reader').get(`/v1/log/inclusion?seq=${c.seq}`).expect(200)).body);
    const checkpoint = (await t.as('reader').get('/v1/log/checkpoint').expect(200)).text;
    visible.add(Buffer.from(checkpoint.split('\n')[2], 'base64').toString('hex'));
    assert.ok(!JSON.stringify(seen).includes(truth));

    const mine = seen.filter((c) => c.recordType === 'actor' && c.recordId === String(actor.id));
    const raw = (await t.db.queryFirst('SELECT * FROM changes WHERE seq = ?', [mine[0].seq])) as ChangeRow;
    const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
    const guesses = (candidate: string) => {
      const row = JSON.parse(raw.after);
      const plain = JSON.stringify({ ...row, confidential_notes: candidate });
      const fields = [raw.seq, raw.at, raw.key_id, raw.action, raw.record_type, raw.record_id, raw.before, plain] as const;
      return [
        sha(candidate),
        sha(JSON.stringify(candidate)),
        sha(`\0${JSON.stringify(candidate)}`),
        leafHash(changeEntry(...fields)).toString('hex'),
        chainHash(raw.prev_hash, ...fields),
      ];
    };
    const hits = candidates.filter((c) => guesses(c).some((h) => visible.has(h)));
    assert.deepEqual(hits, [], 'a candidate reproduced a hash a reader can see');

    // The control: with the salt that only editors can read, the true value does reproduce the commitment.
    const opening = (await t.db.queryFirst(
      `SELECT salt FROM history_openings WHERE seq = ? AND side = 'after' AND column_name = 'confidential_notes'`,
      [raw.seq],
    )) as { salt: Buffer };
    assert.ok(opening.salt.length >= 16);
    const commitment = createHash('sha256').update(opening.salt).update(JSON.stringify(truth)).digest('hex');
    assert.equal(mine[0].after.confidentialNotes.commitment, commitment);
    assert.ok(visible.has(commitment));
  });

  it('show key change records to admins only', async () => {
    const t = await makeTestApp();
    for (const role of ['reader', 'journalist', 'editor'] as Role[]) {
      const all = (await t.as(role).get('/v1/changes?limit=200').expect(200)).body.items;
      assert.ok(
        all.every((c: Change) => c.recordType !== 'key'),
        role,
      );
      assert.equal((await t.as(role).get('/v1/changes?recordType=key').expect(200)).body.items.length, 0);
    }
    const admin = (await t.as('admin').get('/v1/changes?recordType=key').expect(200)).body.items;
    assert.equal(admin.length, 4);
    assert.equal(admin[0].after.role.value, 'reader');
    assert.match(admin[0].after.name.commitment, /^[0-9a-f]{64}$/);
  });
});
