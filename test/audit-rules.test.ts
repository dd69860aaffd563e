import assert from 'node:assert/strict';
import { RULES } from '../src/audits/rules/index.js';
import { anonNoDescription } from '../src/audits/rules/anon-no-description.js';
import { anonNoReason } from '../src/audits/rules/anon-no-reason.js';
import { anonBoilerplateReason, boilerplateIn } from '../src/audits/rules/anon-boilerplate-reason.js';
import { anonNotAttested } from '../src/audits/rules/anon-not-attested.js';
import { anonRelayed } from '../src/audits/rules/anon-relayed.js';
import { quoteAltered } from '../src/audits/rules/quote-altered.js';
import { attributingWord, cueHedgeMismatch } from '../src/audits/rules/cue-hedge-mismatch.js';
import { denialOnRecord } from '../src/audits/rules/denial-on-record.js';
import { anonOpinion } from '../src/audits/rules/anon-opinion.js';
import { anonSoleSupport } from '../src/audits/rules/anon-sole-support.js';
import { pluralCount, pluralCountRule } from '../src/audits/rules/plural-count.js';
import { independentRoutes } from '../src/audits/rules/independent-routes.js';
import { relayUnattributed } from '../src/audits/rules/relay-unattributed.js';
import { relayHedgeDropped } from '../src/audits/rules/relay-hedge-dropped.js';
import { chainNoPrimary } from '../src/audits/rules/chain-no-primary.js';
import { contextCustody } from '../src/audits/rules/context-custody.js';
import { contextOwnChannel } from '../src/audits/rules/context-own-channel.js';
import { tagOrphaned } from '../src/audits/rules/tag-orphaned.js';
import type { AuditData, Finding, Rule } from '../src/audits/types.js';
import { Fixture } from './helpers/audit-fixture.js';
import type { AuditRecordRef } from '../src/generated/schema-types.js';

const run = (rule: Rule, data: AuditData) => rule.check(data);
/** The data as a document's audit sees it: that document's speakers and relayers in scope. */
function documentScope(data: AuditData, id: number): AuditData {
  const hops = [...data.hops.values()].filter((h) => h.documentId === id);
  const actors = new Set(hops.flatMap((h) => [h.relayedById, data.statements.get(h.statementId)!.speakerId]));
  return { ...data, scope: { type: 'document', id }, inScope: { ...data.inScope, actors: [...actors].sort((a, b) => a - b) } };
}

/** An agency has an anonymous source first-hand (DOC); a paper relays it and adds its own source (DOC + 1). */
function relayedStory() {
  const f = new Fixture();
  const agency = f.actor({ kind: 'outlet' });
  const paper = f.actor({ kind: 'outlet' });
  const source = f.anonymous('a ministry official');
  const own = f.anonymous('a port worker');
  const statement = f.statement(source);
  const relayed = f.hop(statement, paper, { documentId: DOC + 1, viaRelayId: f.hop(statement, agency, { documentId: DOC }) });
  f.hop(f.statement(own), paper, { documentId: DOC + 1 });
  return { f, agency, paper, source, own, statement, relayed };
}
const concerning = (findings: Finding[], type: string, id: number) =>
  findings.filter((f) => f.records.some((r) => r.type === type && r.id === id));
const DOC = 900;

describe('audit rules', () => {
  it('cover the catalogue: eighteen rules, each with a policy name and URL', () => {
    assert.deepEqual(
      RULES.map((r) => r.id),
      [
        'ANON-NO-DESCRIPTION',
        'ANON-NO-REASON',
        'ANON-BOILERPLATE-REASON',
        'ANON-NOT-ATTESTED',
        'ANON-OPINION',
        'ANON-SOLE-SUPPORT',
        'PLURAL-COUNT',
        'INDEPENDENT-ROUTES',
        'RELAY-UNATTRIBUTED',
        'RELAY-HEDGE-DROPPED',
        'CHAIN-NO-PRIMARY',
        'CONTEXT-CUSTODY',
        'CONTEXT-OWN-CHANNEL',
        'QUOTE-ALTERED',
        'CUE-HEDGE-MISMATCH',
        'ANON-RELAYED',
        'DENIAL-ON-RECORD',
        'TAG-ORPHANED',
      ],
    );
    for (const r of RULES) assert.match(r.policy.url, /^https:\/\//, r.id);
  });

  describe('ANON-NO-DESCRIPTION', () => {
    it('triggers for a source described with no role or affiliation', () => {
      const f = new Fixture();
      const a = f.anonymous('one of three sources cited by Reuters');
      const s = f.statement(a);
      const out = run(anonNoDescription, f.build());
      assert.equal(out.length, 1);
      assert.deepEqual(out[0].records, [
        { type: 'actor', id: a },
        { type: 'statement', id: s },
      ]);
      assert.equal(out[0].evidence.reason, 'no-role-or-affiliation');
      assert.match(out[0].message, /no role or affiliation/);
    });
    it('does not trigger for a role, an affiliation, or a named actor', () => {
      const f = new Fixture();
      f.anonymous('a senior security official');
      f.anonymous('a second source', { affiliation: 'Iranian authorities' });
      f.actor({ description: 'one said' });
      assert.deepEqual(run(anonNoDescription, f.build()), []);
    });
  });

  describe('ANON-NO-REASON', () => {
    it('triggers when no reason for anonymity is recorded', () => {
      const f = new Fixture();
      const a = f.anonymous('a senior security official', { anonymityReason: '  ' });
      assert.equal(concerning(run(anonNoReason, f.build()), 'actor', a).length, 1);
    });
    it('does not trigger when a reason is recorded', () => {
      const f = new Fixture();
      f.anonymous('a senior security official', { anonymityReason: 'feared dismissal for speaking about an intelligence exchange' });
      assert.deepEqual(run(anonNoReason, f.build()), []);
    });
  });

  describe('ANON-BOILERPLATE-REASON', () => {
    it('triggers for rote formulas', () => {
      for (const reason of [
        'requested anonymity',
        'who also requested anonymity',
        'was not authorized to speak publicly',
        'because of the sensitivity of the issue',
        'spoke on condition of anonymity',
      ]) {
        const f = new Fixture();
        const a = f.anonymous('a diplomat', { anonymityReason: reason });
        const out = run(anonBoilerplateReason, f.build());
        assert.equal(out.length, 1, reason);
        assert.equal(out[0].records[0].id, a);
        assert.equal(out[0].severity, 'info');
      }
    });
    it('does not trigger for an informative reason, or when there is no reason at all', () => {
      assert.equal(boilerplateIn('requested anonymity because the militia that controls his town has threatened informants'), null);
      const f = new Fixture();
      f.anonymous('a diplomat', { anonymityReason: 'out of fear of retaliation from the interior ministry' });
      f.anonymous('a diplomat');
      assert.deepEqual(run(anonBoilerplateReason, f.build()), []);
    });
  });

  describe('ANON-NOT-ATTESTED', () => {
    it('triggers when no editor attests knowing the identity, as an error', () => {
      const f = new Fixture();
      const a = f.anonymous('a diplomat');
      const out = run(anonNotAttested, f.build());
      assert.equal(out.length, 1);
      assert.equal(out[0].severity, 'error');
      assert.deepEqual(out[0].evidence, { actorId: a, attested: false });
    });
    it('does not trigger when an attestation exists', () => {
      const f = new Fixture();
      f.anonymous('a diplomat', { attested: true });
      assert.deepEqual(run(anonNotAttested, f.build()), []);
    });
    it('judges an outlet on its own first-hand sources, not on those of an outlet it relays', () => {
      const { f, source, own } = relayedStory();
      const paper = documentScope(f.build(), DOC + 1);
      assert.deepEqual(
        run(anonNotAttested, paper).map((x) => x.records[0].id),
        [own],
      );
      const agency = documentScope(f.build(), DOC);
      assert.deepEqual(
        run(anonNotAttested, agency).map((x) => x.records[0].id),
        [source],
      );
    });
  });

  describe('ANON-RELAYED', () => {
    it('triggers (info) when an outlet relies on an anonymous source another outlet had first-hand', () => {
      const { f, source, agency, paper, relayed, statement } = relayedStory();
      for (const data of [f.build(), documentScope(f.build(), DOC + 1)]) {
        const out = run(anonRelayed, data);
        assert.equal(out.length, 1);
        assert.equal(out[0].severity, 'info');
        assert.deepEqual(out[0].records, [
          { type: 'actor', id: source },
          { type: 'statement', id: statement },
          { type: 'relay', id: relayed },
        ]);
        assert.deepEqual([out[0].evidence.reliedOnBy, out[0].evidence.firstHandTo], [[paper], [agency]]);
        assert.match(
          out[0].message,
          new RegExp(`Person ${paper} relies on anonymous source “a ministry official”, whom Person ${agency} had first-hand`),
        );
      }
    });
    it('does not trigger for an outlet’s own sources, nor in the audit of the outlet that had them', () => {
      const { f } = relayedStory();
      assert.deepEqual(run(anonRelayed, documentScope(f.build(), DOC)), []);
      const g = new Fixture();
      const outlet = g.actor({ kind: 'outlet' });
      const s = g.statement(g.anonymous('an aide'));
      // Word passed on by a person with no document still makes the outlet the one that had the source.
      g.hop(s, outlet, { documentId: DOC, viaRelayId: g.hop(s, g.anonymous('a go-between')) });
      assert.deepEqual(run(anonRelayed, g.build()), []);
    });
  });

  describe('ANON-OPINION', () => {
    it('triggers for opinion (warning) and attack (error) from an anonymous speaker', () => {
      const f = new Fixture();
      const a = f.anonymous('a party official');
      const opinion = f.statement(a, { kind: 'opinion' });
      const attack = f.statement(a, { kind: 'attack' });
      const out = run(anonOpinion, f.build());
      assert.equal(concerning(out, 'statement', opinion)[0].severity, 'warning');
      assert.equal(concerning(out, 'statement', attack)[0].severity, 'error');
    });
    it('does not trigger for anonymous information or a named opinion', () => {
      const f = new Fixture();
      f.statement(f.anonymous('a party official'), { kind: 'assertion' });
      f.statement(f.actor(), { kind: 'attack' });
      assert.deepEqual(run(anonOpinion, f.build()), []);
    });
  });

  describe('ANON-SOLE-SUPPORT', () => {
    it('triggers when every supporter is unnamed: error for one source, warning for several', () => {
      const f = new Fixture();
      const one = f.anonymous('a diplomat');
      const single = f.claim('single', [
        [f.statement(one), 'supports'],
        [f.statement(one), 'supports'],
      ]);
      const several = f.claim('several', [
        [f.statement(f.anonymous('an aide')), 'supports'],
        [f.statement(f.actor({ identityStatus: 'unidentified', description: 'a detainee' })), 'supports'],
      ]);
      const out = run(anonSoleSupport, f.build());
      assert.equal(concerning(out, 'claim', single)[0].severity, 'error');
      assert.equal(concerning(out, 'claim', several)[0].severity, 'warning');
    });
    it('does not trigger with a named supporter, or when the unnamed only dispute it', () => {
      const f = new Fixture();
      f.claim('mixed', [
        [f.statement(f.anonymous('a diplomat')), 'supports'],
        [f.statement(f.actor()), 'supports'],
      ]);
      f.claim('disputed', [[f.statement(f.anonymous('a diplomat')), 'disputes']]);
      assert.deepEqual(run(anonSoleSupport, f.build()), []);
    });
  });

  describe('QUOTE-ALTERED', () => {
    const said = 'We will close the port next spring, whatever it costs.';
    it('triggers for a quote whose tag went fuzzy, showing both texts', () => {
      const f = new Fixture();
      const s = f.statement(f.actor(), { text: said });
      const h = f.hop(s, f.actor({ kind: 'outlet' }), { documentId: DOC });
      const printed = 'We will close the harbour next spring, whatever it costs.';
      f.tag(DOC, s, { relayId: h, status: 'fuzzy', exact: printed, quote: said, score: 0.9 });
      const out = run(quoteAltered, f.build());
      assert.equal(out.length, 1);
      assert.deepEqual(
        [out[0].records[0], out[0].evidence.reason, out[0].evidence.recorded, out[0].evidence.printed],
        [{ type: 'relay', id: h }, 'tag-fuzzy', said, printed],
      );
      assert.match(out[0].message, /prints “We will close the harbour/);
    });
    it('triggers for a verbatim hop whose document body lacks the words, finding what it prints instead', () => {
      const f = new Fixture();
      const s = f.statement(f.actor(), { text: said });
      const h = f.hop(s, f.actor({ kind: 'outlet' }), { documentId: DOC, mode: 'verbatim' });
      f.verbatimMisses.push({
        hopId: h,
        documentId: DOC,
        body: 'The minister said: “We will shut the port next spring, whatever it costs,” and left.',
      });
      const [out] = run(quoteAltered, f.build());
      assert.equal(out.evidence.reason, 'not-in-body');
      assert.equal(out.evidence.printed, 'We will shut the port next spring, whatever it costs');
    });
    it('does not trigger when only typography differs, for an anchored tag, or for a paraphrase', () => {
      const f = new Fixture();
      const s = f.statement(f.actor(), { text: "We won't close the port -- ever." });
      const h = f.hop(s, f.actor({ kind: 'outlet' }), { documentId: DOC });
      f.verbatimMisses.push({ hopId: h, documentId: DOC, body: 'She said: “We WON’T close  the port -- ever,” twice.' });
      const p = f.statement(f.actor(), { text: said, textForm: 'paraphrase' });
      const ph = f.hop(p, f.actor({ kind: 'outlet' }), { documentId: DOC + 1, mode: 'paraphrase' });
      f.tag(DOC + 1, p, { relayId: ph, status: 'fuzzy' });
      const q = f.statement(f.actor(), { text: said });
      f.tag(DOC + 2, q, { relayId: f.hop(q, f.actor({ kind: 'outlet' }), { documentId: DOC + 2 }), status: 'anchored' });
      assert.deepEqual(run(quoteAltered, f.build()), []);
    });
  });

  describe('CUE-HEDGE-MISMATCH', () => {
    it('triggers for an attributing cue stated as fact, and for an attributing hedge with no cue', () => {
      const f = new Fixture();
      const paper = f.actor({ kind: 'outlet' });
      const asFact = f.hop(f.statement(f.actor()), paper, { cue: 'the Associated Press reported', hedge: 'stated_as_fact' });
      const according = f.hop(f.statement(f.actor()), paper, { cue: 'according to the ministry', hedge: 'stated_as_fact' });
      const bare = f.hop(f.statement(f.actor()), paper, { cue: null, hedge: 'claimed' });
      const out = run(cueHedgeMismatch, f.build());
      assert.deepEqual(
        out.map((x) => [x.records[0].id, x.evidence.reason, x.evidence.attributingWord]),
        [
          [asFact, 'attributing-cue-stated-as-fact', 'reported'],
          [according, 'attributing-cue-stated-as-fact', 'according to'],
          [bare, 'hedge-without-cue', null],
        ],
      );
      assert.ok(out.every((x) => x.severity === 'warning'));
    });
    it('does not trigger when cue and hedge agree', () => {
      const f = new Fixture();
      const paper = f.actor({ kind: 'outlet' });
      f.hop(f.statement(f.actor()), paper, { cue: 'Reuters reported', hedge: 'reported' });
      f.hop(f.statement(f.actor()), paper, { cue: 'The US has also attributed the attack to Isis', hedge: 'stated_as_fact' });
      f.hop(f.statement(f.actor()), paper, { cue: null, hedge: 'stated_as_fact' });
      assert.deepEqual(run(cueHedgeMismatch, f.build()), []);
      assert.equal(attributingWord('the paper saidthat'), null);
    });
  });

  describe('DENIAL-ON-RECORD', () => {
    it('triggers (info) for a claim supported only by unnamed sources and denied by a named speaker', () => {
      const f = new Fixture();
      const support = [
        f.statement(f.anonymous('an official')),
        f.statement(f.actor({ identityStatus: 'unidentified', description: 'a caller' })),
      ];
      const denial = f.statement(f.actor({ name: 'Ana Silva' }), { kind: 'denial', text: 'There is no such plan.' });
      const claim = f.claim('The ministry plans to close the port', [
        ...support.map((s) => [s, 'supports'] as [number, string]),
        [denial, 'denies'],
      ]);
      const out = run(denialOnRecord, f.build());
      assert.equal(out.length, 1);
      assert.equal(out[0].severity, 'info');
      assert.deepEqual(out[0].records.slice(0, 2), [
        { type: 'claim', id: claim },
        { type: 'statement', id: denial },
      ]);
      assert.match(out[0].message, /denied on the record by Ana Silva: “There is no such plan\.”/);
    });
    it('does not trigger with named support, an anonymous denial, a refusal to comment or a dispute', () => {
      const f = new Fixture();
      const named = f.actor({ name: 'Ana Silva' });
      const anon = () => f.statement(f.anonymous('an official'));
      f.claim('named support', [
        [anon(), 'supports'],
        [f.statement(f.actor()), 'supports'],
        [f.statement(named), 'denies'],
      ]);
      f.claim('anonymous denial', [
        [anon(), 'supports'],
        [anon(), 'denies'],
      ]);
      f.claim('no comment', [
        [anon(), 'supports'],
        [f.statement(named), 'declines_to_comment'],
      ]);
      f.claim('disputed', [
        [anon(), 'supports'],
        [f.statement(named), 'disputes'],
      ]);
      f.claim('no support', [[f.statement(named), 'denies']]);
      assert.deepEqual(run(denialOnRecord, f.build()), []);
    });
  });

  describe('PLURAL-COUNT', () => {
    it('reads plural cues, and not "one of three sources"', () => {
      assert.deepEqual(pluralCount('three sources said'), { count: 3, phrase: 'three sources' });
      assert.equal(pluralCount('officials said')?.count, 2);
      assert.equal(pluralCount('one of three sources said'), null);
      assert.equal(pluralCount('a source said'), null);
    });
    it('triggers when a plural cue has fewer unnamed sources behind it in that document', () => {
      const f = new Fixture();
      const outlet = f.actor({ kind: 'outlet' });
      const s = f.statement(f.anonymous('a senior official'));
      const h = f.hop(s, outlet, { documentId: DOC, cue: 'officials said' });
      const out = run(pluralCountRule, f.build());
      assert.equal(out.length, 1);
      assert.equal(out[0].records[0].id, h);
      assert.equal(out[0].evidence.claimedCount, 2);
      assert.equal(out[0].evidence.recordedCount, 1);
    });
    it('does not trigger when enough sources are recorded, or for named speakers', () => {
      const f = new Fixture();
      const outlet = f.actor({ kind: 'outlet' });
      f.hop(f.statement(f.anonymous('a diplomat')), outlet, { documentId: DOC, cue: 'three sources said' });
      f.hop(f.statement(f.anonymous('an aide')), outlet, { documentId: DOC, cue: 'a second source said' });
      f.hop(f.statement(f.anonymous('an officer')), outlet, { documentId: DOC, cue: 'a third said' });
      f.hop(f.statement(f.actor()), outlet, { documentId: DOC + 1, cue: 'Putin and his advisers have claimed' });
      assert.deepEqual(run(pluralCountRule, f.build()), []);
    });
  });

  describe('INDEPENDENT-ROUTES', () => {
    it('triggers when supporting statements share an upstream hop: speakers vs routes, and which collapse', () => {
      const f = new Fixture();
      const agency = f.actor({ kind: 'outlet' });
      const paper = f.actor({ kind: 'outlet' });
      const ids = [1, 2, 3].map((n) => {
        const s = f.statement(f.anonymous(`source ${n}`));
        f.hop(s, paper, { viaRelayId: f.hop(s, agency, { documentId: DOC }), documentId: DOC + 1 });
        return s;
      });
      const alone = f.statement(f.actor());
      f.hop(alone, paper, { documentId: DOC + 1 });
      const claim = f.claim('Iran warned Russia', [...ids.map((s) => [s, 'supports'] as [number, string]), [alone, 'supports']]);
      const out = run(independentRoutes, f.build());
      assert.equal(out.length, 1);
      assert.equal(out[0].records[0].id, claim);
      assert.equal(out[0].evidence.speakers, 4);
      assert.equal(out[0].evidence.independentRoutes, 2);
      const routes = out[0].evidence.routes as Array<{ statementIds: number[]; sharedUpstream: Array<{ type: string; id: number }> }>;
      assert.deepEqual(
        routes.map((r) => r.statementIds),
        [ids, [alone]],
      );
      assert.deepEqual(
        routes[0].sharedUpstream.map((u) => [u.type, u.id]),
        [['document', DOC]],
      );
    });
    it('collapses statements passed on by the same person with no document', () => {
      const f = new Fixture();
      const go = f.anonymous('a go-between');
      const paper = f.actor({ kind: 'outlet' });
      const a = f.statement(f.actor());
      const b = f.statement(f.actor());
      for (const s of [a, b]) f.hop(s, paper, { viaRelayId: f.hop(s, go), documentId: DOC });
      const out = run(
        independentRoutes,
        (f.claim('x', [
          [a, 'supports'],
          [b, 'supports'],
        ]),
        f.build()),
      );
      assert.deepEqual(
        (out[0].evidence.routes as Array<{ sharedUpstream: AuditRecordRef[] }>)[0].sharedUpstream.map((u) => [u.type, u.id]),
        [['actor', go]],
      );
    });
    it('collapses statements first-hand in the same document, and those of one speaker, saying why', () => {
      const f = new Fixture();
      const agency = f.actor({ kind: 'outlet' });
      const official = f.anonymous('an official');
      const [a, b] = [f.statement(official), f.statement(official)];
      const c = f.statement(f.anonymous('a second official'));
      for (const s of [a, b, c]) f.hop(s, agency, { documentId: DOC });
      const other = f.statement(official);
      f.hop(other, f.actor({ kind: 'outlet' }), { documentId: DOC + 1 });
      f.claim(
        'x',
        [a, b, c, other].map((s) => [s, 'supports'] as [number, string]),
      );
      const [out] = run(independentRoutes, f.build());
      assert.equal(out.evidence.independentRoutes, 1);
      const [route] = out.evidence.routes as Array<{ grouping: Array<{ reason: string; on: { id: number }; statementIds: number[] }> }>;
      assert.deepEqual(
        route.grouping.map((g) => [g.reason, g.on.id, g.statementIds]),
        [
          ['sameDocument', DOC, [a, b, c]],
          ['sameSpeaker', official, [a, b, other]],
        ],
      );
    });
    it('does not trigger when statements only share the last document, relayed from different places', () => {
      const f = new Fixture();
      const paper = f.actor({ kind: 'outlet' });
      const a = f.statement(f.actor());
      const b = f.statement(f.actor());
      f.hop(a, paper, { documentId: DOC, viaRelayId: f.hop(a, f.actor({ kind: 'outlet' }), { documentId: DOC + 1 }) });
      f.hop(b, paper, { documentId: DOC, viaRelayId: f.hop(b, f.actor({ kind: 'outlet' }), { documentId: DOC + 2 }) });
      f.claim('x', [
        [a, 'supports'],
        [b, 'supports'],
      ]);
      assert.deepEqual(run(independentRoutes, f.build()), []);
    });
  });

  describe('RELAY-UNATTRIBUTED', () => {
    it('triggers for a hop with no cue and for a second-hand hop with no earlier hop', () => {
      const f = new Fixture();
      const paper = f.actor({ kind: 'outlet' });
      const noCue = f.hop(f.statement(f.actor()), paper, { cue: null });
      const unknownSource = f.hop(f.statement(f.actor()), paper, { firstHand: false, cue: 'The US has said' });
      const out = run(relayUnattributed, f.build());
      assert.deepEqual(concerning(out, 'relay', noCue)[0].evidence.reasons, ['no-cue']);
      assert.deepEqual(concerning(out, 'relay', unknownSource)[0].evidence.reasons, ['earlier-hop-unknown']);
    });
    it('does not trigger for a first-hand hop or a later hop with a cue', () => {
      const f = new Fixture();
      const s = f.statement(f.actor());
      f.hop(s, f.actor({ kind: 'outlet' }), {
        viaRelayId: f.hop(s, f.actor({ kind: 'outlet' }), { cue: 'three sources said' }),
        cue: 'Reuters reported',
      });
      assert.deepEqual(run(relayUnattributed, f.build()), []);
    });
  });

  describe('RELAY-HEDGE-DROPPED', () => {
    it('triggers when a hop weakens the hedge (warning) or states as fact (error)', () => {
      const f = new Fixture();
      const s = f.statement(f.actor());
      const first = f.hop(s, f.actor(), { hedge: 'alleged' });
      const weaker = f.hop(s, f.actor(), { viaRelayId: first, hedge: 'said' });
      const t = f.statement(f.actor());
      const fact = f.hop(t, f.actor(), { viaRelayId: f.hop(t, f.actor(), { hedge: 'claimed' }), hedge: 'stated_as_fact' });
      const out = run(relayHedgeDropped, f.build());
      assert.equal(concerning(out, 'relay', weaker)[0].severity, 'warning');
      assert.equal(concerning(out, 'relay', fact)[0].severity, 'error');
      assert.equal(concerning(out, 'relay', fact)[0].evidence.previousHedge, 'claimed');
    });
    it('does not trigger when the hedge is kept or strengthened', () => {
      const f = new Fixture();
      const s = f.statement(f.actor());
      const a = f.hop(s, f.actor(), { hedge: 'said' });
      f.hop(s, f.actor(), { viaRelayId: f.hop(s, f.actor(), { viaRelayId: a, hedge: 'said' }), hedge: 'claimed' });
      assert.deepEqual(run(relayHedgeDropped, f.build()), []);
    });
  });

  describe('CHAIN-NO-PRIMARY', () => {
    it('triggers when the first hop is not first-hand, and when there is no hop at all', () => {
      const f = new Fixture();
      const secondHand = f.statement(f.actor());
      const root = f.hop(secondHand, f.actor(), { firstHand: false });
      const none = f.statement(f.actor());
      const out = run(chainNoPrimary, f.build());
      assert.deepEqual(concerning(out, 'statement', secondHand)[0].evidence.chainsWithoutPrimary, [root]);
      assert.equal(concerning(out, 'statement', none)[0].evidence.hops, 0);
    });
    it('does not trigger when the chain starts first-hand', () => {
      const f = new Fixture();
      const s = f.statement(f.actor());
      f.hop(s, f.actor(), { viaRelayId: f.hop(s, f.actor(), { firstHand: true }) });
      assert.deepEqual(run(chainNoPrimary, f.build()), []);
    });
  });

  describe('CONTEXT-CUSTODY', () => {
    it('triggers for a statement made in custody or under interrogation', () => {
      const f = new Fixture();
      const a = f.statement(f.actor({ identityStatus: 'unidentified', description: 'a detained man' }), { circumstances: ['in_custody'] });
      const b = f.statement(f.actor(), { circumstances: ['under_interrogation'] });
      const out = run(contextCustody, f.build());
      assert.deepEqual(
        out.map((x) => x.records[0].id),
        [a, b],
      );
    });
    it('does not trigger for other circumstances', () => {
      const f = new Fixture();
      f.statement(f.actor(), { circumstances: ['own_channel'] });
      f.statement(f.actor());
      assert.deepEqual(run(contextCustody, f.build()), []);
    });
  });

  describe('CONTEXT-OWN-CHANNEL', () => {
    it('triggers for the own_channel circumstance and for a publisher that acts for the speaker', () => {
      const f = new Fixture();
      const group = f.actor({ kind: 'group' });
      const agency = f.actor({ kind: 'outlet', actsForId: group });
      const flagged = f.statement(group, { circumstances: ['own_channel'] });
      const inferred = f.statement(group, { mediumPublisherId: agency });
      const out = run(contextOwnChannel, f.build());
      assert.deepEqual(concerning(out, 'statement', flagged)[0].evidence.reasons, ['own_channel']);
      assert.deepEqual(concerning(out, 'statement', inferred)[0].evidence.reasons, ['publisher-acts-for-speaker']);
    });
    it('does not trigger for a statement published by someone else', () => {
      const f = new Fixture();
      const state = f.actor({ kind: 'state' });
      const fsb = f.actor({ kind: 'organisation', actsForId: state });
      f.statement(f.actor({ identityStatus: 'unidentified', description: 'a detained man' }), {
        mediumPublisherId: fsb,
        circumstances: ['in_custody'],
      });
      assert.deepEqual(run(contextOwnChannel, f.build()), []);
    });
  });

  describe('TAG-ORPHANED', () => {
    it('triggers for a tag that lost its anchor', () => {
      const f = new Fixture();
      const s = f.statement(f.actor());
      const tag = f.tag(DOC, s, { status: 'orphaned', start: null, end: null });
      const out = run(tagOrphaned, f.build());
      assert.equal(out.length, 1);
      assert.deepEqual(out[0].records.slice(0, 2), [
        { type: 'tag', id: tag },
        { type: 'document', id: DOC },
      ]);
      assert.deepEqual(out[0].spans, [{ documentId: DOC, tagId: tag, start: null, end: null, exact: 'some words' }]);
    });
    it('does not trigger for anchored tags', () => {
      const f = new Fixture();
      f.tag(DOC, f.statement(f.actor()), { status: 'anchored' });
      assert.deepEqual(run(tagOrphaned, f.build()), []);
    });
  });

  describe('findings', () => {
    it('carry the text spans of the statements they concern', () => {
      const f = new Fixture();
      const s = f.statement(f.actor(), { circumstances: ['in_custody'] });
      const tag = f.tag(DOC, s, { start: 5, end: 15, exact: 'I took them' });
      const [finding] = run(contextCustody, f.build());
      assert.deepEqual(finding.spans, [{ documentId: DOC, tagId: tag, start: 5, end: 15, exact: 'I took them' }]);
      assert.equal(finding.id, `CONTEXT-CUSTODY:statement/${s}`);
      assert.equal(finding.policy.name, contextCustody.policy.name);
    });
    it('judge only what is in scope', () => {
      const f = new Fixture();
      f.statement(f.actor(), { circumstances: ['in_custody'] });
      const data = f.build();
      data.inScope.statements = [];
      assert.deepEqual(run(contextCustody, data), []);
    });
  });
});
