// npm run verify-report -- <report.json>
// Tells whether a saved audit report is intact: recomputes the SHA-256 of its canonical content (RFC 8785,
// without the digest member) and compares it with the digest it carries. Exit 0: intact; 1: not intact;
// 2: the file cannot be read as JSON.
import { readFileSync } from 'node:fs';
import { verifyReport } from '../audits/audit-service.js';
import { createSchemaRegistry } from '../validation/ajv.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run verify-report -- <report.json>');
  process.exit(2);
}
let report: unknown;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`${file}: not intact: it cannot be read as JSON (${err instanceof Error ? err.message : String(err)})`);
  process.exit(2);
}
if (!report || typeof report !== 'object' || Array.isArray(report)) {
  console.error(`${file}: not intact: it is not a report object`);
  process.exit(1);
}
const result = verifyReport(report as Record<string, unknown>, createSchemaRegistry().validator('audit-report'));
console.log(`${file}: ${result.intact ? 'intact' : 'NOT intact'}. ${result.reason}`);
console.log(`  expected ${result.algorithm} ${result.expected ?? '(none)'}`);
console.log(`  actual   ${result.algorithm} ${result.actual}`);
process.exit(result.intact ? 0 : 1);
