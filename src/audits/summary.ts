// The report summary, kept as running totals so the streamed report needs no more memory for a million
// statements than for ten.
import type { AuditClaimIndependence, AuditSummary, SeverityCounts } from '../generated/schema-types.js';
import type { AuditData, AuditRuleId, Finding, Severity } from './types.js';

const STATUSES = ['named', 'anonymous', 'unidentified'] as const;
const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

export type Summary = AuditSummary;

const share = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 10000) / 10000);

export class SummaryBuilder {
  private statements = 0;
  private readonly byStatus: Record<string, number> = { named: 0, anonymous: 0, unidentified: 0 };
  private firstHand = 0;
  private chains = 0;
  private depthSum = 0;
  private depthMax = 0;
  private claims = 0;
  private supported = 0;
  private speakers = 0;
  private routes = 0;
  private collapsed = 0;
  private opposed = 0;
  private opposing = 0;
  private opposingSpeakers = 0;
  private findings = 0;
  private readonly bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  private readonly byRule: Record<string, Required<SeverityCounts>> = {};

  constructor(ruleIds: readonly AuditRuleId[]) {
    for (const id of ruleIds) this.byRule[id] = { error: 0, warning: 0, info: 0, total: 0 };
  }

  /**
   * Counts the in-scope statements of one load: the speaker's identity status, whether any in-scope
   * chain starts first-hand, and the depth of every in-scope chain (a hop with no in-scope hop after it
   * ends a chain; its depth is the number of hops from the speaker).
   */
  addStatements(data: AuditData): void {
    const hasChild = new Set<number>();
    for (const id of data.inScope.hops) {
      const via = data.hops.get(id)?.viaRelayId;
      if (via != null && data.inScope.hops.has(via)) hasChild.add(via);
    }
    for (const id of data.inScope.statements) {
      const s = data.statements.get(id);
      if (!s) continue;
      this.statements++;
      const status = data.actors.get(s.speakerId)?.identityStatus ?? 'named';
      this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
      let first = false;
      for (const h of data.hopsByStatement.get(id) ?? []) {
        if (!data.inScope.hops.has(h.id)) continue;
        if (h.viaRelayId === null && h.firstHand) first = true;
        if (!hasChild.has(h.id)) {
          this.chains++;
          this.depthSum += h.depth;
          if (h.depth > this.depthMax) this.depthMax = h.depth;
        }
      }
      if (first) this.firstHand++;
    }
  }

  addClaim(c: AuditClaimIndependence): void {
    this.claims++;
    if (c.supportingStatements > 0) this.supported++;
    this.speakers += c.speakers;
    this.routes += c.independentRoutes;
    if (c.independentRoutes < c.supportingStatements) this.collapsed++;
    if (c.opposition.statements > 0) this.opposed++;
    this.opposing += c.opposition.statements;
    this.opposingSpeakers += c.opposition.speakers;
  }

  addFinding(f: Finding): void {
    this.findings++;
    this.bySeverity[f.severity]++;
    const r = (this.byRule[f.ruleId] ??= { error: 0, warning: 0, info: 0, total: 0 });
    r[f.severity]++;
    r.total++;
  }

  build(): Summary {
    const byIdentityStatus = Object.fromEntries(
      STATUSES.map((s) => [s, { count: this.byStatus[s] ?? 0, share: share(this.byStatus[s] ?? 0, this.statements) }]),
    ) as Summary['statements']['byIdentityStatus'];
    return {
      statements: {
        total: this.statements,
        byIdentityStatus,
        firstHand: { count: this.firstHand, share: share(this.firstHand, this.statements) },
      },
      chains: {
        count: this.chains,
        meanDepth: this.chains === 0 ? 0 : Math.round((this.depthSum / this.chains) * 10000) / 10000,
        maxDepth: this.depthMax,
      },
      claims: {
        total: this.claims,
        withSupport: this.supported,
        speakers: this.speakers,
        independentRoutes: this.routes,
        withCollapsedRoutes: this.collapsed,
        withOpposition: this.opposed,
        opposingStatements: this.opposing,
        opposingSpeakers: this.opposingSpeakers,
      },
      findings: { total: this.findings, bySeverity: { ...this.bySeverity }, byRule: structuredClone(this.byRule) },
    };
  }
}

export { SEVERITIES };
