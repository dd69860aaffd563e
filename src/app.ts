import express, { type Express } from 'express';
import helmet from 'helmet';
import { projectFile } from './shared/project-files.js';
import './http/request-viewer.js';
import type { Db } from './db/database.js';
import { accessOf, type RouteDef } from './http/route.js';
import { fallbackHandler, mountRoutes } from './http/mount.js';
import { errorHandler, type Logger } from './http/error-handler.js';
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
import { KeyRepository } from './access/key-repository.js';
import { KeyService } from './access/key-service.js';
import { keyRoutes } from './access/key-routes.js';
import { authorize, identify } from './access/authenticate.js';
import { RateLimiter } from './access/rate-limit.js';
import { ChangeRepository } from './changes/change-repository.js';
import { ChangeService } from './changes/change-service.js';
import { changeRoutes } from './changes/change-routes.js';
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
import { SearchRepository } from './search/search-repository.js';
import { SearchService } from './search/search-service.js';
import { searchRoutes } from './search/search-routes.js';

export const VERSION = '0.1.0';

const publicDir = projectFile('public/');

export interface AppDeps {
  db: Db;
  log?: Logger;
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
  /** Absolute base of the IRIs in exports (annotation ids); default: the address a request reached. */
  publicUrl?: string;
  /** Log one line per request (off in tests, which read `log` for leaks). */
  requestLog?: boolean;
}

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
}

export function createServices(db: Db, registry: SchemaRegistry): Services {
  const actorRepo = new ActorRepository(db);
  const statementRepo = new StatementRepository(db);
  const documentRepo = new DocumentRepository(db);
  const actors = new ActorService(actorRepo, registry.validator('actor-create'));
  const statements = new StatementService(statementRepo, actorRepo, registry.validator('statement-create'));
  const documents = new DocumentService(documentRepo, actorRepo, registry.validator('document-create'));
  const relays = new RelayService(new RelayRepository(db), statementRepo, actorRepo, documentRepo);
  const claims = new ClaimService(new ClaimRepository(db), statementRepo);
  const provenance = new ProvenanceService(new ProvenanceRepository(db));
  const keys = new KeyService(new KeyRepository(db));
  const changes = new ChangeService(new ChangeRepository(db));
  const auditRepo = new AuditRepository(db);
  const audits = new AuditService(auditRepo, VERSION, registry.validator('audit-report'));
  const exports = new ExportService(audits, auditRepo);
  const tags = new TagService(new TagRepository(db), { documents, statements, actors, relays });
  const bundles = new BundleService(new BundleRepository(db), { actors, documents, statements, relays, claims, tags });
  const search = new SearchService(new SearchRepository(db), provenance);
  // A body edit re-anchors the document's tags in the same transaction; the PATCH response reports them.
  documents.onBodyChange((id, oldBody, newBody) => tags.reanchorDocument(id, oldBody, newBody));
  return { actors, statements, relays, documents, claims, provenance, bundles, keys, changes, audits, exports, tags, search };
}

export function buildRoutes(services: Services, publicUrl?: string): RouteDef[] {
  return [
    ...actorRoutes(services.actors),
    ...statementRoutes(services.statements, services.provenance),
    ...relayRoutes(services.relays),
    ...documentRoutes(services.documents),
    ...claimRoutes(services.claims),
    ...bundleRoutes(services.bundles),
    ...keyRoutes(services.keys),
    ...changeRoutes(services.changes),
    ...auditRoutes(services.audits),
    ...exportRoutes(services.exports),
    ...tagRoutes(services.tags, services.documents, publicUrl),
    ...searchRoutes(services.search),
  ];
}

/** Builds the app; never listens (src/index.ts does). */
export function createApp(deps: AppDeps): { app: Express; routes: RouteDef[]; services: Services } {
  const registry = deps.registry ?? createSchemaRegistry();
  const log = deps.log ?? ((line) => process.stderr.write(JSON.stringify(line) + '\n'));
  const services = createServices(deps.db, registry);
  const routes = buildRoutes(services, deps.publicUrl);
  const serviceRoutes: RouteDef[] = [
    {
      method: 'get',
      path: '/healthz',
      tag: 'service',
      access: 'public',
      summary: 'Liveness and database check',
      status: 200,
      response: null,
      handler: ({ res }) => {
        deps.db.sqlite.prepare('SELECT 1').get();
        res.json({ status: 'ok', version: VERSION });
      },
    },
    {
      method: 'get',
      path: '/openapi.json',
      tag: 'service',
      access: 'public',
      summary: 'This OpenAPI document',
      status: 200,
      response: null,
      handler: ({ res }) => {
        res.json(openapi);
      },
    },
  ];
  const allRoutes = [...serviceRoutes, ...routes];
  const openapi = buildOpenApi(allRoutes, registry.schemas, VERSION);

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', false);
  app.use(helmet());
  if (deps.requestLog) {
    app.use((req, res, next) => {
      const started = process.hrtime.bigint();
      // Path only, never the query string or body: they may carry what a source said.
      res.on('finish', () =>
        log({
          level: 'info',
          method: req.method,
          path: req.path,
          status: res.statusCode,
          keyId: req.viewer?.keyId ?? null,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        }),
      );
      next();
    });
  }
  if (deps.corsOrigins?.length) app.use(cors(deps.corsOrigins));
  // The pages call the API with the key their user gives them; the files themselves are public.
  app.use(express.static(publicDir, { index: 'index.html', maxAge: '5m' }));
  app.use(identify(services.keys, new RateLimiter(deps.rateLimitPerAddress ?? 0)));
  const keyLimit = new RateLimiter(deps.rateLimitPerKey ?? 0);
  mountRoutes(app, allRoutes, {
    db: deps.db,
    registry,
    bodyLimit: deps.bodyLimit ?? 2 * 1024 * 1024,
    authorize: (route) => authorize(accessOf(route), deps.publicReads ?? false, keyLimit),
  });
  app.use(fallbackHandler(allRoutes));
  app.use(errorHandler(log));
  return { app, routes: allRoutes, services };
}
