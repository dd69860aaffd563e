// PROV-N (https://www.w3.org/TR/prov-n/), media type text/provenance-notation.
import type { ProvRecord, Section } from './prov.js';
import { partsOf, type ProvValue, type ProvWriter, valuesOf } from './prov-shape.js';

// PROV-N's string escapes (ECHAR: \t \b \n \r \f \" \' \\). A string literal may hold any other character
// as it is (STRING_LITERAL2 excludes only '"', '\', LF and CR), so text outside the BMP is written as its
// UTF-8; a lone surrogate, which UTF-8 cannot carry, becomes U+FFFD on the wire.
const ECHAR: Record<string, string> = { '\t': '\\t', '\b': '\\b', '\n': '\\n', '\r': '\\r', '\f': '\\f', '"': '\\"', '\\': '\\\\' };

/** A PROV-N string literal: the text between double quotes, escaped. */
export function provnString(text: string): string {
  return `"${text.replace(/[\t\b\n\r\f"\\]/g, (c) => ECHAR[c])}"`;
}

function literal(v: ProvValue): string {
  if (typeof v === 'string') return provnString(v);
  if (typeof v === 'boolean') return `${provnString(String(v))} %% xsd:boolean`;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : `${provnString(String(v))} %% xsd:double`;
  if (v.lang) return `${provnString(v.$)}@${v.lang}`;
  return v.type ? `${provnString(v.$)} %% ${v.type}` : provnString(v.$);
}

function attributes(attrs: Array<[string, unknown]>): string {
  const pairs = attrs.flatMap(([k, v]) => valuesOf(v).map((x) => `${k}=${literal(x)}`));
  return pairs.length ? `[${pairs.join(', ')}]` : '';
}

function statement(section: Section, key: string, record: ProvRecord): string {
  const { id, args, attrs } = partsOf(section, key, record);
  const list = attributes(attrs);
  const argText = args.map((a) => a ?? '-').join(', ');
  // An element is "name(id, [attrs])"; a relation "name(args, [attrs])", or "name(id; args, [attrs])" when identified.
  const inner = args.length === 0 ? (id ?? '-') : id ? `${id}; ${argText}` : argText;
  return `  ${section}(${inner}${list ? `, ${list}` : ''})\n`;
}

export const provnWriter: ProvWriter = {
  contentType: 'text/provenance-notation; charset=utf-8',
  extension: 'provn',
  open: (prefixes) =>
    'document\n' +
    Object.entries(prefixes)
      .map(([p, iri]) => `  prefix ${p} <${iri}>\n`)
      .join(''),
  openSection: () => '',
  record: (section, key, record) => statement(section, key, record),
  closeSection: () => '',
  close: () => 'endDocument\n',
};
