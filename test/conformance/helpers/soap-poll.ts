/**
 * Fosstrak's conformance files are EPCIS 1.0 SOAP bodies: a Poll (or Subscribe) with query
 * parameters, and the QueryResults or exception it should produce. This translates a request into
 * the EPCIS 2.0 REST query (`/epcis/events?...`, list values joined with `|`) and reads what a
 * response expects. It reads only these small query files; EPCIS documents are read by the system
 * under test.
 */
import { readFileSync } from 'node:fs';
import { SaxesParser } from 'saxes';

export interface XmlElement {
  /** Local name (namespace prefix dropped). */
  name: string;
  children: XmlElement[];
  text: string;
}

export function parseXml(text: string): XmlElement {
  const parser = new SaxesParser();
  const root: XmlElement = { name: '#root', children: [], text: '' };
  const stack: XmlElement[] = [root];
  parser.on('opentag', (tag) => {
    const el: XmlElement = { name: tag.name.replace(/^.*:/, ''), children: [], text: '' };
    stack.at(-1)!.children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t) => void (stack.at(-1)!.text += t));
  parser.on('cdata', (t) => void (stack.at(-1)!.text += t));
  parser.write(text.replace(/^\uFEFF/, '')).close();
  return root.children[0]!;
}

const child = (el: XmlElement, name: string) => el.children.find((c) => c.name === name);

export interface RestQuery {
  queryName: string;
  /** Parameters in request order; a repeated name stays repeated (the server must refuse it). */
  params: [string, string][];
  /** The REST path and query string. */
  path: string;
}

/** A Poll/Subscribe body -> the REST query it asks. */
export function translateRequest(file: string): RestQuery {
  const root = parseXml(readFileSync(file, 'utf8'));
  const queryName = child(root, 'queryName')?.text.trim() ?? '';
  const params: [string, string][] = [];
  for (const p of child(root, 'params')?.children ?? []) {
    const name = child(p, 'name')!.text.trim();
    const value = child(p, 'value');
    // A list of strings becomes one `|`-separated value; a plain value (int, time, void) its text.
    const strings = value?.children.filter((c) => c.name === 'string') ?? [];
    params.push([name, strings.length ? strings.map((s) => s.text.trim()).join('|') : (value?.text.trim() ?? '')]);
  }
  const search = new URLSearchParams(params).toString();
  const base = queryName === 'SimpleEventQuery' ? '/epcis/events' : `/epcis/queries/${encodeURIComponent(queryName)}/events`;
  return { queryName, params, path: base + (search ? `?${search}` : '') };
}

export interface ExpectedEvent {
  type: string;
  /** eventTime in milliseconds since the epoch (Fosstrak writes `.000Z` and `Z` interchangeably). */
  eventTime: number;
}

export type Expected = { kind: 'results'; events: ExpectedEvent[] } | { kind: 'exception'; name: string };

/** What a response file expects: the events of its QueryResults in order, or the exception its root names. */
export function readExpected(file: string): Expected {
  const root = parseXml(readFileSync(file, 'utf8'));
  if (root.name !== 'QueryResults') return { kind: 'exception', name: root.name };
  const list = child(child(root, 'resultsBody') ?? { name: '', children: [], text: '' }, 'EventList');
  return {
    kind: 'results',
    events: (list?.children ?? []).map((e) => ({ type: e.name, eventTime: Date.parse(child(e, 'eventTime')!.text.trim()) })),
  };
}
