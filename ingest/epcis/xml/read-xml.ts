/**
 * EPCIS XML (2.0, and 1.x as the conformance suites use it) streamed through saxes, a maintained
 * namespace-aware SAX parser: only the event being read is held as a tree, never the document.
 * Each event is converted to the EPCIS 2.0 JSON shape (to-json.ts) and then read like a JSON event
 * (document.ts: validation, mapping, hash id).
 *
 * Documents: EPCISDocument, EPCISQueryDocument (query results), EPCISMasterDataDocument (1.x),
 * or a bare event. Header master data (`EPCISMasterData/VocabularyList`) and `ignoreFields` lists
 * (event-hash.ts) are read on the way.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { TracegraphError } from '../../../core/errors.ts';
import type { EventHashContext } from '../event-hash.ts';
import { readEpcisEvent, type EpcisDocumentInfo, type EpcisEventRead, type EpcisVocabulary } from '../document.ts';
import { MAX_EPCIS_DEPTH, tooDeep } from '../limits.ts';
import { attribute, childrenNamed, isStandard, textOf, type XmlElement } from './element.ts';
import { XML_EVENT_TYPES, xmlEventToJson, type XmlSchemaCheck } from './to-json.ts';

const DOCUMENTS: Record<string, EpcisDocumentInfo['documentType']> = {
  EPCISDocument: 'EPCISDocument',
  EPCISQueryDocument: 'EPCISQueryDocument',
  EPCISMasterDataDocument: 'EPCISMasterDataDocument',
};

/** A finished piece of the document, handled outside the parser's callbacks (in document order). */
type Piece =
  | { kind: 'event'; el: XmlElement; index: number }
  | { kind: 'vocabularies'; el: XmlElement }
  | { kind: 'ignoreFields'; el: XmlElement };

interface Frame {
  local: string;
  standard: boolean;
  /** The element being kept as a tree (inside an event, a vocabulary list or ignoreFields). */
  node?: XmlElement;
  /** The outermost kept element: handed on when it closes. */
  piece?: Piece['kind'];
}

export async function* readXmlDocument(
  chunks: AsyncIterable<string>,
  file: string,
  info: EpcisDocumentInfo,
  opts: { schema?: 'strict' | 'lenient' } = {},
): AsyncGenerator<EpcisEventRead> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const pieces: Piece[] = [];
  const stack: Frame[] = [];
  const ignoreFields: string[] = [];
  const uriPrefix = new Map<string, string>();
  let events = 0;
  let rootSeen = false;
  let xsd: XmlSchemaCheck = 'xsd2';

  /** The prefix that names `uri` in JSON keys: the document's own where it is unambiguous. */
  const prefixFor = (uri: string, preferred: string): string => {
    const known = uriPrefix.get(uri);
    if (known !== undefined) return known;
    let prefix = preferred !== '' && !Object.hasOwn(info.namespaces, preferred) ? preferred : '';
    for (let n = 1; prefix === ''; n++) if (!Object.hasOwn(info.namespaces, `ns${n}`)) prefix = `ns${n}`;
    info.namespaces[prefix] = uri;
    uriPrefix.set(uri, prefix);
    return prefix;
  };

  const where = (line: number, index?: number) => `${file}:${line}${index === undefined ? '' : ` EventList[${index}]`}`;

  parser.on('opentag', (tag: SaxesTagNS) => {
    for (const [prefix, uri] of Object.entries(tag.ns)) {
      if (prefix !== '' && !Object.hasOwn(info.namespaces, prefix)) info.namespaces[prefix] = uri;
      if (prefix !== '' && !uriPrefix.has(uri) && info.namespaces[prefix] === uri) uriPrefix.set(uri, prefix);
    }
    const line = parser.line;
    // Refused at the first element too deep, before saxes spends more time on the rest.
    if (stack.length >= MAX_EPCIS_DEPTH) throw tooDeep(where(line));
    const parent = stack.at(-1);
    const standard = isStandard(tag);
    if (parent?.node) {
      const node = element(tag, line);
      parent.node.children.push(node);
      stack.push({ local: tag.local, standard, node });
      return;
    }
    if (!rootSeen) {
      rootSeen = true;
      const schemaVersion = Object.values(tag.attributes).find((a) => a.local === 'schemaVersion' && a.uri === '')?.value;
      xsd = opts.schema === 'lenient' ? 'none' : schemaOf(tag.uri, schemaVersion);
      const type = DOCUMENTS[tag.local];
      if (type !== undefined) {
        info.documentType = type;
      } else if (XML_EVENT_TYPES.has(tag.local)) {
        info.documentType = 'events';
        stack.push({ local: tag.local, standard, node: element(tag, line), piece: 'event' });
        return;
      } else {
        throw new TracegraphError(
          'BAD_EPCIS',
          `<${tag.name}>: not an EPCIS document; expected EPCISDocument, EPCISQueryDocument, EPCISMasterDataDocument or an event`,
          { where: where(line) },
        );
      }
    }
    if (standard && tag.local === 'Poll') {
      throw new TracegraphError('BAD_EPCIS', '<Poll>: this document is a query request, not events to capture', {
        where: where(line),
      });
    }
    const inEventList = stack.some((f) => f.local === 'EventList' && f.standard);
    if (inEventList && standard && tag.local !== 'extension') {
      // Events sit in EventList, 1.x TransformationEvents also in EventList/extension.
      if (!XML_EVENT_TYPES.has(tag.local)) {
        throw new TracegraphError('BAD_EPCIS', `<${tag.local}>: unknown event type`, { where: where(line, events) });
      }
      stack.push({ local: tag.local, standard, node: element(tag, line), piece: 'event' });
      return;
    }
    if (standard && tag.local === 'VocabularyList') {
      stack.push({ local: tag.local, standard, node: element(tag, line), piece: 'vocabularies' });
      return;
    }
    if (tag.local === 'ignoreFields') {
      stack.push({ local: tag.local, standard, node: element(tag, line), piece: 'ignoreFields' });
      return;
    }
    stack.push({ local: tag.local, standard });
  });

  const onText = (text: string) => {
    const node = stack.at(-1)?.node;
    if (node) node.text += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  parser.on('closetag', () => {
    const frame = stack.pop();
    if (frame?.piece === undefined || frame.node === undefined) return;
    if (frame.piece === 'event') pieces.push({ kind: 'event', el: frame.node, index: events++ });
    else pieces.push({ kind: frame.piece, el: frame.node });
  });

  const hashContext = (): EventHashContext => ({ namespaces: { ...info.namespaces }, ignoreFields: [...ignoreFields] });

  function* drain(): Generator<EpcisEventRead> {
    for (const piece of pieces.splice(0)) {
      if (piece.kind === 'vocabularies') {
        info.masterData.push(...vocabularies(piece.el));
      } else if (piece.kind === 'ignoreFields') {
        for (const f of piece.el.children) ignoreFields.push(f.uri === '' ? f.local : `${prefixFor(f.uri, f.prefix)}:${f.local}`);
      } else {
        const at = where(piece.el.line, info.documentType === 'events' ? undefined : piece.index);
        const json = xmlEventToJson(piece.el, at, prefixFor, xsd);
        info.eventCount++;
        yield readEpcisEvent(json, piece.index, at, hashContext());
      }
    }
  }

  try {
    for await (const chunk of chunks) {
      parser.write(chunk);
      yield* drain();
    }
    parser.close();
  } catch (e) {
    if (e instanceof TracegraphError) throw e;
    // saxes reports "line:column: message"; keep its position, name our file.
    const message = (e as Error).message.replace(/^(?:[^:\d][^:]*:)?(\d+):(\d+): /, 'line $1, column $2: ');
    throw new TracegraphError('BAD_EPCIS', `not well-formed XML: ${message}`, { where: file, cause: e });
  }
  yield* drain();
  if (!rootSeen) throw new TracegraphError('BAD_EPCIS', 'empty document: no XML element found', { where: file });
}

/**
 * The XSD a document names: by its namespace and its schemaVersion. A document that names both
 * versions (the 1.x namespace with schemaVersion 2.0, as the event-hash reference writes) matches
 * neither XSD and is held to the JSON rules only.
 */
function schemaOf(uri: string, schemaVersion: string | undefined): XmlSchemaCheck {
  const byNamespace = /:xsd:1$/.test(uri) ? '1' : /:xsd:2$/.test(uri) ? '2' : undefined;
  const byVersion = schemaVersion?.trim().charAt(0);
  const version = byNamespace ?? byVersion ?? '2';
  if (byVersion !== undefined && byVersion !== version) return 'none';
  return version === '1' ? 'xsd1' : 'xsd2';
}

function element(tag: SaxesTagNS, line: number): XmlElement {
  return {
    prefix: tag.prefix,
    local: tag.local,
    uri: tag.uri,
    attributes: Object.values(tag.attributes).map((a) => ({ prefix: a.prefix, local: a.local, uri: a.uri, value: a.value })),
    children: [],
    text: '',
    line,
  };
}

/** `<VocabularyList><Vocabulary type><VocabularyElementList><VocabularyElement id>` -> vocabularies. */
function vocabularies(list: XmlElement): EpcisVocabulary[] {
  return childrenNamed(list, 'Vocabulary').map((v) => ({
    type: attribute(v, 'type') ?? '',
    elements: childrenNamed(v, 'VocabularyElementList').flatMap((l) =>
      childrenNamed(l, 'VocabularyElement').map((e) => ({
        id: attribute(e, 'id') ?? '',
        attributes: Object.fromEntries(childrenNamed(e, 'attribute').map((a) => [attribute(a, 'id') ?? '', attributeValue(a)])),
        children: childrenNamed(e, 'children').flatMap((c) => childrenNamed(c, 'id').map(textOf)),
      })),
    ),
  }));
}

/** An attribute's text, or its nested elements (e.g. an address) written as JSON. */
function attributeValue(a: XmlElement): string {
  if (a.children.length === 0) return textOf(a);
  const nested = (el: XmlElement): unknown =>
    el.children.length === 0 ? textOf(el) : Object.fromEntries(el.children.map((c) => [c.local, nested(c)]));
  return JSON.stringify(nested(a));
}
