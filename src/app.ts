import express, { type Express } from 'express';
import { projectFile } from './shared/project-files.js';
import './http/request-viewer.js';
import type { Db } from './db/database.js';
import { accessOf, route, type RouteDef } from './http/route.js';
import { fallbackHandler, mountRoutes } from './http/mount.js';
import { errorHandler } from './http/error-handler.js';
import { requestLog } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { sequence } from './http/sequence.js';
import { describeError } from './logging/describe-error.js';
import { createLogger, type Logger } from './logging/logger.js';
import { HttpError } from './http/problem.js';
import { createSchemaRegistry, type SchemaRegistry } from './validation/ajv.js';
import { buildOpenApi } from './openapi/openapi.js';
import { ActorRepository } from './actors/actor-repository.js';
import { ActorService } from './actors/actor-service.js';
import { actorRoutes } from './actors/actor-routes.js';
import { StatementRepository } from './statements/statement-repository.js';
import { StatementService } from './statements/statement-service.js';
import { statementRoutes } from './statements/statement-routes.js';
import { RelayRepository } from './relays/relay-repository.js';
import { RelayService } from './relays/relay-service.js';
import { relayRoutes } from './relays/relay-routes.js';
import { DocumentRepository } from './documents/document-repository.js';
import { DocumentService } from './documents/document-service.js';
import { documentRoutes } from './documents/document-routes.js';
import { ClaimRepository } from './claims/claim-repository.js';
import { ClaimService } from './claims/claim-service.js';
import { claimRoutes } from './claims/claim-routes.js';
import { ProvenanceRepository } from './provenance/provenance-repository.js';
import { ProvenanceService } from './provenance/provenance-service.js';
import { provenanceRoutes } from './provenance/provenance-routes.js';
import { KeyRepository } from './access/key-repository.js';
import { KeyService } from './access/key-service.js';
import { keyRoutes } from './access/key-routes.js';
import { authorize, identify } from './access/authenticate.js';
import { RateLimiter } from './access/rate-limit.js';
import { ChangeRepository } from './changes/change-repository.js';
import { ChangeService } from './changes/change-service.js';
import { changeRoutes } from './changes/change-routes.js';
import { LogSigner } from './log/checkpoint.js';
import { LogRepository } from './log/log-repository.js';
import { LogService } from './log/log-service.js';
import { logRoutes } from './log/log-routes.js';
import { cors } from './http/cors.js';
import { BundleRepository } from './bundles/bundle-repository.js';
import { BundleService } from './bundles/bundle-service.js';
import { bundleRoutes } from './bundles/bundle-routes.js';
import { AuditRepository } from './audits/audit-repository.js';
import { AuditService } from './audits/audit-service.js';
import { auditRoutes } from './audits/audit-routes.js';
import { ExportService } from './exports/export-service.js';
import { exportRoutes } from './exports/export-routes.js';
import { TagRepository } from './tags/tag-repository.js';
import { TagService } from './tags/tag-service.js';
import { tagRoutes } from './tags/tag-routes.js';
import { searchIndexRepository } from './search/search-index-repository.js';
import { SearchIndexService } from './search/search-index-service.js';
import { SearchIndexTidier } from './search/search-index-tidier.js';
import { searchRepository } from './search/search-repository.js';
import { SearchService } from './search/search-service.js';
import { searchRoutes } from './search/search-routes.js';
import { attributionRoutes } from './attributions/attribution-routes.js';
import { SuggestionRepository } from './attributions/suggestion-repository.js';
import { SuggestionService } from './attributions/suggestion-service.js';
import { DESK_PAGES, deskRouter } from './desk/desk-routes.js';
import { JobRunner } from './workers/job-runner.js';
import type { OpenApiDocument } from './generated/schema-types.js';
import { WriteGate } from './workers/write-gate.js';
import { publicBase } from './exports/iri.js';
import { organisation, type CreatorMode, type Organisation, type Publisher } from './shared/organisation.js';

export const VERSION = '0.1.0';

const publicDir = projectFile('public/');

export interface AppDeps {
  db: Db;
  /** Where request and error lines go; default: a JSON logger on stdout. */
  logger?: Logger;
  /** Largest accepted request body, in bytes. */
  bodyLimit?: number;
  registry?: SchemaRegistry;
  /** Reads of what is not confidential need no key. */
  publicReads?: boolean;
  /** Requests a minute per API key and per client address (0: no limit). */
  rateLimitPerKey?: number;
  rateLimitPerAddress?: number;
  /** Origins allowed cross-origin; none: CORS stays off. */
  corsOrigins?: string[];
  /** WHOSAID_PUBLIC_URL: the base of every IRI in exports (src/exports/iri.ts); unset: http://localhost:<port>. */
  publicUrl?: string;
  /** The port the service listens on (default 3000): the default base of exported IRIs. */
  port?: number;
  /** WHOSAID_ORG_NAME, WHOSAID_ORG_URL: who publishes the exports (ClaimReview author, annotation creator). */
  orgName?: string;
  orgUrl?: string;
  /** WHOSAID_ANNOTATION_CREATOR: whom annotations credit, the organisation (default) or the tag's API key. */
  annotationCreator?: CreatorMode;
  /** Log one line per request. */
  requestLog?: boolean;
  /** Reached over HTTPS: send HSTS and upgrade-insecure-requests on every response. */
  tls?: boolean;
  /** Express's `trust proxy` (false: believe no X-Forwarded-* header). */
  trustProxy?: boolean | number | string;
  /** Worker threads for long jobs (default 2; src/workers/). */
  jobWorkers?: number;
  /** True once the server is shutting down: /readyz then answers 503 so a balancer stops sending work. */
  draining?: () => boolean;
  /** Signs the log's checkpoints; default: a key made for this process only (tests). */
  logSigner?: LogSigner;
}

export const DEFAULT_LOG_ORIGIN = 'whosaid.localhost/log';
export const CHECKPOINT_HEADER = 'Whosaid-Log-Checkpoint';

export interface Services {
  actors: ActorService;
  statements: StatementService;
  relays: RelayService;
  documents: DocumentService;
  claims: ClaimService;
  provenance: ProvenanceService;
  bundles: BundleService;
  keys: KeyService;
  changes: ChangeService;
  audits: AuditService;
  exports: ExportService;
  tags: TagService;
  search: SearchService;
  searchIndex: SearchIndexService;
  suggestions: SuggestionService;
  log: LogService;
}

export function createServices(
  db: Db,
  registry: SchemaRegistry,
  signer: LogSigner = LogSigner.generate(DEFAULT_LOG_ORIGIN),
  iriBase: string = publicBase(undefined),
  org: Organisation = organisation(iriBase),
): Services {
  const actorRepo = new ActorRepository(db);
  const statementRepo = new StatementRepository(db);
  const documentRepo = new DocumentRepository(db);
  const actors = new ActorService(actorRepo, registry.validator('actor-create'), () => db.writer);
  const statements = new StatementService(statementRepo, actorRepo, registry.validator('statement-create'));
  const documents = new DocumentService(documentRepo, actorRepo, registry.validator('document-create'));
  const relays = new RelayService(new RelayRepository(db), statementRepo, actorRepo, documentRepo);
  const claims = new ClaimService(new ClaimRepository(db), statementRepo);
  const provenance = new ProvenanceService(new ProvenanceRepository(db));
  const keys = new KeyService(new KeyRepository(db));
  const logRepo = new LogRepository(db);
  const log = new LogService(logRepo, signer);
  const changes = new ChangeService(new ChangeRepository(db), logRepo);
  const auditRepo = new AuditRepository(db);
  const audits = new AuditService(auditRepo, VERSION, registry.validator('audit-report'), () => log.reportCheckpoint());
  const exports = new ExportService(audits, auditRepo, iriBase, org);
  const tags = new TagService(new TagRepository(db), { documents, statements, actors, relays });
  const bundles = new BundleService(new BundleRepository(db), { actors, documents, statements, relays, claims, tags });
  const search = new SearchService(searchRepository(db), provenance);
  const suggestions = new SuggestionService(new SuggestionRepository(db), { documents, search, bundles });
  // A body edit re-anchors the document's tags in the same transaction; the PATCH response reports them.
  documents.onBodyChange((id, oldBody, newBody) => tags.reanchorDocument(id, oldBody, newBody));
  return {
    actors,
    statements,
    relays,
    documents,
    claims,
    provenance,
    bundles,
    keys,
    changes,
    audits,
    exports,
    tags,
    search,
    searchIndex: new SearchIndexService(searchIndexRepository(db)),
    suggestions,
    log,
  };
}

export function buildRoutes(
  services: Services,
  jobs: JobRunner,
  iriBase: string,
  tidier: SearchIndexTidier,
  publisher?: Publisher,
): RouteDef[] {
  return [
    ...actorRoutes(services.actors),
    ...statementRoutes(services.statements),
    ...provenanceRoutes(services.provenance),
    ...relayRoutes(services.relays),
    ...documentRoutes(services.documents),
    ...claimRoutes(services.claims),
    ...bundleRoutes(jobs, tidier),
    ...keyRoutes(services.keys),
    ...changeRoutes(services.changes, jobs),
    ...logRoutes(services.log),
    ...auditRoutes(services.audits),
    ...exportRoutes(services.exports),
    ...tagRoutes(services.tags, services.documents, iriBase, publisher),
    ...searchRoutes(services.search),
    ...attributionRoutes(services.suggestions),
  ];
}

/** Builds the app; never listens (src/index.ts does). */
export function createApp(deps: AppDeps): { app: Express; routes: RouteDef[]; services: Services; jobs: JobRunner; openapi: object } {
  const registry = deps.registry ?? createSchemaRegistry();
  const logger = deps.logger ?? createLogger();
  const iriBase = publicBase(deps.publicUrl, deps.port);
  const publisher: Publisher = {
    org: organisation(iriBase, deps.orgName, deps.orgUrl),
    annotationCreator: deps.annotationCreator ?? 'organisation',
  };
  const services = createServices(deps.db, registry, deps.logSigner, iriBase, publisher.org);
  const writeGate = new WriteGate();
  const jobs = new JobRunner({ db: deps.db, services, registry, gate: writeGate, size: deps.jobWorkers });
  // After a bundle, the full-text indexes' merge work runs as bounded jobs of its own (search-index-tidier.ts).
  const tidier = new SearchIndexTidier(
    () => jobs.run('search.tidy', {}),
    (err) => {
      if (!jobs.isClosed) logger.warn({ error: describeError(err) }, 'tidying the search indexes failed');
    },
  );
  const routes = buildRoutes(services, jobs, iriBase, tidier, publisher);
  const serviceRoutes = probeRoutes(deps, () => openapi);
  const allRoutes = [...serviceRoutes, ...routes];
  const openapi = buildOpenApi(allRoutes, registry.schemas, VERSION, DESK_PAGES);

  const app = express();
  // The document this app serves, for what checks its responses against it (test/helpers/contract.ts).
  app.locals.openapi = openapi;
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.trustProxy ?? false);
  // Express's trust proxy off (false, 0): the client is the socket's peer, whatever X-Forwarded-* says.
  const behindProxy = Boolean(deps.trustProxy);
  const keyLimit = new RateLimiter(deps.rateLimitPerKey ?? 0);
  // Probes and the OpenAPI document are not under /v1, so they are never throttled by the per-address
  // limit nor wait for a key lookup: an orchestrator's liveness check must never be throttled into a restart.
  app.use(
    sequence([
      ...(deps.requestLog ? [requestLog(logger)] : []),
      securityHeaders(deps.tls ?? false, behindProxy),
      ...(deps.corsOrigins?.length ? [cors(deps.corsOrigins)] : []),
      identify('/v1', services.keys, new RateLimiter(deps.rateLimitPerAddress ?? 0), behindProxy),
    ]),
  );
  const mount = {
    db: deps.db,
    writeGate,
    registry,
    bodyLimit: deps.bodyLimit ?? 2 * 1024 * 1024,
    authorize: (route: RouteDef) => authorize(accessOf(route), deps.publicReads ?? false, keyLimit),
  };
  // An export says which state of the change log it was computed from: the signed checkpoint, base64.
  // (None of these paths is a probe's, so the probes and the API are then mounted as one layer.)
  app.get(['/v1/exports/*path', '/v1/claims/:id/claimreview', '/v1/documents/:id/annotations'], async (req, res, next) => {
    if (req.viewer.role !== 'public' || deps.publicReads)
      res.set(CHECKPOINT_HEADER, Buffer.from((await services.log.checkpoint()).note, 'utf8').toString('base64'));
    next();
  });
  mountRoutes(app, allRoutes, mount);
  // The desk's files come after the API, and never for /v1 paths: an API request touches no file.
  app.use(deskRouter(publicDir));
  app.use(fallbackHandler(allRoutes));
  app.use(errorHandler(logger));
  return { app, routes: allRoutes, services, jobs, openapi };
}

/** Liveness (the process answers), readiness (it can reach its database) and the OpenAPI document. */
function probeRoutes(deps: AppDeps, openapi: () => unknown): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/healthz',
      tag: 'service',
      access: 'public',
      summary: 'Liveness: the process answers (touches nothing else)',
      status: 200,
      response: 'health',
      handler: () => ({ status: 'ok' as const, version: VERSION }),
    }),
    route({
      method: 'get',
      path: '/readyz',
      tag: 'service',
      access: 'public',
      summary: 'Readiness: the database answers and the server is not shutting down',
      status: 200,
      response: 'health',
      errors: [503],
      handler: async () => {
        if (deps.draining?.()) throw new HttpError(503, 'shutting-down', 'Shutting down', 'This server is stopping; send work elsewhere.');
        try {
          await deps.db.queryFirst('SELECT 1');
        } catch {
          throw new HttpError(503, 'database-unavailable', 'Database unavailable', 'The database does not answer.');
        }
        return { status: 'ready' as const, version: VERSION };
      },
    }),
    route({
      method: 'get',
      path: '/openapi.json',
      tag: 'service',
      access: 'public',
      summary: 'This OpenAPI document',
      status: 200,
      response: 'openapi-document',
      handler: () => openapi() as OpenApiDocument,
    }),
  ];
}
