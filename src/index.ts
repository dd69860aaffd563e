import { loadConfig, StartupError } from './config.js';
import { startServer, stopOnSignals } from './server.js';

try {
  stopOnSignals(await startServer(loadConfig()));
} catch (err) {
  // A setting or a port the operator can fix: one line, no stack trace.
  process.stderr.write(`whosaid: ${err instanceof StartupError ? err.message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
}
