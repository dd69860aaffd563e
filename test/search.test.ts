import assert from 'node:assert/strict';
import { chains } from '../src/provenance/provenance-service.js';
import { searchRepository } from '../src/search/search-repository.js';
import { SearchService } from '../src/search/search-service.js';
import { highlight, normaliseText, prepareQuery, stem } from '../src/search/normalise.js';
import { parseAdvanced } from '../src/search/advanced-query.js';
import { demoId, makeTestApp, type TestApp } from './helpers/test-app.js';
import { expectFieldErrors, expectProblem } from './helpers/problems.js';
import { assertIndexesExact as assertIndexes, statementsWithWords } from './helpers/search-index.js';
import type { FieldError, ProvenanceHop, SearchHitClaim, SearchResults } from '../src/generated/schema-types.js';

const TIPOFF =
  'Days before the attack in Russia, Tehran shared information with Moscow about a possible big terrorist attack inside Russia that was acquired during interrogations of those arrested in connection with deadly bombings in Iran.';

const search = (t: TestApp, query: Record<string, unknown>) => t.http.get('/v1/search').query(query);
const firstId = (res: { body: SearchResults }) => res.body.items[0]?.statement.id;
const ids = (res: { body: SearchResults }) => res.body.items.map((i) => i.statement.id as number);
const path = (hops: ProvenanceHop[]) => chains(hops).map((c) => c.map((h) => h.relayedBy.name ?? h.relayedBy.description));

/** The indexes agree with the statements table, row for row. */
const assertIndexesExact = (t: TestApp) => assertIndexes(t.db);

describe('search', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ demo: true });
  });

  describe('GET /v1/search', () => {
    describe('acceptance on the demo story', () => {
      it('"I took them weapons from Makhachkala": the detained man first, unidentified, FSB video, in custody, The Telegraph hop', async () => {
        const res = await search(t, { q: 'I took them weapons from Makhachkala' }).expect(200);
        const hit = res.body.items[0];
        assert.equal(hit.statement.id, await demoId(t.db, 'statement', 'took-weapons'));
        assert.equal(hit.speaker.identityStatus, 'unidentified');
        assert.equal(hit.speaker.description, 'a detained man shown in an FSB video');
        assert.equal(hit.statement.medium, 'video');
        assert.equal(hit.mediumPublisher.name, 'Federal Security Service (FSB)');
        assert.deepEqual(hit.statement.circumstances, ['in_custody']);
        assert.deepEqual(path(hit.hops), [['The Telegraph']]);
        assert.equal(hit.hops[0].document.title, 'Iran ‘warned Russia about terror threat’ before Crocus City massacre');
        assert.equal(hit.hops[0].mode, 'translation');
      });

      it('the whole "Days before the attack…" sentence in curly quotes with a trailing ellipsis: anonymous source 1 first, via Reuters to The Telegraph', async () => {
        const pasted = `“${TIPOFF.slice(0, -1)}…”`;
        const res = await search(t, { q: pasted }).expect(200);
        const hit = res.body.items[0];
        assert.equal(hit.statement.id, await demoId(t.db, 'statement', 'tipoff'));
        assert.equal(hit.speaker.identityStatus, 'anonymous');
        assert.equal(hit.speaker.description, 'one of three sources cited by Reuters');
        assert.deepEqual(path(hit.hops), [['Reuters', 'The Telegraph']]);
        assert.equal(hit.hops[0].firstHand, true);
        assert.equal(hit.hops[0].hops[0].cue, 'Reuters reported on Monday; one said');
        assert.deepEqual(
          hit.claims.map((c: SearchHitClaim) => [c.text, c.stance]),
          [['Iran warned Russia before the attack', 'supports']],
        );
      });
    });

    describe('pasted text as it was seen', () => {
      const tipoffVariants: Record<string, string> = {
        'straight quotes': `"${TIPOFF}"`,
        'all upper case': TIPOFF.toUpperCase(),
        'newlines, tabs and doubled spaces': TIPOFF.replace(/ /g, '  ').replace(', Tehran', ',\n\tTehran'),
        'a few words more at the start': `One said: "${TIPOFF}"`,
        'a few words more at the end': `${TIPOFF} Reuters reported on Monday.`,
        'words more at both ends, curly quotes': `Reuters reported on Monday. One said: “${TIPOFF}” the source added`,
        'a few words fewer at each end':
          'before the attack in Russia, Tehran shared information with Moscow about a possible big terrorist attack inside Russia that was acquired during interrogations',
        'a word changed in the middle': TIPOFF.replace('big terrorist attack', 'large terrorist attack'),
        'an em dash and an ellipsis for a cut':
          'Days before the attack in Russia — Tehran shared information with Moscow… acquired during interrogations',
        'non-breaking and zero-width spaces': TIPOFF.replace('Days before', 'Days\u00a0before').replace('shared', 'sha\u200bred'),
      };
      for (const [what, q] of Object.entries(tipoffVariants)) {
        it(`finds the source-1 statement first with ${what}`, async () => {
          const res = await search(t, { q }).expect(200);
          assert.equal(firstId(res), await demoId(t.db, 'statement', 'tipoff'), JSON.stringify(res.body.query));
        });
      }

      it("drops a reporter's bracketed insertion from the query", async () => {
        const res = await search(t, { q: 'They [IS-K members] were instructed to prepare for a significant operation in Russia' }).expect(
          200,
        );
        assert.equal(res.body.query.normalised, 'They were instructed to prepare for a significant operation in Russia');
        assert.equal(firstId(res), await demoId(t.db, 'statement', 'instructed'));
      });

      it('finds a stored text with brackets from a paste without them', async () => {
        const res = await search(t, { q: '“They were instructed to prepare for a significant operation in Russia…”' }).expect(200);
        assert.equal(firstId(res), await demoId(t.db, 'statement', 'instructed'));
        assert.ok(res.body.items[0].relevance > 0.9, `relevance ${res.body.items[0].relevance}`);
      });

      it('searches the bracketed words when they are all there is', async () => {
        const res = await search(t, { q: '[the members of Isis-K]' }).expect(200);
        assert.equal(firstId(res), await demoId(t.db, 'statement', 'instructed'));
      });

      it('matches word forms through stemming ("attacks" finds "attacked")', async () => {
        const res = await search(t, { q: 'guys who attacks Crocus' }).expect(200);
        assert.equal(firstId(res), await demoId(t.db, 'statement', 'took-weapons'));
      });

      it('finds a fragment of a word through the trigram index', async () => {
        const res = await search(t, { q: 'akhachk' }).expect(200);
        assert.equal(res.body.query.strategy, 'substring');
        assert.equal(firstId(res), await demoId(t.db, 'statement', 'took-weapons'));
        const s = res.body.items[0].snippet;
        assert.deepEqual(
          s.highlights.map((h: { start: number; end: number }) => s.text.slice(h.start, h.end)),
          ['akhachk'],
        );
      });

      it('searches only substrings with mode=substring', async () => {
        const res = await search(t, { q: 'kremli', mode: 'substring' }).expect(200);
        assert.equal(res.body.query.strategy, 'substring');
        assert.deepEqual(res.body.items, []);
        const res2 = await search(t, { q: 'eskov', mode: 'substring' }).expect(200);
        assert.deepEqual(res2.body.items, []); // "Peskov" is the speaker's name, not in any statement text
        const res3 = await search(t, { q: 'ORCHESTRAT', mode: 'substring' }).expect(200);
        assert.equal(firstId(res3), await demoId(t.db, 'statement', 'russia-accuses'));
      });

      it('highlights the matched words in the snippet and joins a matched run', async () => {
        const res = await search(t, { q: 'I took them weapons from Makhachkala' }).expect(200);
        const s = res.body.items[0].snippet;
        assert.equal(s.field, 'text');
        const marked = s.highlights.map((h: { start: number; end: number }) => s.text.slice(h.start, h.end));
        assert.ok(marked.includes('I took them weapons from Makhachkala'), JSON.stringify(marked));
      });

      it('returns claims with their stance', async () => {
        const res = await search(t, { q: 'I do not know anything about this' }).expect(200);
        const hit = res.body.items[0];
        assert.equal(hit.statement.id, await demoId(t.db, 'statement', 'peskov-no-comment'));
        assert.equal(hit.speaker.actsFor.name, 'The Kremlin');
        assert.deepEqual(
          hit.claims.map((c: SearchHitClaim) => c.stance),
          ['declines_to_comment'],
        );
      });
    });

    describe('original-language text', () => {
      it('finds a statement by its original text, diacritics folded, and says which field matched', async () => {
        const t2 = await makeTestApp({ demo: true });
        const speakerId = await demoId(t2.db, 'actor', 'detained-man');
        const created = await t2.http
          .post('/v1/statements')
          .send({
            speakerId,
            text: 'We went to the café on the square.',
            textForm: 'quote',
            kind: 'assertion',
            language: 'en',
            originalLanguage: 'fr',
            originalText: 'Nous sommes allés au café de la place Vendôme.',
          })
          .expect(201);
        const res = await search(t2, { q: 'allés au cafe place vendome' }).expect(200);
        assert.equal(firstId(res), created.body.id);
        const s = res.body.items[0].snippet;
        assert.equal(s.field, 'originalText');
        assert.match(s.highlights.map((h: { start: number; end: number }) => s.text.slice(h.start, h.end)).join('|'), /place Vendôme/);
      });
    });

    describe('confidential fields', () => {
      it("never returns an actor's attestation or confidential notes", async () => {
        const t2 = await makeTestApp({ demo: true });
        const actor = await t2.http
          .post('/v1/actors')
          .send({
            kind: 'person',
            identityStatus: 'anonymous',
            description: 'a border guard',
            attestation: { by: 'desk editor', note: 'SECRET-ATTESTATION-NOTE' },
            confidentialNotes: 'SECRET-CONFIDENTIAL-NOTES',
          })
          .expect(201);
        await t2.http
          .post('/v1/statements')
          .send({ speakerId: actor.body.id, text: 'The convoy crossed at dawn.', textForm: 'quote', kind: 'assertion' })
          .expect(201);
        const res = await search(t2, { q: 'convoy crossed at dawn' }).expect(200);
        assert.equal(res.body.items[0].speaker.id, actor.body.id);
        assert.doesNotMatch(res.text, /SECRET-|attestation|confidential/i);
      });
    });

    describe('filters', () => {
      const all = async (query: Record<string, unknown>) => ids(await search(t, { limit: 200, ...query }).expect(200));
      const key = (k: string) => demoId(t.db, 'statement', k);

      it('by speaker', async () => {
        const got = await all({ q: 'attack', speakerId: await demoId(t.db, 'actor', 'united-states') });
        assert.deepEqual(got.sort(), [await key('us-warning'), await key('us-attribution')].sort());
      });

      it('by identity status of the speaker', async () => {
        const got = await all({ q: 'Moscow Russia attack Iran', mode: 'advanced', identityStatus: 'anonymous' });
        assert.deepEqual(got.sort(), [await key('tipoff')].sort());
        const anyAnonymous = await all({ q: 'Tehran OR Iran OR Russia', mode: 'advanced', identityStatus: 'anonymous' });
        assert.deepEqual(
          anyAnonymous.sort(),
          [await key('tipoff'), await key('lacked-details'), await key('instructed'), await key('obligation')].sort(),
        );
        const unidentified = await all({ q: 'Russia OR weapons', mode: 'advanced', identityStatus: 'unidentified' });
        assert.deepEqual(unidentified.sort(), [await key('already-travelled'), await key('took-weapons')].sort());
      });

      it('by outlet: hops relayed by it or in its documents', async () => {
        const reuters = await demoId(t.db, 'actor', 'reuters');
        const got = await all({ q: 'Russia OR Moscow OR Tehran OR Iran OR attack', mode: 'advanced', outletId: reuters });
        assert.deepEqual(
          got.sort(),
          [
            await key('tipoff'),
            await key('lacked-details'),
            await key('instructed'),
            await key('already-travelled'),
            await key('obligation'),
          ].sort(),
        );
      });

      it('by document', async () => {
        const doc = await demoId(t.db, 'document', 'reuters-report');
        assert.deepEqual(await all({ q: 'weapons', documentId: doc }), []);
        assert.deepEqual(await all({ q: 'weapons', documentId: await demoId(t.db, 'document', 'telegraph-article') }), [
          await key('took-weapons'),
        ]);
      });

      it('by claim', async () => {
        const claim = await demoId(t.db, 'claim', 'ukraine-west-organised');
        const got = await all({ q: 'attack', claimId: claim });
        assert.deepEqual(got.sort(), [await key('putin-blames-ukraine'), await key('russia-accuses'), await key('is-claim')].sort());
      });

      it('by circumstance', async () => {
        assert.deepEqual(await all({ q: 'Russia OR weapons', mode: 'advanced', circumstance: 'under_interrogation' }), [
          await key('already-travelled'),
        ]);
        assert.deepEqual(await all({ q: 'attack', circumstance: 'own_channel' }), [await key('is-claim')]);
      });

      it('by kind', async () => {
        assert.deepEqual(await all({ q: 'anything', kind: 'no_comment' }), [await key('peskov-no-comment')]);
      });

      it("by partial date range, overlapping the statement's own range", async () => {
        // peskov-no-comment is 2024-04; the US warning 2024-03; most others just 2024.
        assert.deepEqual(await all({ q: 'anything', saidFrom: '2024-04-15', saidTo: '2024-04-20' }), [await key('peskov-no-comment')]);
        assert.deepEqual(await all({ q: 'anything', saidFrom: '2024-05' }), []);
        assert.deepEqual(await all({ q: 'warned', saidTo: '2024-03' }), [await key('us-warning')]);
        assert.deepEqual(await all({ q: 'warned', saidTo: '2023' }), []);
      });

      it('combines filters', async () => {
        const got = await all({
          q: 'attack',
          speakerId: await demoId(t.db, 'actor', 'islamic-state'),
          circumstance: 'own_channel',
          claimId: await demoId(t.db, 'claim', 'is-carried-out-attack'),
        });
        assert.deepEqual(got, [await key('is-claim')]);
      });

      it('applies to substring searches too', async () => {
        assert.deepEqual(await all({ q: 'ttack', mode: 'substring', speakerId: await demoId(t.db, 'actor', 'putin') }), [
          await key('putin-blames-ukraine'),
        ]);
        assert.deepEqual(await all({ q: 'ttack', mode: 'substring', identityStatus: 'unidentified' }), [await key('took-weapons')]);
      });

      it('accepts filters naming records that do not exist, with no results', async () => {
        assert.deepEqual(await all({ q: 'attack', speakerId: 999999 }), []);
      });

      it('refuses malformed filters with 400 naming the field', async () => {
        expectFieldErrors(await search(t, { q: 'attack', identityStatus: 'secret' }), ['/identityStatus'], 'query');
        expectFieldErrors(await search(t, { q: 'attack', saidFrom: '2024-13' }), ['/saidFrom'], 'query');
        expectFieldErrors(await search(t, { q: 'attack', speakerId: 'x' }), ['/speakerId'], 'query');
        expectFieldErrors(await search(t, { q: 'attack', limit: 201 }), ['/limit'], 'query');
        expectFieldErrors(await search(t, { q: 'attack', colour: 'red' }), ['/colour'], 'query');
      });
    });

    describe('pagination', () => {
      const walk = async (app: TestApp, query: Record<string, unknown>, limit: number) => {
        const seen: number[] = [];
        let cursor: string | undefined;
        for (let guard = 0; guard < 100; guard++) {
          const res = await search(app, { ...query, limit, ...(cursor ? { cursor } : {}) }).expect(200);
          seen.push(...ids(res));
          cursor = res.body.nextCursor ?? undefined;
          if (!cursor) return seen;
        }
        throw new Error('did not end');
      };

      /** Every page of a search straight from a service, following the cursor. */
      const walkService = async (service: SearchService, q: string, limit: number) => {
        const seen: number[] = [];
        const pages: SearchResults[] = [];
        let cursor: string | undefined;
        do {
          const page = await service.search({ q, limit, ...(cursor ? { cursor } : {}) });
          pages.push(page);
          seen.push(...page.items.map((i) => i.statement.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return { seen, pages };
      };

      it('pages through every match once, in the order of a single big page', async () => {
        const strategies: string[] = [];
        for (const q of ['the attack', 'attack', 'Moscow Tehran warned Kremlin']) {
          const res = await search(t, { q, limit: 200 }).expect(200);
          strategies.push(res.body.query.strategy);
          const whole = ids(res);
          assert.ok(whole.length >= 3, q);
          assert.deepEqual(await walk(t, { q }, 2), whole, q);
        }
        assert.deepEqual(strategies, ['all-words', 'all-words', 'any-words']);
      });

      it('pages through a ranked window and what follows it, without gaps or repeats', async () => {
        const t2 = await makeTestApp({ demo: true });
        const narrow = new SearchService(searchRepository(t2.db), t2.services.provenance, { scoreBudget: 3 });
        const everything = await statementsWithWords(t2.db, ['the']);
        assert.ok(everything.length > 5);
        const { seen, pages } = await walkService(narrow, 'the', 2);
        const first = pages[0];
        assert.equal(first.query.rankedWithin, 3);
        assert.deepEqual(
          [...seen].sort((a, b) => a - b),
          [...everything].sort((a, b) => a - b),
        );
        // The three newest are ranked first; the rest follow newest first.
        assert.deepEqual(seen.slice(0, 3).sort(), everything.slice(0, 3).sort());
        assert.deepEqual(seen.slice(3), everything.slice(3));
      });

      it('pages through a re-ranked pool, the rest of the window and what follows, without gaps or repeats', async () => {
        const t2 = await makeTestApp({ demo: true });
        const everything = await statementsWithWords(t2.db, ['attack']);
        for (const [scoreBudget, pool, limit] of [
          [3, 2, 1],
          [4, 3, 2],
          [0, 2, 3],
          [2, 5, 1],
        ]) {
          // closenessLimit = pool: the few matches here would otherwise all be ranked by closeness, not by bm25.
          const narrow = new SearchService(searchRepository(t2.db), t2.services.provenance, {
            scoreBudget,
            pool,
            closenessLimit: pool,
          });
          const whole = (await narrow.search({ q: 'the attack', limit: 200 })).items.map((i) => i.statement.id);
          const seen: number[] = [];
          let cursor: string | undefined;
          do {
            const page = await narrow.search({ q: 'the attack', limit, ...(cursor ? { cursor } : {}) });
            seen.push(...page.items.map((i) => i.statement.id));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          assert.deepEqual(seen, whole, `budget ${scoreBudget}, pool ${pool}, limit ${limit}`);
          assert.deepEqual(
            [...seen].sort((a, b) => a - b),
            [...everything].sort((a, b) => a - b),
          );
        }
      });

      it('ranks every match by closeness when there are more than the pool but no more than closenessLimit, page after page', async () => {
        const t2 = await makeTestApp({ demo: true });
        const narrow = new SearchService(searchRepository(t2.db), t2.services.provenance, { pool: 2, closenessLimit: 50 });
        const everything = await statementsWithWords(t2.db, ['attack']);
        assert.ok(everything.length > 2 && everything.length <= 50, `${everything.length} matches`);
        const { seen, pages } = await walkService(narrow, 'the attack', 2);
        assert.deepEqual(
          [...seen].sort((a, b) => a - b),
          [...everything].sort((a, b) => a - b),
        );
        const relevance = pages.flatMap((page) => page.items.map((i) => i.relevance));
        assert.ok(
          relevance.every((r, i) => r !== null && (i === 0 || r <= relevance[i - 1]!)),
          `closeness, best first, across pages: ${relevance.join(' ')}`,
        );
        assert.ok(pages.every((page) => page.query.rankedWithin === null));
        // The same order as a single page.
        assert.deepEqual(
          seen,
          (await narrow.search({ q: 'the attack', limit: 200 })).items.map((i) => i.statement.id),
        );
      });

      it('pages through stop words only: the newest matches ranked by closeness, then the rest newest first', async () => {
        const t2 = await makeTestApp({ demo: true });
        // probeCap 2: every word counts as common here, as "the" and "of" are in a large database.
        const narrow = new SearchService(searchRepository(t2.db), t2.services.provenance, { probeCap: 2, pool: 3 });
        const everything = await statementsWithWords(t2.db, ['the', 'of']);
        assert.ok(everything.length > 3, 'more match than are ranked');
        const { seen, pages } = await walkService(narrow, 'of the', 2);
        assert.ok(pages.every((page) => page.query.rankedWithin === 3));
        assert.deepEqual(seen.slice(0, 3).sort(), everything.slice(0, 3).sort());
        assert.deepEqual(seen.slice(3), everything.slice(3));
        const ranked = pages[0].items.map((i) => i.relevance!);
        assert.ok(ranked[0] >= ranked[1], 'ranked by closeness to the pasted words');
        // "of the" as a phrase comes before the same words apart.
        const whole = await narrow.search({ q: 'of the', limit: 3 });
        const phrase = (text: string) => /\bof the\b/i.test(text);
        const firstApart = whole.items.findIndex((i) => !phrase(i.statement.text));
        if (firstApart !== -1) assert.ok(whole.items.slice(firstApart).every((i) => !phrase(i.statement.text)));
      });

      it('refuses a cursor from another search, or one it never issued', async () => {
        const res = await search(t, { q: 'attack', limit: 1 }).expect(200);
        assert.ok(res.body.nextCursor);
        expectFieldErrors(await search(t, { q: 'Iran', limit: 1, cursor: res.body.nextCursor }), ['/cursor'], 'query');
        expectFieldErrors(await search(t, { q: 'attack', limit: 1, speakerId: 3, cursor: res.body.nextCursor }), ['/cursor'], 'query');
        expectFieldErrors(await search(t, { q: 'attack', cursor: 'bm90LWEtY3Vyc29y' }), ['/cursor'], 'query');
        expectFieldErrors(await search(t, { q: 'attack', cursor: 'not a cursor!' }), ['/cursor'], 'query');
      });
    });

    describe('what q may hold', () => {
      const ok: Record<string, string> = {
        'one character': 'a',
        'two characters': 'US',
        'two characters, no match': 'zq',
        'double quotes': '"I took',
        apostrophes: "Russia's security agency's",
        'FTS5 operators as words': 'weapons AND OR NOT NEAR',
        'NEAR()': 'NEAR(weapons Makhachkala, 2)',
        'a column filter': 'text:weapons original_text:foo',
        'a caret': '^weapons',
        'a star': 'weap* *',
        'a leading minus': '-weapons',
        parentheses: '((weapons) OR (',
        'braces and plus': '{text} + weapons',
        'control characters': 'weap\u0000ons\u0007 Makhachkala\u001b',
        'emoji among words': 'weapons 🔫 Makhachkala 🇷🇺',
        'exactly 2000 characters': ('weapons ' + 'x'.repeat(1992)).slice(0, 2000),
        'many distinct words': Array.from({ length: 250 }, (_, i) => `w${i}`).join(' '),
        'right-to-left text': 'السلاح من محج قلعة',
        'CJK text': '武器をマハチカラから',
        'a lone surrogate pair half': 'weapons \ud83d',
      };
      for (const [what, q] of Object.entries(ok)) {
        it(`answers 200 for ${what}`, async () => {
          const res = await search(t, { q });
          assert.equal(res.status, 200, res.text);
          assert.ok(Array.isArray(res.body.items));
        });
      }

      it('says when a long paste was cut to its first words for retrieval', async () => {
        const res = await search(t, { q: Array.from({ length: 250 }, (_, i) => `w${i}`).join(' ') }).expect(200);
        assert.equal(res.body.query.truncated, true);
      });

      const bad: Record<string, [string, RegExp]> = {
        'an empty string': ['', /must NOT have fewer than 1 characters/],
        'only whitespace': [' \t\n ', /letter or digit/],
        'only punctuation': ['?!… — “”', /letter or digit/],
        'only emoji': ['🙂🔫🇷🇺', /letter or digit/],
        'a bare quote': ['"', /letter or digit/],
        'only control characters': ['\u0000\u0001\u0002', /letter or digit/],
        'more than 2000 characters': ['x'.repeat(2001), /must NOT have more than 2000 characters/],
        '10,000 characters': ['weapons '.repeat(1250), /must NOT have more than 2000 characters/],
      };
      for (const [what, [q, message]] of Object.entries(bad)) {
        it(`answers 400 problem+json for ${what}`, async () => {
          const body = expectFieldErrors(await search(t, { q }), ['/q'], 'query');
          assert.match(body.errors.map((e: FieldError) => e.message).join('; '), message);
        });
      }

      it('answers 400 when q is missing or given twice', async () => {
        expectFieldErrors(await search(t, {}), ['/q'], 'query');
        expectProblem(await t.http.get('/v1/search?q=a&q=b'), 400, 'validation-failed');
      });

      it('answers 400 for a substring search without three letters or digits in a row', async () => {
        const body = expectFieldErrors(await search(t, { q: 'ab c', mode: 'substring' }), ['/q'], 'query');
        assert.match(body.errors[0].message, /3 letters or digits/);
      });
    });

    describe('mode=advanced', () => {
      const run = (q: string, extra: Record<string, unknown> = {}) => search(t, { q, mode: 'advanced', limit: 200, ...extra });
      const key = (k: string) => demoId(t.db, 'statement', k);

      it('accepts words, phrases, prefixes, AND, OR, NOT and parentheses', async () => {
        assert.deepEqual(ids(await run('weapons AND Makhachkala').expect(200)), [await key('took-weapons')]);
        assert.deepEqual(ids(await run('"took them weapons"').expect(200)), [await key('took-weapons')]);
        assert.deepEqual(ids(await run('"them weapons took"').expect(200)), []);
        assert.deepEqual(ids(await run('Makhach*').expect(200)), [await key('took-weapons')]);
        assert.deepEqual(ids(await run('(Ukraine OR Britain) NOT West').expect(200)), [await key('russia-accuses')]);
        assert.deepEqual(ids(await run('orchestrated attack').expect(200)), [await key('russia-accuses')]);
        assert.equal((await run('weapons').expect(200)).body.query.strategy, 'advanced');
      });

      it('treats lower-case operators as words and quoted text as words only', async () => {
        assert.deepEqual(ids(await run('"anything about this"').expect(200)), [await key('peskov-no-comment')]);
        assert.deepEqual(ids(await run('"text:weapons AND NOT"').expect(200)), []);
        assert.deepEqual(ids(await run('not').expect(200)), [await key('peskov-no-comment')]);
      });

      const refused: Record<string, RegExp> = {
        'text:weapons': /column filters are not supported/,
        'NEAR(weapons Makhachkala)': /NEAR is not supported/,
        '^weapons': /\^ is not supported/,
        '-weapons': /use NOT/,
        '+weapons': /\+ is not supported/,
        'weapons AND': /ends where a term was expected/,
        'OR weapons': /needs a term on each side/,
        'NOT weapons': /NOT needs a term before it/,
        '(weapons': /a \( is not closed/,
        'weapons)': /a \) has no matching \(/,
        '()': /empty parentheses/,
        '"weapons': /quoted phrase is not closed/,
        'we*': /at least 3 letters/,
        'wea*pons': /only allowed at the end/,
        '🙂': /no letters or digits/,
        '((((((((((weapons))))))))))': /nest more than/,
        [Array.from({ length: 40 }, (_, i) => `w${i}`).join(' OR ')]: /more than 32 terms/,
      };
      for (const [q, message] of Object.entries(refused)) {
        it(`refuses ${JSON.stringify(q.slice(0, 40))} with 400 saying what is wrong`, async () => {
          const body = expectFieldErrors(await run(q), ['/q'], 'query');
          assert.match(body.detail, message);
        });
      }
    });
  });

  describe('the indexes follow the statements table', () => {
    let w: TestApp;
    beforeEach(async () => {
      w = await makeTestApp({ demo: true });
    });
    const found = async (q: string) => ids(await search(w, { q, limit: 200 }).expect(200));
    const foundSubstring = async (q: string) => ids(await search(w, { q, mode: 'substring', limit: 200 }).expect(200));

    it('on insert, update of text and original text, and delete through the API', async () => {
      const speakerId = await demoId(w.db, 'actor', 'peskov');
      const created = await w.http
        .post('/v1/statements')
        .send({ speakerId, text: 'The zebrafish protocol was never signed.', textForm: 'quote', kind: 'denial' })
        .expect(201);
      const id = created.body.id;
      assert.deepEqual(await found('zebrafish protocol'), [id]);
      assert.deepEqual(await foundSubstring('ebrafi'), [id]);
      await assertIndexesExact(w);

      await w.http.patch(`/v1/statements/${id}`).send({ text: 'The okapi memorandum was never signed.' }).expect(200);
      assert.deepEqual(await found('zebrafish'), []);
      assert.deepEqual(await foundSubstring('ebrafi'), []);
      assert.deepEqual(await found('okapi memorandum'), [id]);
      await assertIndexesExact(w);

      await w.http
        .patch(`/v1/statements/${id}`)
        .send({ originalLanguage: 'de', originalText: 'Das Okapi-Memorandum wurde nie unterzeichnet.' })
        .expect(200);
      assert.deepEqual(await found('unterzeichnet'), [id]);
      await w.http.patch(`/v1/statements/${id}`).send({ kind: 'assertion' }).expect(200);
      assert.deepEqual(await found('unterzeichnet'), [id]);
      await w.http.patch(`/v1/statements/${id}`).send({ originalText: null }).expect(200);
      assert.deepEqual(await found('unterzeichnet'), []);
      await assertIndexesExact(w);

      await w.http.delete(`/v1/statements/${id}`).expect(204);
      assert.deepEqual(await found('okapi memorandum'), []);
      assert.deepEqual(await foundSubstring('kapi mem'), []);
      await assertIndexesExact(w);
    });

    it('on bundles, and on cascade deletes of an actor and of a document', async () => {
      const bundle = {
        namespace: 'test.search-bundle',
        actors: [
          { key: 'spokes', kind: 'person', identityStatus: 'named', name: 'A Spokesperson' },
          { key: 'paper', kind: 'outlet', identityStatus: 'named', name: 'The Paper' },
        ],
        documents: [{ key: 'doc', outlet: 'paper', title: 'A report' }],
        statements: [
          { key: 's1', speaker: 'spokes', text: 'The narwhal agreement holds.', textForm: 'quote', kind: 'assertion' },
          { key: 's2', speaker: 'spokes', text: 'The pangolin treaty is dead.', textForm: 'quote', kind: 'assertion' },
        ],
        relays: [{ key: 'r1', statement: 's1', relayedBy: 'paper', document: 'doc', mode: 'verbatim', firstHand: true, hedge: 'said' }],
      };
      const res = await w.http.post('/v1/bundles').send(bundle).expect(201);
      const s1 = (await found('narwhal agreement'))[0];
      const s2 = (await found('pangolin treaty'))[0];
      assert.ok(s1 && s2, JSON.stringify(res.body));
      await assertIndexesExact(w);

      // Deleting the document with cascade takes its hops, not its statements.
      const docId = (await w.db.queryFirst(`SELECT id FROM documents WHERE title = 'A report'`)) as { id: number };
      await w.http.delete(`/v1/documents/${docId.id}?cascade=true`).expect(204);
      assert.deepEqual(await found('narwhal agreement'), [s1]);
      assert.deepEqual((await search(w, { q: 'narwhal' }).expect(200)).body.items[0].hops, []);

      // Deleting the speaker with cascade deletes the statements in SQL (ON DELETE CASCADE): the triggers still fire.
      const speaker = (await w.db.queryFirst(`SELECT id FROM actors WHERE name = 'A Spokesperson'`)) as { id: number };
      await w.http.delete(`/v1/actors/${speaker.id}?cascade=true`).expect(204);
      assert.deepEqual(await found('narwhal agreement'), []);
      assert.deepEqual(await found('pangolin treaty'), []);
      assert.deepEqual(await foundSubstring('angoli'), []);
      await assertIndexesExact(w);
    });

    it('on writes in plain SQL, which no application code sees', async () => {
      const speakerId = await demoId(w.db, 'actor', 'putin');
      const now = new Date().toISOString();
      const { id } = (await w.db.queryFirst<{ id: number }>(
        `INSERT INTO statements (speaker_id, text, text_form, kind, circumstances, created_at, updated_at) VALUES (?, 'The axolotl summit is off.', 'quote', 'assertion', '[]', ?, ?) RETURNING id`,
        [speakerId, now, now],
      ))!;
      assert.deepEqual(await found('axolotl summit'), [id]);
      await w.db.execute(`UPDATE statements SET text = 'The quokka summit is off.' WHERE id = ?`, [id]);
      assert.deepEqual(await found('axolotl'), []);
      assert.deepEqual(await found('quokka'), [id]);
      await w.db.execute(`DELETE FROM statements WHERE id = ?`, [id]);
      assert.deepEqual(await found('quokka'), []);
      await assertIndexesExact(w);
    });

    it('finds a word written after a search that found it nowhere (word counts are steering, never results)', async () => {
      assert.deepEqual(await found('zyzzyva blorptastic'), []);
      const speakerId = await demoId(w.db, 'actor', 'putin');
      const created = await w.http
        .post('/v1/statements')
        .send({ speakerId, text: 'A zyzzyva was seen in the capital.', textForm: 'quote', kind: 'assertion' })
        .expect(201);
      const res = await search(w, { q: 'zyzzyva blorptastic' }).expect(200);
      assert.equal(res.body.query.strategy, 'any-words');
      assert.deepEqual(ids(res), [created.body.id]);
    });

    it('finds every match of words whose count grew past what is ranked by closeness since it was counted', async () => {
      const speakerId = await demoId(w.db, 'actor', 'putin');
      const post = async (text: string) =>
        (await w.http.post('/v1/statements').send({ speakerId, text, textForm: 'quote', kind: 'assertion' }).expect(201)).body.id as number;
      // closenessLimit 3: a search matching no more is ranked by closeness, every match read at once.
      const service = new SearchService(searchRepository(w.db), w.services.provenance, { pool: 2, closenessLimit: 3 });
      const first = [
        await post('The wombat council met.'),
        await post('A wombat council was called.'),
        await post('No wombat council sat.'),
      ];
      const ids = async () => (await service.search({ q: 'wombat council', limit: 20 })).items.map((i) => i.statement.id).sort();
      assert.deepEqual(await ids(), first.sort());
      // "wombat" is now counted in 3 statements; two more are written before that count expires.
      const more = [await post('The wombat council adjourned.'), await post('Another wombat council convened.')];
      assert.deepEqual(await ids(), [...first, ...more].sort());
    });

    it('answers a paste searched again exactly after writes, though its words were counted and their lists read before', async () => {
      const speakerId = await demoId(w.db, 'actor', 'putin');
      const paste = 'the okapi and the gharial crossed the estuary near the tamarind groves at dawn';
      const post = async (text: string) =>
        (await w.http.post('/v1/statements').send({ speakerId, text, textForm: 'quote', kind: 'assertion' }).expect(201)).body.id as number;
      const first = await post('The okapi and the gharial crossed the estuary near the tamarind groves at dawn.');
      assert.deepEqual(await found(paste), [first]);
      // Each word is now counted and its list read: the same paste again asks FTS5 for none of them.
      const second = await post('At dawn, near the tamarind groves, an okapi and a gharial crossed the estuary.');
      assert.deepEqual((await found(paste)).sort(), [first, second].sort());
      await w.db.execute(`UPDATE statements SET text = 'The okapi crossed the estuary at dawn.' WHERE id = ?`, [second]);
      assert.deepEqual(await found(paste), [first]);
      await w.db.execute(`DELETE FROM statements WHERE id = ?`, [first]);
      const res = await search(w, { q: paste, limit: 200 }).expect(200);
      assert.notEqual(res.body.query.strategy, 'all-words', 'no statement holds every word any more');
      assert.deepEqual(ids(res), [second]);
    });

    it('never answers from lists read inside a transaction that rolled back', async () => {
      const speakerId = await demoId(w.db, 'actor', 'putin');
      const paste = 'the okapi and the gharial crossed the estuary near the tamarind groves at dawn';
      const first = (
        await w.http
          .post('/v1/statements')
          .send({
            speakerId,
            text: 'The okapi and the gharial crossed the estuary near the tamarind groves at dawn.',
            textForm: 'quote',
            kind: 'assertion',
          })
          .expect(201)
      ).body.id as number;
      // A service whose first search runs inside a write transaction, after a write its lists would hold.
      const service = new SearchService(searchRepository(w.db), w.services.provenance);
      let phantom = 0;
      await assert.rejects(
        w.db.transaction(async () => {
          const row = await w.services.statements.create({
            speakerId,
            text: 'An okapi and a gharial crossed the estuary near the tamarind groves at dawn.',
            textForm: 'quote',
            kind: 'assertion',
          });
          phantom = row.id;
          const inside = await service.search({ q: paste, limit: 200 });
          assert.deepEqual(inside.items.map((i) => i.statement.id).sort(), [first, phantom].sort());
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      for (const limit of [1, 200]) {
        const after = await service.search({ q: paste, limit });
        assert.deepEqual(
          after.items.map((h) => h.statement.id),
          [first],
          `statement ${phantom} was rolled back`,
        );
      }
    });

    it('keeps a refused write out of the index (the transaction rolls back index and table together)', async () => {
      const before = await found('attack');
      await w.http
        .post('/v1/statements')
        .send({ speakerId: 999999, text: 'The attack on the wombat depot.', textForm: 'quote', kind: 'assertion' })
        .expect(422);
      assert.deepEqual(await found('wombat'), []);
      assert.deepEqual(await found('attack'), before);
      await assertIndexesExact(w);
    });
  });

  describe('the words the index holds, told from the text', () => {
    let w: TestApp;
    beforeEach(async () => {
      w = await makeTestApp({ demo: true });
    });

    it('claims no word for a statement that FTS5 does not match it on', async function () {
      const repo = searchRepository(w.db);
      if (!repo.holds) {
        assert.equal(w.db.dialect, 'postgres', "only PostgreSQL's parser is not repeated");
        return this.skip();
      }
      const speakerId = await demoId(w.db, 'actor', 'putin');
      const texts: Array<[string, string | null]> = [
        ['Russia’s café—“hello”… naïve Zoë’s co-operation, 3.5% up; x_y; MiXeD CaSe.', null],
        ['A plain text, with punctuation: (brackets) [insertions] and 2024-03-22!', 'Der Bürgermeister sagte «nein» – straße naïveté'],
        ['Ünïcödé at the start and at the énd', 'Текст на русском with English words'],
      ];
      const rows = [];
      for (const [text, originalText] of texts) {
        const { id } = (
          await w.http
            .post('/v1/statements')
            .send({
              speakerId,
              text,
              originalText,
              textForm: 'quote',
              kind: 'assertion',
              ...(originalText ? { originalLanguage: 'de' } : {}),
            })
            .expect(201)
        ).body;
        rows.push((await repo.rows([id]))[0]);
      }
      let claimed = 0;
      for (const row of rows) {
        const words = new Set(`${row.text} ${row.original_text ?? ''}`.toLowerCase().match(/[a-z0-9]+/g));
        for (const word of words) {
          if (repo.holds(row, word)) {
            claimed++;
            const fts = await w.db.query<{ id: number }>('SELECT rowid AS id FROM statements_fts WHERE statements_fts MATCH ?', [
              `"${word}"`,
            ]);
            assert.ok(
              fts.some((r) => r.id === row.id),
              `statement ${row.id} is said to hold "${word}"`,
            );
          }
        }
      }
      const first = rows[0];
      for (const word of ['russia', 's', 'hello', 'co', 'operation', '3', '5', 'x', 'y', 'mixed', 'case'])
        assert.ok(repo.holds(first, word), word);
      // Runs next to letters outside ASCII may be part of a longer word: not claimed.
      for (const word of ['caf', 'na', 've', 'zo']) assert.ok(!repo.holds(first, word), word);
      assert.ok(repo.holds(rows[1], 'der') && repo.holds(rows[1], 'nein') && !repo.holds(rows[1], 'stra'));
      assert.ok(repo.holds(rows[2], 'english') && !repo.holds(rows[2], 'nd'));
      assert.ok(claimed >= 30, `${claimed} words claimed`);
    });
  });

  describe('normalisation', () => {
    it('folds quotes, dashes, ellipses and whitespace, and drops format characters', () => {
      assert.equal(normaliseText('  “It’s – here…”\u00a0 now\u200b!\n'), '"It\'s - here..." now!');
    });

    it('prepares tokens, fragments and bracket-free text', () => {
      const p = prepareQuery('They [the members of Isis-K] were “instructed”…');
      assert.equal(p.normalised, 'They were "instructed"...');
      assert.deepEqual(p.tokens, ['they', 'were', 'instructed']);
      assert.deepEqual(p.fragments, ['they', 'were', 'instructed']);
    });

    it('highlights words and maps folded offsets back to the original text', () => {
      const h = highlight('Café CRÈME, s’il vous plaît', { stems: new Set(['cafe', 'creme'].map(stem)) });
      assert.deepEqual(
        h.highlights.map((x) => 'Café CRÈME, s’il vous plaît'.slice(x.start, x.end)),
        ['Café CRÈME'],
      );
    });

    it('cuts a long text to a window around the densest matches', () => {
      const text = 'filler '.repeat(100) + 'the needle is here' + ' filler'.repeat(100);
      const h = highlight(text, { stems: new Set([stem('needle')]) });
      assert.ok(h.text.length < 320);
      assert.ok(h.text.startsWith('…') && h.text.endsWith('…'));
      assert.equal(h.text.slice(h.highlights[0].start, h.highlights[0].end), 'needle');
    });

    it('writes advanced queries with every term quoted', () => {
      // FTS5 precedence: NOT binds tighter than AND, AND tighter than OR.
      assert.equal(parseAdvanced('weapons "took them" OR Makh* NOT x').match, '(("weapons" AND "took them") OR ("makh" * NOT "x"))');
    });
  });
});
