import type { Response } from 'express';
import { route, type RouteDef } from '../http/route.js';
import { streamJson, wantsFile } from '../http/stream.js';
import type { AuditReport, AuditService } from './audit-service.js';

/** Serves a report; as a file to keep when asked with ?download=1. */
function send(res: Response, query: { download?: string }, report: AuditReport): AuditReport {
  if (wantsFile(query)) res.attachment(reportFileName(report.scope.type, report.scope.id, report.generatedAt));
  return report;
}

export function reportFileName(type: string, id: number | null, at: string): string {
  return `whosaid-audit-${type}${id === null ? '' : '-' + id}-${at.replace(/[-:]/g, '').slice(0, 15)}Z.json`;
}

export function auditRoutes(service: AuditService): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/v1/audits',
      tag: 'audits',
      summary: 'Audit everything; streamed, with the digest last',
      query: 'audit-query',
      status: 200,
      response: 'audit-report',
      handler: ({ query, res }) => {
        if (wantsFile(query)) res.attachment(reportFileName('all', null, new Date().toISOString()));
        return streamJson(res, (sink) => service.streamAll(sink));
      },
    }),
    route({
      method: 'get',
      path: '/v1/audits/documents/:id',
      tag: 'audits',
      summary: 'Audit a document: its statements, the chains that brought them, its claims and tags',
      params: 'id-params',
      query: 'audit-query',
      status: 200,
      response: 'audit-report',
      handler: async ({ params, query, res }) => send(res, query, await service.documentReport(params.id)),
    }),
    route({
      method: 'get',
      path: '/v1/audits/claims/:id',
      tag: 'audits',
      summary: 'Audit a claim: its statements, their chains and its independent routes',
      params: 'id-params',
      query: 'audit-query',
      status: 200,
      response: 'audit-report',
      handler: async ({ params, query, res }) => send(res, query, await service.claimReport(params.id)),
    }),
    route({
      method: 'get',
      path: '/v1/audits/actors/:id',
      tag: 'audits',
      summary: 'Audit an actor: the actor, what it said and what it passed on',
      params: 'id-params',
      query: 'audit-query',
      status: 200,
      response: 'audit-report',
      handler: async ({ params, query, res }) => send(res, query, await service.actorReport(params.id)),
    }),
    route({
      method: 'post',
      path: '/v1/audits/verify',
      tag: 'audits',
      summary: 'Tell whether a saved audit report is intact (its digest matches its content)',
      body: 'audit-verify-request',
      access: 'read',
      status: 200,
      response: 'audit-verification',
      handler: ({ body }) => service.verify({ ...body }),
    }),
  ];
}
