/**
 * One EPCIS XML event (2.0 or 1.x) -> the EPCIS 2.0 JSON shape, so XML and JSON share validation
 * (schema.ts), mapping (map.ts) and the event hash. What only XML can get wrong is checked here:
 * an unknown standard element, and standard elements out of the order the EPCIS XSD prescribes.
 *
 * EPCIS 1.x wrote its later additions inside `<extension>` (quantityList, sourceList, ilmd, ...)
 * and `<baseExtension>` (eventID, errorDeclaration) wrappers; they are read as if written in
 * place. A 1.0 QuantityEvent becomes an ObjectEvent OBSERVE with one quantity element.
 */
import { TracegraphError } from '../../../core/errors.ts';
import { attribute, childrenNamed, isStandard, textOf, type XmlElement } from './element.ts';

/** Which XSD an event is held to: EPCIS 2.0's, EPCIS 1.x's, or none (the JSON rules only). */
export type XmlSchemaCheck = 'xsd2' | 'xsd1' | 'none';

/** Names a namespace URI with the prefix the document's JSON shape uses for it. */
export type PrefixFor = (uri: string, preferred: string) => string;

type Json = Record<string, unknown>;

export const XML_EVENT_TYPES: ReadonlySet<string> = new Set([
  'ObjectEvent',
  'AggregationEvent',
  'TransactionEvent',
  'TransformationEvent',
  'AssociationEvent',
  'QuantityEvent',
]);

const HEAD = [
  'eventTime',
  'recordTime',
  'eventTimeZoneOffset',
  'baseExtension',
  'eventID',
  'errorDeclaration',
  'certificationInfo',
];
const WHY = ['bizStep', 'disposition', 'readPoint', 'bizLocation'];
/** Producers (GS1's own examples among them) disagree on the order of these 2.0 additions: any order. */
const ADDED_IN_2 = ['sensorElementList', 'persistentDisposition', 'ilmd'];

/**
 * Element order of each event type in the EPCIS 2.0 XSD; names in an inner array share a place.
 * (1.x had the same order with the newer fields inside `baseExtension` / `extension`; 1.x
 * documents are not order-checked, see xmlEventToJson.)
 */
// prettier-ignore
const ORDER: Record<string, (string | string[])[]> = {
  ObjectEvent: [...HEAD, 'epcList', 'action', ...WHY, 'bizTransactionList', 'quantityList', 'sourceList', 'destinationList', ADDED_IN_2, 'extension'],
  AggregationEvent: [...HEAD, 'parentID', 'childEPCs', 'action', ...WHY, 'bizTransactionList', 'childQuantityList', 'sourceList', 'destinationList', ADDED_IN_2, 'extension'],
  AssociationEvent: [...HEAD, 'parentID', 'childEPCs', 'childQuantityList', 'action', ...WHY, 'bizTransactionList', 'sourceList', 'destinationList', ADDED_IN_2, 'extension'],
  TransactionEvent: [...HEAD, 'bizTransactionList', 'parentID', 'epcList', 'action', ...WHY, 'quantityList', 'sourceList', 'destinationList', ADDED_IN_2, 'extension'],
  TransformationEvent: [...HEAD, 'inputEPCList', 'inputQuantityList', 'outputEPCList', 'outputQuantityList', 'transformationID', ...WHY, 'bizTransactionList', 'sourceList', 'destinationList', ADDED_IN_2, 'extension'],
  QuantityEvent: [...HEAD, 'epcClass', 'quantity', ...WHY, 'bizTransactionList', 'extension'],
};

/** Elements the XSDs require (minOccurs 1) beyond what the JSON rules already check. */
const REQUIRED_2: string[] = ['eventTimeZoneOffset'];
const REQUIRED_1: Record<string, string[]> = {
  ObjectEvent: ['eventTimeZoneOffset', 'epcList'],
  AggregationEvent: ['eventTimeZoneOffset', 'childEPCs'],
  TransactionEvent: ['eventTimeZoneOffset', 'bizTransactionList', 'epcList'],
  TransformationEvent: ['eventTimeZoneOffset'],
  QuantityEvent: ['eventTimeZoneOffset', 'epcClass', 'quantity'],
};

/** Field name -> its place in ORDER[type]. */
const RANK: Record<string, Map<string, number>> = Object.fromEntries(
  Object.entries(ORDER).map(([type, order]) => [
    type,
    new Map(order.flatMap((entry, i) => (Array.isArray(entry) ? entry : [entry]).map((name) => [name, i] as const))),
  ]),
);

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Numeric text as a number; anything else stays text, so validation can say what is wrong. */
function numberOrText(s: string): number | string {
  return DECIMAL.test(s) ? Number(s) : s;
}

function fail(message: string, where: string): never {
  throw new TracegraphError('BAD_EPCIS', message, { where });
}

/**
 * `schema`: which XSD's structure rules to hold the XML to (the JSON rules always hold): `xsd2`
 * element order and required elements of EPCIS 2.0; `xsd1` the required elements of EPCIS 1.x
 * (whose producers place fields and wrappers loosely, so order is not checked); `none` neither.
 */
export function xmlEventToJson(el: XmlElement, where: string, prefixFor: PrefixFor, schema: XmlSchemaCheck): Json {
  const type = el.local;
  const rank = Object.hasOwn(RANK, type) ? RANK[type] : undefined;
  if (rank === undefined) fail(`unknown event type <${type}>`, where);
  const at = `${where} (${type})`;
  const out: Json = { type: type === 'QuantityEvent' ? 'ObjectEvent' : type };
  const ctx: Ctx = { prefixFor, at, type };
  if (schema === 'xsd2') {
    checkRequired(el, REQUIRED_2, at);
    checkElementOrder(el, rank, at);
  } else if (schema === 'xsd1') {
    checkRequired(el, REQUIRED_1[type] ?? [], at);
  }
  readFields(el, out, ctx, new Set(rank.keys()));
  if (type === 'QuantityEvent') {
    const epcClass = out.epcClass;
    const quantity = out.quantity;
    delete out.epcClass;
    delete out.quantity;
    out.quantityList = [{ epcClass, quantity }];
    if (out.action === undefined) out.action = 'OBSERVE';
  }
  return out;
}

interface Ctx {
  prefixFor: PrefixFor;
  at: string;
  type: string;
}

/** Every standard element in `order` sequence; extension elements (other namespaces) anywhere. */
function checkElementOrder(el: XmlElement, rank: Map<string, number>, at: string): void {
  let last = -1;
  let lastName = '';
  const seen = new Set<string>();
  for (const child of el.children) {
    if (!isStandard(child)) continue;
    const i = rank.get(child.local);
    if (i === undefined) fail(`<${child.local}> (line ${child.line}): unknown element in a ${el.local}`, at);
    if (i < last) {
      fail(`<${child.local}> (line ${child.line}): out of order; the EPCIS XSD puts it before <${lastName}>`, at);
    }
    if (seen.has(child.local) && child.local !== 'certificationInfo') {
      fail(`<${child.local}> (line ${child.line}): given twice`, at);
    }
    seen.add(child.local);
    last = i;
    lastName = child.local;
  }
}

/** Required elements, looked for in 1.x wrappers too. */
function checkRequired(el: XmlElement, required: string[], at: string): void {
  const present = new Set<string>();
  const collect = (e: XmlElement) => {
    for (const c of e.children) {
      if (!isStandard(c)) continue;
      if (c.local === 'extension' || c.local === 'baseExtension') collect(c);
      else present.add(c.local);
    }
  };
  collect(el);
  const missing = required.filter((name) => !present.has(name));
  if (missing.length > 0)
    fail(`${missing.map((m) => `<${m}>`).join(', ')}: missing (the EPCIS XSD requires it in a ${el.local})`, at);
}

/** Reads the children of an event (or of an extension wrapper inside it) into `out`. */
function readFields(el: XmlElement, out: Json, ctx: Ctx, allowed: ReadonlySet<string>): void {
  for (const child of el.children) {
    if (!isStandard(child)) {
      addExtension(out, child, ctx);
      continue;
    }
    const name = child.local;
    if (name === 'extension' || name === 'baseExtension') {
      // 1.x wrappers: their content belongs to the event (any standard field of it).
      readFields(child, out, ctx, ALL_FIELDS);
      continue;
    }
    if (!allowed.has(name)) fail(`<${name}> (line ${child.line}): unknown element in a ${ctx.type}`, ctx.at);
    out[name] = standardField(name, child, ctx);
  }
}

const ALL_FIELDS: ReadonlySet<string> = new Set(Object.values(ORDER).flat(2));

function standardField(name: string, el: XmlElement, ctx: Ctx): unknown {
  switch (name) {
    case 'epcList':
    case 'childEPCs':
    case 'inputEPCList':
    case 'outputEPCList':
      return childrenNamed(el, 'epc').map(textOf);
    case 'quantityList':
    case 'childQuantityList':
    case 'inputQuantityList':
    case 'outputQuantityList':
      return childrenNamed(el, 'quantityElement').map((q) => quantityElement(q, ctx));
    case 'quantity':
      return numberOrText(textOf(el));
    case 'readPoint':
    case 'bizLocation':
      return structure(el, ctx, { id: textOf });
    case 'bizTransactionList':
      return typedList(el, 'bizTransaction', ctx);
    case 'sourceList':
      return typedList(el, 'source', ctx);
    case 'destinationList':
      return typedList(el, 'destination', ctx);
    case 'persistentDisposition':
      return compact({
        set: listOrUndefined(childrenNamed(el, 'set').map(textOf)),
        unset: listOrUndefined(childrenNamed(el, 'unset').map(textOf)),
      });
    case 'errorDeclaration':
      return structure(el, ctx, {
        declarationTime: textOf,
        reason: textOf,
        correctiveEventIDs: (c) => childrenNamed(c, 'correctiveEventID').map(textOf),
      });
    case 'sensorElementList':
      return childrenNamed(el, 'sensorElement').map((s) => sensorElement(s, ctx));
    case 'ilmd':
      return extensionObject(el, ctx);
    default:
      return textOf(el);
  }
}

const compact = (obj: Json): Json => Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
const listOrUndefined = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);

function quantityElement(el: XmlElement, ctx: Ctx): Json {
  return structure(el, ctx, { epcClass: textOf, quantity: (c) => numberOrText(textOf(c)), uom: textOf });
}

/** `<bizTransaction type="...">value</bizTransaction>` -> `{ type, bizTransaction }`. */
function typedList(el: XmlElement, item: string, ctx: Ctx): Json[] {
  return childrenNamed(el, item).map((c) => {
    const out: Json = {};
    const type = attribute(c, 'type');
    if (type !== undefined) out.type = type.trim();
    out[item] = textOf(c);
    addExtensionAttributes(out, c, ctx);
    return out;
  });
}

/** A standard structure: its known children by reader, other standard children rejected, extensions kept. */
function structure(el: XmlElement, ctx: Ctx, readers: Record<string, (c: XmlElement) => unknown>): Json {
  const out: Json = {};
  for (const child of el.children) {
    if (!isStandard(child)) {
      addExtension(out, child, ctx);
    } else if (child.local === 'extension') {
      Object.assign(out, structure(child, ctx, readers));
    } else if (isNil(child)) {
      continue; // xsi:nil: the value is absent (e.g. a quantity not known)
    } else {
      const read = Object.hasOwn(readers, child.local) ? readers[child.local] : undefined;
      if (read === undefined) fail(`<${child.local}> (line ${child.line}): unknown element in <${el.local}>`, ctx.at);
      out[child.local] = read(child);
    }
  }
  return out;
}

const SENSOR_NUMBERS = new Set(['value', 'minValue', 'maxValue', 'meanValue', 'sDev', 'percRank', 'percValue']);

/** Sensor metadata and reports are attributes in XML, fields in JSON. */
function sensorAttributes(el: XmlElement, ctx: Ctx): Json {
  const out: Json = {};
  for (const a of el.attributes) {
    if (a.uri !== '') {
      if (a.uri !== XMLNS && a.uri !== XSI) out[`${ctx.prefixFor(a.uri, a.prefix)}:${a.local}`] = a.value;
      continue;
    }
    if (SENSOR_NUMBERS.has(a.local)) out[a.local] = numberOrText(a.value.trim());
    else if (a.local === 'booleanValue')
      out[a.local] = a.value.trim() === 'true' ? true : a.value.trim() === 'false' ? false : a.value;
    else out[a.local] = a.value;
  }
  for (const child of el.children) addExtension(out, child, ctx);
  return out;
}

function sensorElement(el: XmlElement, ctx: Ctx): Json {
  const out: Json = {};
  const reports: Json[] = [];
  for (const child of el.children) {
    if (!isStandard(child)) addExtension(out, child, ctx);
    else if (child.local === 'sensorMetadata') out.sensorMetadata = sensorAttributes(child, ctx);
    else if (child.local === 'sensorReport') reports.push(sensorAttributes(child, ctx));
    else if (child.local !== 'extension')
      fail(`<${child.local}> (line ${child.line}): unknown element in <sensorElement>`, ctx.at);
  }
  out.sensorReport = reports;
  return out;
}

// Extensions: `prefix:name` keys, nested elements as objects, repeated elements as arrays

const XMLNS = 'http://www.w3.org/2000/xmlns/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

const isNil = (el: XmlElement): boolean =>
  el.attributes.some((a) => a.uri === XSI && a.local === 'nil' && a.value.trim() === 'true');

function keyOf(el: { uri: string; prefix: string; local: string }, ctx: Ctx): string {
  return el.uri === '' ? el.local : `${ctx.prefixFor(el.uri, el.prefix)}:${el.local}`;
}

function addExtension(out: Json, el: XmlElement, ctx: Ctx): void {
  const key = keyOf(el, ctx);
  const value = extensionValue(el, ctx);
  const existing = out[key];
  if (existing === undefined) out[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else out[key] = [existing, value];
}

function addExtensionAttributes(out: Json, el: XmlElement, ctx: Ctx): void {
  for (const a of el.attributes) {
    if (a.uri !== '' && a.uri !== XMLNS && a.uri !== XSI) out[`${ctx.prefixFor(a.uri, a.prefix)}:${a.local}`] = a.value;
  }
}

function extensionObject(el: XmlElement, ctx: Ctx): Json {
  const out: Json = {};
  for (const child of el.children) addExtension(out, child, ctx);
  return out;
}

/**
 * A leaf as typed text (xsi:type numbers and booleans), an element with children as an object;
 * namespaced attributes of an extension element are fields of it, as the event-hash reference reads them.
 */
function extensionValue(el: XmlElement, ctx: Ctx): unknown {
  const attributes: Json = {};
  addExtensionAttributes(attributes, el, ctx);
  if (el.children.length > 0 || Object.keys(attributes).length > 0) return { ...attributes, ...extensionObject(el, ctx) };
  const text = textOf(el);
  const xsiType = el.attributes.find((a) => a.uri === XSI && a.local === 'type')?.value.replace(/^.*:/, '');
  if (xsiType !== undefined && /^(?:integer|int|long|short|decimal|double|float)$/.test(xsiType) && DECIMAL.test(text)) {
    return Number(text);
  }
  if (xsiType === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}
