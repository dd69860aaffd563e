// The rule registry. Every module in this folder that exports a Rule is a rule: adding one is writing
// its file (with its id in the report schema's enum, which its type requires), never editing a list.
// Reports list the rules in the order of that enum, so the catalogue's order lives in the schema.
import { readdirSync } from 'node:fs';
import { loadSchemas } from '../../validation/schema-files.js';
import type { AuditRuleId, Rule } from '../types.js';

const here = new URL('./', import.meta.url);

function isRule(value: unknown): value is Rule {
  const r = value as Partial<Rule> | null;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.check === 'function' && typeof r.target === 'string';
}

/** The rule ids of the report schema's enum, in catalogue order. */
export function schemaRuleIds(): AuditRuleId[] {
  return loadSchemas().get('audit-report')!.$defs!.ruleId.enum as AuditRuleId[];
}

async function discover(): Promise<Rule[]> {
  const files = readdirSync(here)
    .filter((f) => /\.(ts|js|mjs)$/.test(f) && !/\.d\.ts$/.test(f) && !/^index\./.test(f))
    .sort();
  const modules = await Promise.all(files.map((f) => import(new URL(f, here).href) as Promise<Record<string, unknown>>));
  const rules = [...new Set(modules.flatMap((m) => Object.values(m).filter(isRule)))];
  const order = schemaRuleIds();
  const seen = new Set<string>();
  for (const r of rules) {
    if (seen.has(r.id)) throw new Error(`audit rules: two rules have the id ${r.id}`);
    seen.add(r.id);
    if (!order.includes(r.id)) throw new Error(`audit rules: ${r.id} is not in the report schema's rule-id enum`);
  }
  return rules.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

export const RULES: readonly Rule[] = await discover();

export const RULE_IDS = RULES.map((r) => r.id);
