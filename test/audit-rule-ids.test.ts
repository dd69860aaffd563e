// Rule ids are a union generated from the report schema's enum: a rule the schema does not know, or an
// id removed from the schema while its rule remains, must fail the type check, not a report at run time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RULE_IDS, RULES, schemaRuleIds } from '../src/audits/rules/index.js';

const root = path.resolve(import.meta.dirname, '..');
const SCHEMA = 'schemas/audit-report.schema.json';

/** A scratch copy of the sources that `npm run typecheck` reads, sharing this checkout's node_modules. */
function scratchCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'whosaid-rule-ids-'));
  for (const entry of ['src', 'test', 'migrations', 'scripts', 'bench', 'schemas', 'web', 'tsconfig.json', 'package.json'])
    cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function run(dir: string, script: string): { status: number | null; output: string } {
  const r = spawnSync('npm', ['run', '-s', script], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('audit rule ids', () => {
  it('the registry holds one rule for every id of the schema enum, in its order', () => {
    assert.deepEqual(RULE_IDS, schemaRuleIds());
    assert.equal(new Set(RULES).size, RULES.length);
  });

  describe('removing a rule id from the report schema enum', () => {
    let dir: string;
    before(function () {
      this.timeout(60000);
      dir = scratchCopy();
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('fails npm run typecheck once the types are generated again, naming the rule file', function () {
      this.timeout(120000);
      // The copy itself type-checks: a failure below is the removed id, nothing else.
      const control = run(dir, 'typecheck');
      assert.equal(control.status, 0, control.output);

      const removed = 'TAG-ORPHANED';
      const file = path.join(dir, SCHEMA);
      const schema = JSON.parse(readFileSync(file, 'utf8'));
      const ids: string[] = schema.$defs.ruleId.enum;
      assert.ok(ids.includes(removed));
      schema.$defs.ruleId.enum = ids.filter((id) => id !== removed);
      writeFileSync(file, JSON.stringify(schema, null, 2));
      const gen = run(dir, 'gen:types');
      assert.equal(gen.status, 0, gen.output);
      assert.ok(!readFileSync(path.join(dir, 'src/generated/schema-types.ts'), 'utf8').includes(`"${removed}"`));

      const broken = run(dir, 'typecheck');
      assert.notEqual(broken.status, 0, 'the type check passed without the rule id');
      assert.match(broken.output, /src\/audits\/rules\/tag-orphaned\.ts\(\d+,\d+\): error/);
      assert.match(broken.output, new RegExp(`"${removed}"`));
    });
  });
});
