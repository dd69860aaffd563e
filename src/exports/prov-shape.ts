// What every PROV serialisation shares: the writer each implements, and how a PROV-JSON record splits into
// identifier, formal arguments and attributes.
import type { ProvRecord, Section } from './prov.js';

export interface ProvWriter {
  /** Media type of the body (charset included where it is text). */
  contentType: string;
  /** File name extension of ?download=1. */
  extension: string;
  open(prefixes: Record<string, string>): string;
  openSection(section: Section): string;
  /** One record; `index` counts the records already written in this section. */
  record(section: Section, key: string, record: ProvRecord, index: number): string;
  closeSection(section: Section): string;
  close(): string;
}

/**
 * The formal arguments of each relation in PROV-N order (PROV-XML has the same order): a record names
 * them by these keys in PROV-JSON; every other key is an attribute.
 */
export const RELATION_ARGS: Record<Section, readonly string[]> = {
  agent: [],
  entity: [],
  actedOnBehalfOf: ['prov:delegate', 'prov:responsible', 'prov:activity'],
  wasAttributedTo: ['prov:entity', 'prov:agent'],
  wasDerivedFrom: ['prov:generatedEntity', 'prov:usedEntity', 'prov:activity', 'prov:generation', 'prov:usage'],
  hadMember: ['prov:collection', 'prov:entity'],
};

/** A PROV-JSON attribute value: a string, number or boolean; a typed or language-tagged literal; or a list of them. */
export type ProvValue = string | number | boolean | { $: string; type?: string; lang?: string };

/** The attribute values of one key, a list in PROV-JSON when there are several. */
export const valuesOf = (v: unknown): ProvValue[] => (Array.isArray(v) ? v : [v]) as ProvValue[];

/** Splits a record into its identifier (none when blank), its formal arguments and its attributes. */
export function partsOf(section: Section, key: string, record: ProvRecord) {
  const formal = RELATION_ARGS[section];
  const args = formal.map((name) => (record[name] as string | undefined) ?? null);
  // Trailing absent arguments are left out; absent ones in between are written as "-" (PROV-N) or skipped (XML).
  while (args.length > 0 && args[args.length - 1] === null) args.pop();
  const attrs = Object.entries(record).filter(([k]) => !formal.includes(k));
  return { id: key.startsWith('_:') ? null : key, args, formal, attrs };
}
