// A throwaway PostgreSQL cluster from the machine's Debian packages, for the tests and for a developer:
//   node scripts/pg-cluster.mjs start       starts one; prints its folder and URL (stop it with the folder)
//   node scripts/pg-cluster.mjs url DIR     the URL of the cluster started in DIR
//   node scripts/pg-cluster.mjs stop DIR    stops it and deletes DIR
// Nothing it does outlives `stop`: the data, the socket and the log all live in one temporary folder.
// It is tuned for tests, not for keeping data: fsync, synchronous commit and full-page writes are off.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The extensions the migrations create: a cluster without postgresql-contrib cannot run whosaid. */
export const EXTENSIONS = ['pg_trgm', 'unaccent', 'pgcrypto'];

/** The newest installed server's bin folder (/usr/lib/postgresql/N/bin), or undefined. */
export function findBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0], 'bin') : undefined;
}

// PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user the package creates.
const asRoot = process.getuid?.() === 0;

function run(bin, args, { quiet = false } = {}) {
  const argv = asRoot ? ['runuser', '-u', 'postgres', '--', bin, ...args] : [bin, ...args];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`.trim();
    throw new Error(`${path.basename(bin)} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${out}`);
  }
  if (!quiet) return r.stdout;
  return '';
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function postgresOwner() {
  const id = (flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0)
    throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as (apt-get install postgresql)');
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

const urlFile = (dir) => path.join(dir, 'url');

/**
 * Starts a cluster in a new temporary folder; gives its folder and its superuser URL (database `postgres`).
 * With `dir`, in that folder instead, kept between runs (a benchmark's cached data): created when missing,
 * started on a fresh port when it holds a cluster already; stop it with `stopCluster(dir, { keep: true })`.
 */
export async function startCluster({ dir: kept } = {}) {
  const bin = findBin();
  if (!bin) throw new Error('no PostgreSQL server under /usr/lib/postgresql/*/bin (apt-get install postgresql postgresql-contrib)');
  const dir = kept ?? mkdtempSync(path.join(tmpdir(), 'whosaid-pg-'));
  try {
    mkdirSync(dir, { recursive: true });
    if (asRoot) {
      const { uid, gid } = postgresOwner();
      chownSync(dir, uid, gid);
    }
    const data = path.join(dir, 'data');
    // Locale C: text sorts by code point and lower() folds ASCII only, as in SQLite.
    if (!existsSync(path.join(data, 'PG_VERSION')))
      run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
        quiet: true,
      });
    let url;
    for (let attempt = 1; !url; attempt++) {
      const port = await freePort();
      const options = [
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        run(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start'], {
          quiet: true,
        });
        url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      } catch (e) {
        // Another process may have taken the port between our probe and the server's bind: try another.
        if (attempt >= 3) throw new Error(`${e.message}\n${readLog(dir)}`);
      }
    }
    writeFileSync(urlFile(dir), url);
    checkExtensions(bin, url);
    return { dir, url };
  } catch (e) {
    stopCluster(dir, { keep: Boolean(kept) });
    throw e;
  }
}

function readLog(dir) {
  try {
    return readFileSync(path.join(dir, 'server.log'), 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

/** Creates each extension in a scratch database, so a missing postgresql-contrib is said at once, not as a failed migration. */
function checkExtensions(bin, url) {
  const { port } = new URL(url);
  const psql = (db, sql) =>
    run(path.join(bin, 'psql'), [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      '127.0.0.1',
      '-p',
      port,
      '-U',
      'postgres',
      '-d',
      db,
      '-c',
      sql,
    ]);
  psql('postgres', 'CREATE DATABASE whosaid_extension_check');
  try {
    for (const ext of EXTENSIONS) psql('whosaid_extension_check', `CREATE EXTENSION ${ext}`);
  } catch (e) {
    throw new Error(
      `PostgreSQL lacks an extension whosaid needs (${EXTENSIONS.join(', ')}; apt-get install postgresql-contrib):\n${e.message}`,
    );
  } finally {
    psql('postgres', 'DROP DATABASE whosaid_extension_check');
  }
}

/** The URL of the cluster started in `dir`. */
export function clusterUrl(dir) {
  return readFileSync(urlFile(dir), 'utf8').trim();
}

/**
 * Stops the cluster in `dir` (if it runs) and deletes the folder; with `keep`, stops it cleanly (a
 * shutdown checkpoint, so the next start needs no crash recovery) and keeps the folder.
 * Safe to call twice.
 */
export function stopCluster(dir, { keep = false } = {}) {
  const data = path.join(dir, 'data');
  const bin = findBin();
  if (bin && existsSync(path.join(data, 'postmaster.pid'))) {
    try {
      // Immediate for a throwaway cluster: nothing in it is worth a shutdown checkpoint.
      run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', keep ? 'fast' : 'immediate', '-w', '-t', '300', 'stop'], { quiet: true });
    } catch (e) {
      console.error(e.message);
    }
  }
  if (keep) rmSync(urlFile(dir), { force: true });
  else rmSync(dir, { recursive: true, force: true });
}

async function main(argv) {
  const [command, dir] = argv;
  if (command === 'start') {
    const cluster = await startCluster();
    console.error(`PostgreSQL started in ${cluster.dir}; stop it with: node scripts/pg-cluster.mjs stop ${cluster.dir}`);
    console.log(cluster.url);
  } else if ((command === 'url' || command === 'stop') && dir) {
    if (!existsSync(urlFile(dir))) throw new Error(`${dir} holds no cluster started by this script`);
    if (command === 'url') console.log(clusterUrl(dir));
    else stopCluster(dir);
  } else {
    console.error('usage: node scripts/pg-cluster.mjs start | url DIR | stop DIR');
    process.exitCode = 2;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
