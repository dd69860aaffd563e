import type { RouteDef, RouteContext } from '../http/route.js';
import type { AuditReport, AuditService } from './audit-service.js';
import { JsonSink } from './json-sink.js';

const wantsFile = (q: { download?: string }) => q.download === '1' || q.download === 'true';

/** Serves a report; as a file to keep when asked with ?download=1. */
function send(ctx: RouteContext, report: AuditReport): AuditReport {
  if (wantsFile(ctx.query)) ctx.res.attachment(reportFileName(report.scope.type, report.scope.id, report.generatedAt));
  return report;
}

export function reportFileName(type: string, id: number | null, at: string): string {
  return `whosaid-audit-${type}${id === null ? '' : '-' + id}-${at.replace(/[-:]/g, '').slice(0, 15)}Z.json`;
}

export function auditRoutes(service: AuditService): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/v1/audits',
      tag: 'audits',
      summary: 'Audit everything; streamed, with the digest last',
      query: 'audit-query',
      status: 200,
      response: 'audit-report',
      handler: async ({ query, res }) => {
        res.type('application/json');
        if (wantsFile(query)) res.attachment(reportFileName('all', null, new Date().toISOString()));
        try {
          await service.streamAll(new JsonSink(res));
        } catch (err) {
          // Past the first byte there is no status to change: cut the body so it cannot pass as whole.
          if (!res.headersSent) throw err;
          res.destroy(err as Error);
        }
      },
    },
    {
      method: 'get',
      path: '/v1/audits/documents/:id',
      tag: 'audits',
      summary: 'Audit a document: its statements, the chains that brought them, its claims and tags',
      params: 'id-params',
      query: 'audit-query',
      status: 200,
      response: 'audit-report',
      handler: (ctx) => send(ctx, service.documentReport(ctx.params.id)),
    },
    {
      method: 'get',
      path: '/v1/audits/claims/:id',
      tag: 'audits',
      summary: 'Audit a claim: its statements, their chains and its independent routes',
      params: 'id-params',
      query: 'audit-query',
      status: 200,
      response: 'audit-report',
      handler: (ctx) => send(ctx, service.claimReport(ctx.params.id)),
    },
    {
      method: 'get',
      path: '/v1/audits/actors/:id',
      tag: 'audits',
      summary: 'Audit an actor: the actor, what it said and what it passed on',
      params: 'id-params',
      query: 'audit-query',
      status: 200,
      response: 'audit-report',
      handler: (ctx) => send(ctx, service.actorReport(ctx.params.id)),
    },
    {
      method: 'post',
      path: '/v1/audits/verify',
      tag: 'audits',
      summary: 'Tell whether a saved audit report is intact (its digest matches its content)',
      body: 'audit-verify-request',
      access: 'read',
      status: 200,
      response: 'audit-verification',
      handler: ({ body }) => service.verify(body),
    },
  ];
}
