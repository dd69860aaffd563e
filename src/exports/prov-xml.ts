// PROV-XML (https://www.w3.org/TR/prov-xml/), media type application/provenance+xml. Element order within a
// record follows the W3C schema (prov-core.xsd): formal arguments, then prov:label, prov:location,
// prov:role, prov:type, prov:value, then attributes of other namespaces.
import type { ProvRecord, Section } from './prov.js';
import { partsOf, type ProvValue, type ProvWriter, valuesOf } from './prov-shape.js';

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' };

/**
 * Text escaped for XML content or a double-quoted attribute. XML 1.0 cannot carry the C0 control
 * characters other than tab, newline and carriage return, nor U+FFFE, U+FFFF or a lone surrogate, not even
 * as character references: each becomes U+FFFD. A carriage return is written as a reference, so that no
 * parser folds it into a newline.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 forbids
const NOT_XML = /[\0-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlText(text: string): string {
  return text.replace(NOT_XML, '\ufffd').replace(/[&<>"\r]/g, (c) => ENTITY[c]);
}

const PROV_ORDER = ['prov:label', 'prov:location', 'prov:role', 'prov:type', 'prov:value'];
const rank = (key: string) => (PROV_ORDER.includes(key) ? PROV_ORDER.indexOf(key) : PROV_ORDER.length);

function element(name: string, v: ProvValue): string {
  if (typeof v === 'string') return `<${name}>${xmlText(v)}</${name}>`;
  if (typeof v === 'boolean') return `<${name} xsi:type="xsd:boolean">${v}</${name}>`;
  if (typeof v === 'number') return `<${name} xsi:type="${Number.isInteger(v) ? 'xsd:long' : 'xsd:double'}">${v}</${name}>`;
  if (v.lang) return `<${name} xml:lang="${xmlText(v.lang)}">${xmlText(v.$)}</${name}>`;
  return `<${name}${v.type ? ` xsi:type="${xmlText(v.type)}"` : ''}>${xmlText(v.$)}</${name}>`;
}

function recordXml(section: Section, key: string, record: ProvRecord): string {
  const { id, args, formal, attrs } = partsOf(section, key, record);
  const children = [
    ...args.flatMap((a, i) => (a === null ? [] : [`<${formal[i]} prov:ref="${xmlText(a)}"/>`])),
    ...attrs
      .map(([k, v], i) => ({ k, v, i }))
      .sort((a, b) => rank(a.k) - rank(b.k) || a.i - b.i)
      .flatMap(({ k, v }) => valuesOf(v).map((x) => element(k, x))),
  ];
  const open = `  <prov:${section}${id ? ` prov:id="${xmlText(id)}"` : ''}`;
  return children.length ? `${open}>\n${children.map((c) => `    ${c}\n`).join('')}  </prov:${section}>\n` : `${open}/>\n`;
}

export const provxmlWriter: ProvWriter = {
  contentType: 'application/provenance+xml; charset=utf-8',
  extension: 'provx',
  open: (prefixes) =>
    '<?xml version="1.0" encoding="UTF-8"?>\n<prov:document xmlns:prov="http://www.w3.org/ns/prov#"' +
    ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' +
    Object.entries(prefixes)
      .map(([p, iri]) => ` xmlns:${p}="${xmlText(iri)}"`)
      .join('') +
    '>\n',
  openSection: () => '',
  record: (section, key, record) => recordXml(section, key, record),
  closeSection: () => '',
  close: () => '</prov:document>\n',
};
