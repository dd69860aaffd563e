// npm run test:pg: the unit and API tests (every file of npm test) against PostgreSQL. Starts a throwaway
// cluster (scripts/pg-cluster.mjs), runs mocha with WHOSAID_TEST_DATABASE_URL pointing at it, and stops
// the cluster whatever happens (a failure, Ctrl-C).
//   npm run test:pg                       every file of npm test, as npm test runs them
//   npm run test:pg -- test/x.test.ts     these files (any other mocha option passes through)
// A file about one database only says so itself (describe.skip with the reason), so both commands always
// run the same files.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { startCluster, stopCluster } from './pg-cluster.mjs';

const rest = process.argv.slice(2);
const namesFiles = rest.some((a) => a.endsWith('.ts') || a.includes('*'));
const files = namesFiles ? [] : ['test/*.test.ts'];

const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const cluster = await startCluster().catch((e) => {
  console.error(`test:pg: could not start PostgreSQL: ${e.message}`);
  process.exit(1);
});
let child;
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  stopCluster(cluster.dir);
};
// Ctrl-C reaches mocha too (same process group); either way wait for mocha to end, then stop the cluster.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (child && child.exitCode === null) child.kill(signal);
    else {
      stop();
      process.exit(130);
    }
  });
}
process.on('exit', stop);

try {
  child = spawn(process.execPath, [mocha, ...files, ...rest], {
    stdio: 'inherit',
    env: { ...process.env, WHOSAID_TEST_DATABASE_URL: cluster.url },
  });
  const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 130 : 1))));
  process.exitCode = code;
} finally {
  stop();
}
