import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { verifyReport } from '../../audits/audit-service.js';
import { createSchemaRegistry } from '../../validation/ajv.js';
import { dbFileOf, openForCommand } from '../database.js';
import type { Opened } from '../database.js';
import { CliError } from '../errors.js';

/**
 * One check of `whosaid verify`: it prints what it found and says whether it held. Further checks (a
 * checkpoint file, say) are an option and one more entry here.
 */
interface Check {
  name: string;
  run(opened: Opened, opts: Record<string, unknown>): { ok: boolean; lines: string[] } | null;
}

const CHECKS: Check[] = [
  {
    name: 'history',
    run({ services }) {
      const v = services.changes.verify();
      if (v.intact) return { ok: true, lines: [`history: intact, ${v.checked} changes, last hash ${v.lastHash ?? '(none)'}`] };
      const b = v.firstBroken!;
      return { ok: false, lines: [`history: BROKEN after ${v.checked} good changes: ${b.reason} (${b.recordType} ${b.recordId})`] };
    },
  },
];

export function verifyCommands(program: Command): void {
  program
    .command('verify')
    .description("Check the database's change history: every change chained to the one before by its hash")
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const opened = await openForCommand(dbFileOf(cmd), 'read');
      try {
        let ok = true;
        for (const check of CHECKS) {
          const result = check.run(opened, opts);
          if (!result) continue;
          for (const line of result.lines) (result.ok ? console.log : console.error)(line);
          ok &&= result.ok;
        }
        if (!ok) process.exitCode = 1;
      } finally {
        opened.db.close();
      }
    });

  program
    .command('verify-report')
    .description('Tell whether a saved audit report is intact: its SHA-256 digest matches its canonical content (exit 0 intact, 1 not)')
    .argument('<report>', 'an audit report saved as JSON')
    .action((file: string) => {
      let report: unknown;
      try {
        report = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        throw new CliError(`${file}: not intact: it cannot be read as JSON (${(err as Error).message})`, 2);
      }
      if (!report || typeof report !== 'object' || Array.isArray(report))
        throw new CliError(`${file}: not intact: it is not a report object`);
      const result = verifyReport(report as Record<string, unknown>, createSchemaRegistry().validator('audit-report'));
      console.log(`${file}: ${result.intact ? 'intact' : 'NOT intact'}. ${result.reason}`);
      console.log(`  expected ${result.algorithm} ${result.expected ?? '(none)'}`);
      console.log(`  actual   ${result.algorithm} ${result.actual}`);
      if (!result.intact) process.exitCode = 1;
    });
}
