// The three serialisations of one PROV document: PROV-JSON, PROV-N and PROV-XML. Each writes the same
// records with the same identifiers, record by record, so the whole-database export streams in any of them.
import type { ProvRecord, Section } from './prov.js';
import { provnWriter } from './prov-n.js';
import type { ProvWriter } from './prov-shape.js';
import { provxmlWriter } from './prov-xml.js';

export type ProvFormat = 'json' | 'provn' | 'provxml';

const jsonWriter: ProvWriter = {
  contentType: 'application/json; charset=utf-8',
  extension: 'json',
  open: (prefixes) => `{"prefix":${JSON.stringify(prefixes)}`,
  openSection: (section) => `,${JSON.stringify(section)}:{`,
  record: (_section, key, record, index) => `${index ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(record)}`,
  closeSection: () => '}',
  close: () => '}',
};

export const PROV_WRITERS: Record<ProvFormat, ProvWriter> = { json: jsonWriter, provn: provnWriter, provxml: provxmlWriter };

/** A whole document from sections of records (the scoped exports, small enough to hold). */
export function renderProv(
  writer: ProvWriter,
  prefixes: Record<string, string>,
  sections: Array<[Section, Array<[string, ProvRecord]>]>,
): string {
  let out = writer.open(prefixes);
  for (const [section, records] of sections) {
    out += writer.openSection(section);
    records.forEach(([key, record], i) => {
      out += writer.record(section, key, record, i);
    });
    out += writer.closeSection(section);
  }
  return out + writer.close();
}
