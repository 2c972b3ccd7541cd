/** A small XML element tree: what the streaming reader keeps of one event (or one header part). */

export interface XmlAttribute {
  prefix: string;
  local: string;
  uri: string;
  value: string;
}

export interface XmlElement {
  prefix: string;
  local: string;
  uri: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  text: string;
  /** 1-based line of the start tag, for error messages. */
  line: number;
}

/** Namespaces of the EPCIS schemas themselves: elements in them (or in none) are standard fields. */
export const EPCIS_NAMESPACES: ReadonlySet<string> = new Set([
  '',
  'urn:epcglobal:epcis:xsd:1',
  'urn:epcglobal:epcis:xsd:2',
  'urn:epcglobal:epcis-query:xsd:1',
  'urn:epcglobal:epcis-query:xsd:2',
  'urn:epcglobal:epcis-masterdata:xsd:1',
  'urn:epcglobal:epcis-masterdata:xsd:2',
]);

export const isStandard = (el: { uri: string }): boolean => EPCIS_NAMESPACES.has(el.uri);

/** Standard child elements named `local`. */
export const childrenNamed = (el: XmlElement, local: string): XmlElement[] =>
  el.children.filter((c) => c.local === local && isStandard(c));

export const textOf = (el: XmlElement): string => el.text.trim();

export function attribute(el: XmlElement, local: string): string | undefined {
  return el.attributes.find((a) => a.local === local && a.uri === '')?.value;
}
