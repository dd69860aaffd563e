import assert from 'node:assert/strict';
import { independenceOf } from '../src/audits/independence.js';
import { Fixture } from './helpers/audit-fixture.js';

const AGENCY_STORY = 900;
const PAPER_STORY = 901;
const BROADCAST = 902;

/** The story: a wire agency, two anonymous officials, a paper and a broadcaster relaying it, a named denial. */
function wireStory() {
  const f = new Fixture();
  const agency = f.actor({ kind: 'outlet', name: 'Agency' });
  const paper = f.actor({ kind: 'outlet', name: 'Paper' });
  const broadcaster = f.actor({ kind: 'outlet', name: 'Broadcaster' });
  const first = f.anonymous('a ministry official');
  const second = f.anonymous('a second ministry official');
  const own = f.anonymous('a regional official');
  const spokeswoman = f.actor({ name: 'Ministry spokeswoman' });
  const wire = [first, first, second, second].map((speaker) => {
    const s = f.statement(speaker);
    const atAgency = f.hop(s, agency, { documentId: AGENCY_STORY, cue: 'officials said' });
    f.hop(s, paper, { viaRelayId: atAgency, documentId: PAPER_STORY, cue: 'the agency reported' });
    f.hop(s, broadcaster, { viaRelayId: atAgency, documentId: BROADCAST, cue: 'the agency reported' });
    return s;
  });
  const ownStatement = f.statement(own);
  f.hop(ownStatement, paper, { documentId: PAPER_STORY });
  const denial = f.statement(spokeswoman, { kind: 'denial' });
  f.hop(denial, paper, { documentId: PAPER_STORY });
  const claim = f.claim('The ministry plans to close the port', [
    ...[...wire, ownStatement].map((s) => [s, 'supports'] as [number, string]),
    [denial, 'denies'],
  ]);
  return { f, claim, wire, ownStatement, denial, first, second, own, spokeswoman };
}

describe('audit independence', () => {
  describe('support', () => {
    it('counts a one-source, two-statement wire story as 1 route and 1 speaker', () => {
      const f = new Fixture();
      const agency = f.actor({ kind: 'outlet' });
      const source = f.anonymous('a diplomat');
      const [a, b] = [f.statement(source), f.statement(source)];
      for (const s of [a, b]) f.hop(s, agency, { documentId: AGENCY_STORY });
      const claim = f.claim('x', [
        [a, 'supports'],
        [b, 'supports'],
      ]);
      const ind = independenceOf(f.build(), claim);
      assert.deepEqual([ind.supportingStatements, ind.speakers, ind.independentRoutes], [2, 1, 1]);
      assert.deepEqual(
        ind.routes[0].grouping.map((g) => g.reason),
        ['sameDocument', 'sameSpeaker'],
      );
    });

    it('counts four agency statements from two officials, plus the paper’s own source, as 2 routes and 3 speakers', () => {
      const { f, claim, wire, ownStatement, first, second, own } = wireStory();
      const ind = independenceOf(f.build(), claim);
      assert.deepEqual([ind.supportingStatements, ind.speakers, ind.independentRoutes], [5, 3, 2]);
      assert.deepEqual(ind.speakersByIdentityStatus, { named: 0, anonymous: 3, unidentified: 0 });
      const [agencyRoute, paperRoute] = ind.routes;
      assert.deepEqual(agencyRoute.statementIds, wire);
      assert.deepEqual(agencyRoute.speakerIds, [first, second]);
      assert.deepEqual(
        agencyRoute.grouping.map((g) => [g.reason, g.on.type, g.on.id, g.statementIds]),
        [
          ['sharedHop', 'document', AGENCY_STORY, wire],
          ['sameDocument', 'document', AGENCY_STORY, wire],
          ['sameSpeaker', 'actor', first, wire.slice(0, 2)],
          ['sameSpeaker', 'actor', second, wire.slice(2)],
        ],
      );
      assert.deepEqual(
        agencyRoute.statements.map((s) => [s.statementId, s.speakerId, s.identityStatus, s.stance]),
        wire.map((s, i) => [s, i < 2 ? first : second, 'anonymous', 'supports']),
      );
      assert.deepEqual(paperRoute.statementIds, [ownStatement]);
      assert.deepEqual(paperRoute.speakerIds, [own]);
      assert.deepEqual(paperRoute.grouping, []);
    });

    it('keeps statements apart that only meet in the last document as relayed material', () => {
      const f = new Fixture();
      const paper = f.actor({ kind: 'outlet' });
      const [a, b] = [f.statement(f.actor()), f.statement(f.actor())];
      f.hop(a, paper, { documentId: PAPER_STORY, viaRelayId: f.hop(a, f.actor({ kind: 'outlet' }), { documentId: AGENCY_STORY }) });
      f.hop(b, paper, { documentId: PAPER_STORY, viaRelayId: f.hop(b, f.actor({ kind: 'outlet' }), { documentId: BROADCAST }) });
      const claim = f.claim('x', [
        [a, 'supports'],
        [b, 'supports'],
      ]);
      assert.equal(independenceOf(f.build(), claim).independentRoutes, 2);
    });
  });

  describe('opposition', () => {
    it('lists denials, disputes and refusals to comment with speakers, identity status and routes', () => {
      const { f, claim, denial, spokeswoman } = wireStory();
      const critic = f.anonymous('a port worker');
      const dispute = f.statement(critic);
      f.hop(dispute, f.actor({ kind: 'outlet' }), { documentId: BROADCAST + 1 });
      const silent = f.statement(f.actor({ name: 'The minister' }), { kind: 'no_comment' });
      f.hop(silent, f.actor({ kind: 'outlet' }), { documentId: BROADCAST + 2 });
      const c = f.claims.get(claim)!;
      c.links.push({ statementId: dispute, stance: 'disputes' }, { statementId: silent, stance: 'declines_to_comment' });
      const ind = independenceOf(f.build(), claim);
      assert.equal(ind.supportingStatements, 5, 'opposing statements are not support');
      assert.deepEqual(
        { statements: ind.opposition.statements, speakers: ind.opposition.speakers, routes: ind.opposition.independentRoutes },
        { statements: 3, speakers: 3, routes: 3 },
      );
      assert.deepEqual(ind.opposition.byStance, { disputes: 1, denies: 1, declines_to_comment: 1 });
      assert.deepEqual(ind.opposition.speakersByIdentityStatus, { named: 2, anonymous: 1, unidentified: 0 });
      const statements = ind.opposition.routes.flatMap((r) => r.statements);
      assert.deepEqual(
        statements.map((s) => [s.statementId, s.stance, s.speakerId, s.speaker, s.identityStatus]),
        [
          [denial, 'denies', spokeswoman, 'Ministry spokeswoman', 'named'],
          [dispute, 'disputes', critic, 'anonymous source “a port worker”', 'anonymous'],
          [silent, 'declines_to_comment', f.statements.get(silent)!.speakerId, 'The minister', 'named'],
        ],
      );
    });

    it('is empty for a claim nobody opposes', () => {
      const f = new Fixture();
      const claim = f.claim('x', [[f.statement(f.actor()), 'supports']]);
      const ind = independenceOf(f.build(), claim);
      assert.deepEqual(ind.opposition, {
        statements: 0,
        speakers: 0,
        independentRoutes: 0,
        byStance: { disputes: 0, denies: 0, declines_to_comment: 0 },
        speakersByIdentityStatus: { named: 0, anonymous: 0, unidentified: 0 },
        routes: [],
      });
    });
  });
});
