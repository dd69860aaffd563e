// npm run test:pg: the unit and API tests (the files of npm test) against PostgreSQL. Starts a throwaway
// cluster (scripts/pg-cluster.mjs), runs mocha with WHOSAID_TEST_DATABASE_URL pointing at it, and stops
// the cluster whatever happens (a failure, Ctrl-C).
//   npm run test:pg                       the files that pass on PostgreSQL so far (PASSING below)
//   npm run test:pg -- --all              every file of npm test, to see what still fails
//   npm run test:pg -- test/x.test.ts     these files (any other mocha option passes through)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { startCluster, stopCluster } from './pg-cluster.mjs';

/**
 * The test files known to pass on PostgreSQL. Issue 16 is done when this is every file of npm test;
 * until then CI runs these, so PostgreSQL support can only grow. Add a file here once it passes.
 */
// biome-ignore format: one file a line, so that files added by different people merge
export const PASSING = [
  'test/access.test.ts',
  'test/actors.test.ts',
  'test/annotations.test.ts',
  'test/attribution-corpus.test.ts',
  'test/attribution-engine.test.ts',
  'test/attribution-metrics.test.ts',
  'test/attribution-suggestions.test.ts',
  'test/attributions.test.ts',
  'test/audit-independence.test.ts',
  'test/audit-rule-ids.test.ts',
  'test/audit-rules.test.ts',
  'test/audits.test.ts',
  'test/build.test.ts',
  'test/bundle-race.test.ts',
  'test/bundles.test.ts',
  'test/changes.test.ts',
  'test/claimreview.test.ts',
  'test/claims.test.ts',
  'test/cli.test.ts',
  'test/confidential.test.ts',
  'test/contract.test.ts',
  'test/csv.test.ts',
  'test/database-setting.test.ts',
  'test/demo.test.ts',
  'test/dispatch.test.ts',
  'test/documents.test.ts',
  'test/errors.test.ts',
  'test/exports-iri.test.ts',
  'test/exports-prov.test.ts',
  'test/exports.test.ts',
  'test/field-permissions.test.ts',
  'test/golden.test.ts',
  'test/history-columns.test.ts',
  'test/history-postgres.test.ts',
  'test/json-input.test.ts',
  'test/lifecycle.test.ts',
  'test/log.test.ts',
  'test/logs.test.ts',
  'test/long-work.test.ts',
  'test/migrate-to-postgres-reports.test.ts',
  'test/migrate-to-postgres.test.ts',
  'test/openapi.test.ts',
  'test/postgres-db.test.ts',
  'test/relays.test.ts',
  'test/search-cost.test.ts',
  'test/search-index.test.ts',
  'test/search-match-class.test.ts',
  'test/search-property.test.ts',
  'test/search.test.ts',
  'test/security-headers.test.ts',
  'test/send-json.test.ts',
  'test/sqlite-db.test.ts',
  'test/sqlite-settings.test.ts',
  'test/statements.test.ts',
  'test/stored-values.test.ts',
  'test/synthetic.test.ts',
  'test/tag-anchoring.test.ts',
  'test/tags.test.ts',
  'test/tamper.test.ts',
  'test/two-processes.test.ts',
  'test/write-fuzz.test.ts',
];

const args = process.argv.slice(2);
const all = args.includes('--all');
const rest = args.filter((a) => a !== '--all');
const namesFiles = rest.some((a) => a.endsWith('.ts') || a.includes('*'));
const files = all ? ['test/*.test.ts'] : namesFiles ? [] : PASSING;

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
