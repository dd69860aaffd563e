import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openMigrated } from '../src/db/open.js';
import { freePort, startProcess } from './helpers/child.js';

const isStale = () =>
  execFileSync(process.execPath, ['--input-type=module', '-e', "import('./scripts/build.mjs').then((m) => console.log(m.isStale()))"], {
    encoding: 'utf8',
  }).trim();

describe('production build', () => {
  let dir: string;
  before(function () {
    this.timeout(120000);
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'pipe' });
    dir = mkdtempSync(path.join(tmpdir(), 'whosaid-build-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('npm run build', () => {
    it('compiles every migration under the name it has in migrations/', () => {
      const names = (folder: string, ext: string) =>
        readdirSync(folder)
          .filter((f) => f.endsWith(ext))
          .map((f) => f.slice(0, -ext.length))
          .sort();
      assert.deepEqual(names('dist/migrations', '.js'), names('migrations', '.ts'));
      assert.ok(existsSync('dist/src/index.js'));
    });

    it('is stale once a source is newer than the build', () => {
      assert.equal(isStale(), 'false');
      const file = 'src/config.ts';
      const { atime, mtime } = statSync(file);
      try {
        utimesSync(file, atime, new Date(Date.now() + 60_000));
        assert.equal(isStale(), 'true');
      } finally {
        utimesSync(file, atime, mtime);
      }
    });
  });

  describe('npm start', () => {
    it('serves the page, its assets and the demo from compiled JS, on a database the tsx build migrated', async function () {
      this.timeout(60000);
      const dbFile = path.join(dir, 'tsx-migrated.db');
      await (await openMigrated(dbFile)).close();
      const port = await freePort();
      const server = await startProcess(['scripts/start.mjs'], { WHOSAID_DB: dbFile }, port);
      try {
        const base = `http://127.0.0.1:${port}`;
        const page = await fetch(`${base}/`);
        assert.equal(page.status, 200);
        const html = await page.text();
        assert.match(html, /<html/);
        // The desk's assets, built at start, are named by content hash and cached for good.
        const assets = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
        assert.equal(assets.length, 2, html);
        for (const asset of assets) {
          const res = await fetch(`${base}${asset}`);
          assert.equal(res.status, 200, asset);
          assert.match(res.headers.get('cache-control') ?? '', /immutable/);
        }
        assert.equal((await fetch(`${base}/openapi.json`)).status, 200);
        assert.match(server.output(), /loaded the demo story/);
      } finally {
        await server.stop();
      }
    });
  });
});
