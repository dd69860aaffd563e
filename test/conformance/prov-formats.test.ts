import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demoId, makeTestApp, type TestApp } from '../helpers/test-app.js';
import { CONFORMANCE_DIR, exportText, generatedApp } from './prov-sources.js';

// Optional runner. PROV-XML against the W3C XSD (prov-core.xsd, which imports xml.xsd) with xmllint, when
// those files are in the conformance directory; and, whenever Debian's python3-prov is installed (.ci/run
// installs it with libxml2-utils), an independent reading of all three serialisations by the W3C-listed
// PROV library for Python (test/conformance/prov-compare.py).

const XSD = path.join(CONFORMANCE_DIR, 'prov-core.xsd');
const XML_XSD = path.join(CONFORMANCE_DIR, 'xml.xsd');
// Debian's interpreter, where python3-prov installs (a python3 earlier on PATH may not have it).
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const COMPARE = new URL('./prov-compare.py', import.meta.url).pathname;

const hasTool = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const skip = (ctx: Mocha.Context, why: string) => {
  console.log(`      skipped: ${why}`);
  ctx.skip();
};

describe('conformance: PROV-N and PROV-XML', () => {
  let work: string;
  const exports: Array<{ name: string; app: () => TestApp; path: string }> = [];
  let demo: TestApp;
  let generated: TestApp;

  before(async function () {
    this.timeout(300000);
    work = mkdtempSync(path.join(tmpdir(), 'whosaid-prov-'));
    demo = await makeTestApp({ demo: true });
    generated = await generatedApp(500);
    exports.push(
      { name: 'demo-all', app: () => demo, path: '/v1/exports/prov' },
      {
        name: 'demo-document',
        app: () => demo,
        path: `/v1/exports/prov?documentId=${await demoId(demo.db, 'document', 'telegraph-article')}`,
      },
      { name: 'demo-claim', app: () => demo, path: `/v1/exports/prov?claimId=${await demoId(demo.db, 'claim', 'iran-warned-russia')}` },
      { name: 'generated-all', app: () => generated, path: '/v1/exports/prov' },
    );
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  /** Writes the three serialisations of one export to files, named by format. */
  async function files(e: (typeof exports)[number]) {
    const out: Record<'json' | 'provn' | 'provxml', string> = { json: '', provn: '', provxml: '' };
    for (const format of ['json', 'provn', 'provxml'] as const) {
      out[format] = path.join(work, `${e.name}.${format}`);
      writeFileSync(out[format], await exportText(e.app(), `${e.path}${e.path.includes('?') ? '&' : '?'}format=${format}`));
    }
    return out;
  }

  describe('PROV-XML against the W3C XSD (xmllint)', () => {
    it('every export validates against prov-core.xsd', async function () {
      this.timeout(300000);
      if (!hasTool('xmllint', ['--version'])) return skip(this, 'xmllint is not installed (Debian libxml2-utils; .ci/run installs it)');
      const missing = [XSD, XML_XSD].filter((f) => !existsSync(f));
      if (missing.length)
        return skip(
          this,
          `${missing.join(' and ')} missing: the W3C PROV-XML schema (and the xml.xsd it imports) are not in the conformance directory`,
        );
      // prov-core.xsd imports http://www.w3.org/2001/xml.xsd: a catalog points that at the local copy, and --nonet keeps it offline.
      const catalog = path.join(work, 'catalog.xml');
      writeFileSync(
        catalog,
        `<?xml version="1.0"?>\n<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n  <uri name="http://www.w3.org/2001/xml.xsd" uri="file://${XML_XSD}"/>\n  <system systemId="http://www.w3.org/2001/xml.xsd" uri="file://${XML_XSD}"/>\n</catalog>\n`,
      );
      for (const e of exports) {
        const { provxml } = await files(e);
        const run = spawnSync('xmllint', ['--nonet', '--noout', '--schema', XSD, provxml], {
          encoding: 'utf8',
          env: { ...process.env, XML_CATALOG_FILES: catalog },
        });
        assert.equal(run.status, 0, `${e.name}: ${run.stderr.slice(0, 4000)}`);
        assert.match(run.stderr, /validates$/m);
      }
    });
  });

  describe('the Python prov library reads all three serialisations alike', () => {
    it('PROV-JSON and PROV-XML are the same records, and PROV-N the same statements as its PROV-N of our JSON', async function () {
      this.timeout(300000);
      if (!hasTool(PYTHON, ['-c', 'import prov']))
        return skip(this, `${PYTHON} cannot import prov (Debian python3-prov; .ci/run installs it)`);
      for (const e of exports) {
        const f = await files(e);
        const started = Date.now();
        const out = execFileSync(PYTHON, [COMPARE, f.json, f.provxml, f.provn], { encoding: 'utf8' });
        console.log(`      ${e.name}: ${out.trim()} (${Date.now() - started} ms)`);
        assert.match(out, /records equal in PROV-JSON and PROV-XML; \d+ PROV-N statements match/, `${e.name}: ${out}`);
        const n = Number(/: (\d+) records/.exec(out)![1]);
        assert.ok(n > (e.name === 'generated-all' ? 2000 : 20), `${e.name}: only ${n} records`);
      }
    });

    it('notices a record that differs between serialisations', async function () {
      this.timeout(60000);
      if (!hasTool(PYTHON, ['-c', 'import prov'])) return skip(this, `${PYTHON} cannot import prov (Debian python3-prov)`);
      const f = await files(exports[1]);
      const xml = await exportText(demo, `${exports[1].path}&format=provxml`);
      writeFileSync(f.provxml, xml.replace('<whosaid:mode>verbatim</whosaid:mode>', '<whosaid:mode>paraphrase</whosaid:mode>'));
      const provn = await exportText(demo, `${exports[1].path}&format=provn`);
      writeFileSync(f.provn, provn.replace(/^ {2}hadMember\(.*\n/m, ''));
      const run = spawnSync(PYTHON, [COMPARE, f.json, f.provxml, f.provn], { encoding: 'utf8' });
      assert.equal(run.status, 1);
      assert.match(run.stdout, /PROV-JSON and PROV-XML differ/);
      assert.match(run.stdout, /PROV-N differs/);
    });
  });
});
