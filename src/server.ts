import type { Server } from 'node:http';
import { createApp } from './app.js';
import { createHttpServer } from './http/server.js';
import { ensureAdminKey } from './access/bootstrap.js';
import type { Config } from './config.js';
import type { Db } from './db/database.js';
import { openMigrated } from './db/open.js';
import { isEmpty, loadDemo } from './demo/load-demo.js';
import { createSchemaRegistry } from './validation/ajv.js';

export interface RunningServer {
  server: Server;
  db: Db;
  /** Stops accepting, lets in-flight requests finish, closes the database. */
  stop(): Promise<void>;
}

/** Opens the database, builds the app and listens: what `npm start` and `whosaid serve` run. */
export async function startServer(config: Config): Promise<RunningServer> {
  const db = await openMigrated(config.dbFile);
  const registry = createSchemaRegistry();
  const { app, services } = createApp({
    db,
    registry,
    publicReads: config.publicReads,
    rateLimitPerKey: config.rateLimitPerKey,
    rateLimitPerAddress: config.rateLimitPerAddress,
    corsOrigins: config.corsOrigins,
    publicUrl: config.publicUrl,
    requestLog: true,
  });

  // Printed this once, to the terminal that started the service; only its hash is stored.
  ensureAdminKey(db, services.keys, (secret) => {
    process.stdout.write(`\nwhosaid: no API keys yet, so an admin key was created. Keep it; it is not shown again:\n\n    ${secret}\n\n`);
  });

  if (config.loadDemo && isEmpty(db)) {
    const result = loadDemo(db, services, registry);
    console.log(`whosaid: empty database, loaded the demo story (${result.created} records)`);
  }

  const server = createHttpServer(app).listen(config.port, () => {
    console.log(`whosaid: listening on http://localhost:${config.port} (database ${config.dbFile})`);
  });

  const stop = () =>
    new Promise<void>((resolve) =>
      server.close(() => {
        db.close();
        resolve();
      }),
    );
  return { server, db, stop };
}
