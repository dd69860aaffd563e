import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createApp } from './app.js';
import { createHttpServer } from './http/server.js';
import { HttpError } from './http/problem.js';
import { ensureAdminKey } from './access/bootstrap.js';
import { StartupError, type Config } from './config.js';
import type { Db, SqliteDb } from './db/database.js';
import { databaseLabel, openDb } from './db/open.js';
import { isEmpty, loadDemo } from './demo/load-demo.js';
import { describeError } from './logging/describe-error.js';
import { createLogger, type Logger } from './logging/logger.js';
import { createSchemaRegistry } from './validation/ajv.js';
import { LogSigner } from './log/checkpoint.js';

export interface RunningServer {
  server: Server;
  db: Db;
  logger: Logger;
  /** Stops accepting, lets in-flight requests finish (bounded), checkpoints the WAL, closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** How long in-flight requests may take to finish once stopping; then their connections are cut. */
  graceMs?: number;
  /** Where the first admin key's secret is shown; default: stdout, once. */
  showAdminKey?: (secret: string) => void;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => {
      server.off('listening', done);
      reject(
        err.code === 'EADDRINUSE'
          ? new StartupError(`port ${port} is already in use; stop what is using it or set PORT to another port`)
          : err.code === 'EACCES'
            ? new StartupError(`not allowed to listen on port ${port}; use a port above 1023 or set PORT`)
            : err,
      );
    };
    const done = () => {
      server.off('error', failed);
      resolve();
    };
    server.once('error', failed);
    server.once('listening', done);
    server.listen(port);
  });
}

const showOnStdout = (secret: string) =>
  process.stdout.write(`\nwhosaid: no API keys yet, so an admin key was created. Keep it; it is not shown again:\n\n    ${secret}\n\n`);

/**
 * Binds the port first, then opens the database, builds the app and creates the first admin key: a port
 * that is taken fails before anything is written. What `npm start` and `whosaid serve` run.
 */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  // Until the app is built (milliseconds), a request that slips in is told to come back.
  let handler: RequestListener = (_req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.stringify(new HttpError(503, 'starting', 'Starting', 'The server is starting; retry in a second.').toProblem());
    res
      .writeHead(503, { 'Retry-After': '1', 'Content-Type': 'application/problem+json', 'Content-Length': Buffer.byteLength(body) })
      .end(body);
  };
  const server = createHttpServer((req, res) => handler(req, res));
  await listen(server, config.port);

  let db: Db;
  let logSigner: LogSigner;
  try {
    logSigner = LogSigner.fromFile(config.logKeyFile, config.logOrigin);
    db = await openDb(config);
  } catch (err) {
    server.close();
    throw err;
  }
  let draining = false;
  const registry = createSchemaRegistry();
  const { app, services, jobs } = createApp({
    db,
    registry,
    logger,
    publicReads: config.publicReads,
    rateLimitPerKey: config.rateLimitPerKey,
    rateLimitPerAddress: config.rateLimitPerAddress,
    corsOrigins: config.corsOrigins,
    publicUrl: config.publicUrl,
    port: config.port,
    orgName: config.orgName,
    orgUrl: config.orgUrl,
    annotationCreator: config.annotationCreator,
    tls: config.tls,
    trustProxy: config.trustProxy,
    requestLog: true,
    draining: () => draining,
    logSigner,
  });
  handler = app;

  // Shown this once, to whoever started the service; only its hash is stored.
  await ensureAdminKey(db, services.keys, opts.showAdminKey ?? showOnStdout);
  if (config.loadDemo && (await isEmpty(db))) {
    const result = await loadDemo(db, services, registry);
    logger.info({ records: result.created }, 'empty database: loaded the demo story');
  }
  logger.info({ port: config.port, db: databaseLabel(config) }, `listening on http://localhost:${config.port}`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections with nothing in flight would hold close() open: cut them as they go idle.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      server.closeIdleConnections();
      const cut = setTimeout(() => {
        logger.warn(
          { graceMs: opts.graceMs ?? 10_000 },
          'requests still running at the end of the grace period: closing their connections',
        );
        server.closeAllConnections();
      }, opts.graceMs ?? 10_000);
      await closed;
      clearInterval(sweep);
      clearTimeout(cut);
      // Requests are done, so are their jobs; a job cut off with its connection is abandoned (rolled back).
      await jobs.close();
      try {
        // Folds the WAL into the database file, so a copy of the .db file alone is whole.
        if (db.dialect === 'sqlite') (db as SqliteDb).sqlite.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        await db.close();
      }
      logger.info('stopped');
    })());
  return { server, db, logger, stop };
}

/** SIGTERM or SIGINT stop the server gracefully and exit 0; a second signal exits at once. */
export function stopOnSignals(running: RunningServer): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    running.logger.info({ signal }, 'stopping');
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        running.logger.error({ error: describeError(err) }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
