/**
 * EPCIS event hash ids (GS1 CBV 2.0 §8.9) for events as written in EPCIS 2.0 JSON / JSON-LD.
 *
 * The hash identifies an event by what it says, not by how it is written: the same event sent as
 * XML and again as JSON-LD, with its EPCs in another order, its time in another zone, its ids as
 * EPC URNs or as Digital Links and its CBV words short or as URIs, gets the same id. To get
 * there, the event is written out as a "pre-hash string": `key=value` pairs concatenated without
 * separators, standard fields in a fixed order, repeated elements sorted, every value in one
 * canonical spelling, user extensions (with expanded namespaces) sorted at the end of the
 * structure they belong to. The id is `ni:///sha-256;<hex of sha256(pre-hash)>?ver=CBV2.0`.
 *
 * The reference vectors of RalphTro/epcis-event-hash-generator (the GS1 reference
 * implementation; vendored under test/fixtures/) are the authority for details the standard leaves open; where this module
 * reproduces a quirk of the reference (numbers, see `canonicalNumber`) it says so.
 */
import { createHash } from 'node:crypto';

export interface EventHashContext {
  /** Prefix -> namespace IRI from the document's `@context`; the standard EPCIS prefixes are known. */
  namespaces?: Record<string, string>;
  /** Extension fields the document asks to leave out of the hash (`<prefix>:ignoreFields`), as CURIEs. */
  ignoreFields?: readonly string[];
}

export function eventHashId(rawEvent: Record<string, unknown>, context?: EventHashContext): string {
  const hex = createHash('sha256').update(preHashString(rawEvent, context), 'utf8').digest('hex');
  return `ni:///sha-256;${hex}?ver=CBV2.0`;
}

export function preHashString(rawEvent: Record<string, unknown>, context: EventHashContext = {}): string {
  // An event may carry its own @context (a bare event, or one inside a query result); it wins.
  const namespaces = { ...STANDARD_NAMESPACES, ...context.namespaces, ...namespacesOf(rawEvent['@context']) };
  const env: Env = { namespaces, ignored: new Set() };
  for (const field of context.ignoreFields ?? []) env.ignored.add(expandKey(field, env));
  const type = typeof rawEvent.type === 'string' ? rawEvent.type : '';
  return `eventType=${type}${structure(rawEvent, EVENT, env, EVENT_ONLY_IGNORED)}`;
}

/**
 * What `preHashString` needs from the document around the events: the namespace prefixes of its
 * `@context` and the fields named by any `<prefix>:ignoreFields` list in its header or query
 * results (GS1 lets a repository list its own bookkeeping fields there).
 */
export function hashContextOf(document: unknown): EventHashContext {
  if (!isObject(document)) return {};
  const ignoreFields: string[] = [];
  collectIgnoreFields(document, ignoreFields);
  return { namespaces: namespacesOf(document['@context']), ignoreFields };
}

function collectIgnoreFields(node: Record<string, unknown>, into: string[]): void {
  for (const [key, value] of Object.entries(node)) {
    if (key === 'eventList') continue; // events are hashed, not searched for document settings
    if ((key === 'ignoreFields' || key.endsWith(':ignoreFields')) && Array.isArray(value)) {
      into.push(...value.filter((v): v is string => typeof v === 'string'));
    } else if (isObject(value)) {
      collectIgnoreFields(value, into);
    }
  }
}

/** The prefixes the EPCIS 2.0 JSON-LD context defines, so documents need not repeat them. */
const STANDARD_NAMESPACES: Readonly<Record<string, string>> = {
  gs1: 'https://gs1.org/voc/',
  cbv: 'https://ref.gs1.org/cbv/',
  cbvmda: 'urn:epcglobal:cbv:mda:',
  epcis: 'https://ref.gs1.org/epcis/',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  dcterms: 'http://purl.org/dc/terms/',
};

function namespacesOf(context: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of Array.isArray(context) ? context : [context]) {
    if (!isObject(entry)) continue; // remote context URLs: their prefixes are the standard ones
    for (const [prefix, iri] of Object.entries(entry)) {
      if (typeof iri === 'string') out[prefix] = iri;
      else if (isObject(iri) && typeof iri['@id'] === 'string') out[prefix] = iri['@id'];
    }
  }
  return out;
}

// Structure: which fields, in which order, each rendered by a small function

interface Env {
  namespaces: Record<string, string>;
  /** Expanded names of extension fields to leave out. */
  ignored: Set<string>;
}

/** Renders one field as zero or more pre-hash pieces, each starting with the field name. */
type Render = (name: string, value: unknown, env: Env) => string[];
type Shape = ReadonlyArray<readonly [string, Render]>;

/** Fields that describe the record or its correction rather than the event (CBV 2.0 §8.9). */
const EVENT_ONLY_IGNORED = new Set(['type', 'eventID', 'recordTime', 'errorDeclaration']);
/** Human-readable comments never identify anything. */
const COMMENT_KEYS = new Set(['comment', 'rdfs:comment', '{http://www.w3.org/2000/01/rdf-schema#}comment']);

/** `name=value`, or `name` followed by its children; nothing at all when both are empty. */
function piece(name: string, value: string, inner = ''): string {
  if (value === '' && inner === '') return '';
  return value === '' ? name + inner : `${name}=${value}${inner}`;
}

/** Repeated elements are sorted so that their order in the document does not matter. */
function sortedJoin(pieces: string[]): string {
  return pieces
    .filter((p) => p !== '')
    .sort(byCodePoint)
    .join('');
}

function byCodePoint(a: string, b: string): number {
  // Like Python's sort in the reference: by Unicode code point, not UTF-16 unit.
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Standard fields in `shape` order, then every other field as a sorted user extension. */
function structure(obj: Record<string, unknown>, shape: Shape, env: Env, ignore?: ReadonlySet<string>): string {
  const standard = shape.map(([key, render]) => (obj[key] === undefined ? '' : sortedJoin(render(key, obj[key], env))));
  const known = new Set(shape.map(([key]) => key));
  const extensions = Object.entries(obj)
    .filter(([key]) => !known.has(key) && !ignore?.has(key))
    .flatMap(([key, value]) => extension(key, value, env));
  return standard.join('') + sortedJoin(extensions);
}

/** A user extension: namespaced name, nested objects as children, arrays as repeated fields. */
function extension(key: string, value: unknown, env: Env): string[] {
  if (key.startsWith('@') || COMMENT_KEYS.has(key)) return [];
  const name = expandKey(key, env);
  if (env.ignored.has(name) || COMMENT_KEYS.has(name)) return [];
  return extensionValue(name, value, env);
}

function extensionValue(name: string, value: unknown, env: Env): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => extensionValue(name, v, env));
  if (isObject(value)) {
    // A JSON-LD value object ({"@value": ..., "@type": ...}) stands for its value.
    if ('@value' in value) return extensionValue(name, value['@value'], env);
    const inner = sortedJoin(Object.entries(value).flatMap(([k, v]) => extension(k, v, env)));
    return [piece(name, '', inner)];
  }
  return [piece(name, canonicalValue(value, env))];
}

/** `example:myField` -> `{https://ns.example.com/epcis/}myField`, as an XML parser would name it. */
function expandKey(key: string, env: Env): string {
  const colon = key.indexOf(':');
  const namespace = colon > 0 ? own(env.namespaces, key.slice(0, colon)) : undefined;
  return namespace === undefined ? key : `{${namespace}}${key.slice(colon + 1)}`;
}

/** A plain value (or an array of them), with bare CBV / GS1 vocabulary words expanded by `vocab`. */
const value =
  (vocab?: string): Render =>
  (name, v, env) =>
    (Array.isArray(v) ? v : [v]).map((item) => piece(name, canonicalValue(item, env, vocab)));

const time: Render = (name, v) => [piece(name, typeof v === 'string' ? canonicalTime(v) : '')];

/** An EPC list: one `epc=` per element. */
const epcs: Render = (name, v, env) => [piece(name, '', sortedJoin(asArray(v).map((e) => piece('epc', canonicalValue(e, env)))))];

/** A list whose elements are written as `itemName` followed by their fields. */
const list =
  (itemName: string, shape: Shape): Render =>
  (name, v, env) => [piece(name, '', sortedJoin(asArray(v).map((item) => element(itemName, item, shape, env))))];

/** A list whose elements have no name of their own (bizTransaction, source, destination). */
const entries =
  (shape: Shape): Render =>
  (name, v, env) => [piece(name, '', sortedJoin(asArray(v).map((item) => (isObject(item) ? structure(item, shape, env) : ''))))];

/** One nested object (readPoint, persistentDisposition, ilmd, ...). */
const object =
  (shape: Shape, idKey?: string): Render =>
  (name, v, env) => {
    // Tolerate `"readPoint": "urn:..."` as shorthand for `{ "id": ... }`.
    const obj = typeof v === 'string' && idKey !== undefined ? { [idKey]: v } : v;
    return [element(name, obj, shape, env)];
  };

/** Each array element as its own repeated field (sensorReport). */
const each =
  (shape: Shape): Render =>
  (name, v, env) =>
    asArray(v).map((item) => element(name, item, shape, env));

function element(name: string, v: unknown, shape: Shape, env: Env): string {
  return isObject(v) ? piece(name, '', structure(v, shape, env)) : '';
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
/** A lookup that cannot hit Object.prototype (a field named `constructor:x` must not match). */
const own = <T>(record: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(record, key) ? record[key] : undefined;

const CBV = 'https://ref.gs1.org/cbv/';
const GS1_VOC = 'https://gs1.org/voc/';
const GS1_VOC_REF = 'https://ref.gs1.org/voc/';

const QUANTITY: Shape = [
  ['epcClass', value()],
  ['quantity', value()],
  ['uom', value()],
];
const quantities = list('quantityElement', QUANTITY);

const SENSOR_METADATA: Shape = [
  ['time', time],
  ['startTime', time],
  ['endTime', time],
  ['deviceID', value()],
  ['deviceMetadata', value()],
  ['rawData', value()],
  ['dataProcessingMethod', value()],
  ['bizRules', value()],
];

const SENSOR_REPORT: Shape = [
  ['type', value(GS1_VOC)],
  ['exception', value(GS1_VOC)],
  ['deviceID', value()],
  ['deviceMetadata', value()],
  ['rawData', value()],
  ['dataProcessingMethod', value()],
  ['time', time],
  ['microorganism', value()],
  ['chemicalSubstance', value()],
  ['value', value()],
  ['component', value(`${CBV}Comp-`)],
  ['stringValue', value()],
  ['booleanValue', value()],
  ['hexBinaryValue', value()],
  ['uriValue', value()],
  ['minValue', value()],
  ['maxValue', value()],
  ['meanValue', value()],
  ['sDev', value()],
  ['percRank', value()],
  ['percValue', value()],
  ['uom', value()],
  ['coordinateReferenceSystem', value()],
];

const SENSOR_ELEMENT: Shape = [
  ['sensorMetadata', object(SENSOR_METADATA)],
  ['sensorReport', each(SENSOR_REPORT)],
];

/**
 * CBV 2.0 §8.9 field order; each event type uses the subset it has. (destinationList before
 * sourceList is what the reference vectors do.)
 */
const EVENT: Shape = [
  ['eventTime', time],
  ['eventTimeZoneOffset', value()],
  ['certificationInfo', value()],
  ['epcList', epcs],
  ['parentID', value()],
  ['inputEPCList', epcs],
  ['childEPCs', epcs],
  ['quantityList', quantities],
  ['childQuantityList', quantities],
  ['inputQuantityList', quantities],
  ['outputEPCList', epcs],
  ['outputQuantityList', quantities],
  ['action', value()],
  ['transformationID', value()],
  ['bizStep', value(`${CBV}BizStep-`)],
  ['disposition', value(`${CBV}Disp-`)],
  [
    'persistentDisposition',
    object([
      ['set', value(`${CBV}Disp-`)],
      ['unset', value(`${CBV}Disp-`)],
    ]),
  ],
  ['readPoint', object([['id', value()]], 'id')],
  ['bizLocation', object([['id', value()]], 'id')],
  [
    'bizTransactionList',
    entries([
      ['type', value(`${CBV}BTT-`)],
      ['bizTransaction', value()],
    ]),
  ],
  [
    'destinationList',
    entries([
      ['type', value(`${CBV}SDT-`)],
      ['destination', value()],
    ]),
  ],
  [
    'sourceList',
    entries([
      ['type', value(`${CBV}SDT-`)],
      ['source', value()],
    ]),
  ],
  ['sensorElementList', list('sensorElement', SENSOR_ELEMENT)],
  ['ilmd', object([])],
];

// Values: one spelling for each

/**
 * The canonical spelling of a value: CBV URNs and standard CURIEs as web URIs, bare vocabulary
 * words as web URIs (`vocab` + word), numbers without redundant digits, GS1 keys as canonical
 * Digital Links.
 */
function canonicalValue(raw: unknown, env: Env, vocab?: string): string {
  if (typeof raw === 'boolean') return String(raw);
  if (typeof raw === 'number') return canonicalNumber(raw) ?? String(raw);
  if (typeof raw !== 'string') return '';
  let s = raw.trim();
  if (s === '') return '';
  s = cbvUrnToWebUri(s) ?? expandStandardCurie(s, env) ?? s;
  // Some documents bind `gs1:` to the vocabulary's ref.gs1.org address; its terms are gs1.org/voc.
  if (s.startsWith(GS1_VOC_REF)) s = GS1_VOC + s.slice(GS1_VOC_REF.length);
  if (vocab !== undefined && !s.includes(':')) s = vocab + s;
  return numericString(s) ?? toDigitalLink(s) ?? s;
}

const CBV_URN = /^urn:epcglobal:cbv:(bizstep|disp|btt|sdt|er):(.+)$/;
const CBV_URN_VOCAB: Record<string, string> = { bizstep: 'BizStep', disp: 'Disp', btt: 'BTT', sdt: 'SDT', er: 'ER' };

/** `urn:epcglobal:cbv:bizstep:shipping` -> `https://ref.gs1.org/cbv/BizStep-shipping`. */
function cbvUrnToWebUri(s: string): string | undefined {
  const m = CBV_URN.exec(s);
  return m ? `${CBV}${CBV_URN_VOCAB[m[1]!]}-${m[2]}` : undefined;
}

/**
 * `cbv:BizStep-shipping`, `gs1:Temperature` -> full URIs. Only prefixes bound to the GS1
 * vocabularies are expanded in values: a CURIE of a user vocabulary (`example:x`) is kept as
 * written, as the reference does (an XML document would carry it that way).
 */
function expandStandardCurie(s: string, env: Env): string | undefined {
  const colon = s.indexOf(':');
  if (colon <= 0) return undefined;
  const namespace = own(env.namespaces, s.slice(0, colon));
  if (namespace === undefined || !/^https:\/\/(?:ref\.)?gs1\.org\//.test(namespace)) return undefined;
  return namespace + s.slice(colon + 1);
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A numeric string in canonical form (`452.0` -> `452`, `+0.50` -> `0.5`), else undefined. */
function numericString(s: string): string | undefined {
  return DECIMAL.test(s) ? canonicalNumber(Number(s)) : undefined;
}

/**
 * Numbers as the reference writes them (Python: `str(int(x))` when x is whole, else `str(x)`).
 * XML carries every value as text, so any numeric-looking text is a number here too; a long
 * digit string therefore passes through a double, exactly as in the reference.
 */
function canonicalNumber(x: number): string | undefined {
  if (!Number.isFinite(x)) return undefined;
  if (Number.isInteger(x)) return BigInt(x).toString();
  // JS and Python agree on the digits; Python switches to exponent form below 1e-4 (JS: 1e-6).
  if (Math.abs(x) < 1e-4) return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(x);
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * A date-time in UTC at millisecond precision (`2020-01-01T00:00:00.000Z`). Extra fraction
 * digits are rounded half up (the reference vectors round `.1415` to `.142`). Text that is not
 * an ISO 8601 date-time with an offset is kept as written.
 */
function canonicalTime(raw: string): string {
  const s = raw.trim();
  const m = TIMESTAMP.exec(s);
  if (!m) return s;
  const [, y, mo, d, h, mi, sec, fraction = '', zone = 'Z'] = m;
  const digits = fraction.padEnd(4, '0');
  const millis = Number(digits.slice(0, 3)) + (Number(digits[3]) >= 5 ? 1 : 0);
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec ?? 0), millis);
  const instant = local - offsetMinutes(zone) * 60_000;
  return Number.isNaN(instant) ? s : new Date(instant).toISOString();
}

function offsetMinutes(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
}

// GS1 keys: EPC URNs and Digital Links of any domain -> canonical `https://id.gs1.org/...`

const CANONICAL_DL = 'https://id.gs1.org';

function toDigitalLink(s: string): string | undefined {
  if (s.startsWith('urn:epc:')) return epcUrnToDigitalLink(s);
  if (/^https?:\/\//i.test(s)) return canonicalDigitalLink(s);
  return undefined;
}

/** GS1 mod-10 check digit appended to `digits`. */
function withCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Weights 3,1,3,... counted from the rightmost digit.
    sum += Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  }
  return digits + String((10 - (sum % 10)) % 10);
}

/**
 * Characters GS1 Digital Link requires to be percent-encoded that an EPC URN may carry
 * unencoded; characters already %-encoded in the URN stay as they are.
 */
function dlEncode(s: string): string {
  return s.replace(/[!()*+,:]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** `<company prefix>.<reference>` where the two together have `total` digits. */
function splitKey(cp: string | undefined, ref: string | undefined, total: number): boolean {
  return cp !== undefined && ref !== undefined && /^\d{6,12}$/.test(cp) && /^\d*$/.test(ref) && cp.length + ref.length === total;
}

/** GTIN-14 from an EPC's company prefix and indicator-digit-plus-item-reference. */
const gtin = (cp: string, itemRef: string) => withCheckDigit(itemRef.slice(0, 1) + cp + itemRef.slice(1));

type UrnRule = (parts: string[]) => string | undefined;

/** EPC URN scheme -> Digital Link path, from the EPC Tag Data Standard's URI-to-key rules. */
const EPC_URN_RULES: Record<string, UrnRule> = {
  'id:sgtin': ([cp, ir, ...serial]) =>
    splitKey(cp, ir, 13) ? `/01/${gtin(cp!, ir!)}/21/${dlEncode(serial.join('.'))}` : undefined,
  'id:sscc': ([cp, sr]) => (splitKey(cp, sr, 17) ? `/00/${withCheckDigit(sr!.slice(0, 1) + cp + sr!.slice(1))}` : undefined),
  'id:sgln': ([cp, lr, ...ext]) => {
    if (!splitKey(cp, lr, 12)) return undefined;
    const extension = ext.join('.');
    return `/414/${withCheckDigit(cp! + lr!)}` + (extension === '0' || extension === '' ? '' : `/254/${dlEncode(extension)}`);
  },
  'id:grai': ([cp, at, ...serial]) =>
    splitKey(cp, at, 12) ? `/8003/0${withCheckDigit(cp! + at!)}${dlEncode(serial.join('.'))}` : undefined,
  'id:giai': ([cp, ...ref]) => (splitKey(cp, '', cp?.length ?? 0) ? `/8004/${cp}${dlEncode(ref.join('.'))}` : undefined),
  'id:gsrn': ([cp, sr]) => (splitKey(cp, sr, 17) ? `/8018/${withCheckDigit(cp! + sr!)}` : undefined),
  'id:gsrnp': ([cp, sr]) => (splitKey(cp, sr, 17) ? `/8017/${withCheckDigit(cp! + sr!)}` : undefined),
  'id:gdti': ([cp, dt, ...serial]) =>
    splitKey(cp, dt, 12) ? `/253/${withCheckDigit(cp! + dt!)}${dlEncode(serial.join('.'))}` : undefined,
  'id:cpi': ([cp, ref, serial]) =>
    splitKey(cp, '', cp?.length ?? 0) && ref ? `/8010/${dlEncode(cp! + ref)}/8011/${serial ?? ''}` : undefined,
  'id:sgcn': ([cp, cr, serial]) => (splitKey(cp, cr, 12) ? `/255/${withCheckDigit(cp! + cr!)}${serial ?? ''}` : undefined),
  'id:ginc': ([cp, ...ref]) => (splitKey(cp, '', cp?.length ?? 0) ? `/401/${cp}${dlEncode(ref.join('.'))}` : undefined),
  'id:gsin': ([cp, sr]) => (splitKey(cp, sr, 16) ? `/402/${withCheckDigit(cp! + sr!)}` : undefined),
  'id:itip': ([cp, ir, piece, total, ...serial]) =>
    splitKey(cp, ir, 13) && /^\d{2}$/.test(`${piece}`) && /^\d{2}$/.test(`${total}`)
      ? `/8006/${gtin(cp!, ir!)}${piece}${total}/21/${dlEncode(serial.join('.'))}`
      : undefined,
  'id:upui': ([cp, ir, ...tpx]) => (splitKey(cp, ir, 13) ? `/01/${gtin(cp!, ir!)}/235/${dlEncode(tpx.join('.'))}` : undefined),
  'id:pgln': ([cp, pr]) => (splitKey(cp, pr, 12) ? `/417/${withCheckDigit(cp! + pr!)}` : undefined),
  'class:lgtin': ([cp, ir, ...lot]) => (splitKey(cp, ir, 13) ? `/01/${gtin(cp!, ir!)}/10/${dlEncode(lot.join('.'))}` : undefined),
  // Patterns name a class of items: the key without serial.
  'idpat:sgtin': ([cp, ir, star]) => (star === '*' && splitKey(cp, ir, 13) ? `/01/${gtin(cp!, ir!)}` : undefined),
  'idpat:upui': ([cp, ir, star]) => (star === '*' && splitKey(cp, ir, 13) ? `/01/${gtin(cp!, ir!)}` : undefined),
  'idpat:grai': ([cp, at, star]) => (star === '*' && splitKey(cp, at, 12) ? `/8003/0${withCheckDigit(cp! + at!)}` : undefined),
  'idpat:gdti': ([cp, dt, star]) => (star === '*' && splitKey(cp, dt, 12) ? `/253/${withCheckDigit(cp! + dt!)}` : undefined),
  'idpat:sgcn': ([cp, cr, star]) => (star === '*' && splitKey(cp, cr, 12) ? `/255/${withCheckDigit(cp! + cr!)}` : undefined),
  'idpat:cpi': ([cp, ref, star]) =>
    star === '*' && splitKey(cp, '', cp?.length ?? 0) && ref ? `/8010/${dlEncode(cp! + ref)}` : undefined,
  'idpat:itip': ([cp, ir, piece, total, star]) =>
    star === '*' && splitKey(cp, ir, 13) && /^\d{2}$/.test(`${piece}`) && /^\d{2}$/.test(`${total}`)
      ? `/8006/${gtin(cp!, ir!)}${piece}${total}`
      : undefined,
};

function epcUrnToDigitalLink(urn: string): string | undefined {
  const m = /^urn:epc:(id|class|idpat):([a-z]+):(.+)$/.exec(urn);
  const rule = m ? own(EPC_URN_RULES, `${m[1]}:${m[2]}`) : undefined;
  const path = rule?.(m![3]!.split('.'));
  return path === undefined ? undefined : CANONICAL_DL + path;
}

/** Digital Link primary keys, by AI and by the short names older links use. */
// prettier-ignore
const PRIMARY_KEYS: Record<string, string> = {
  '00': '00', sscc: '00', '01': '01', gtin: '01', '253': '253', gdti: '253', '255': '255', gcn: '255',
  '401': '401', ginc: '401', '402': '402', gsin: '402', '414': '414', gln: '414', '417': '417', party: '417',
  '8003': '8003', grai: '8003', '8004': '8004', giai: '8004', '8006': '8006', itip: '8006', '8010': '8010', cpid: '8010',
  '8017': '8017', gsrnp: '8017', '8018': '8018', gsrn: '8018',
};
const QUALIFIERS: Record<string, string> = { '10': '10', lot: '10', '21': '21', ser: '21', '22': '22', cpv: '22' };

/** Primary key value shapes and the qualifiers each key may keep, in canonical order. */
const KEY_RULES: Record<string, { value: RegExp; qualifiers: string[] }> = {
  '00': { value: /^\d{18}$/, qualifiers: [] },
  '01': { value: /^\d{14}$/, qualifiers: ['10', '21', '235'] },
  '253': { value: /^\d{13}.{0,17}$/, qualifiers: [] },
  '255': { value: /^\d{13}\d{0,12}$/, qualifiers: [] },
  '401': { value: /^.{1,30}$/, qualifiers: [] },
  '402': { value: /^\d{17}$/, qualifiers: [] },
  '414': { value: /^\d{13}$/, qualifiers: ['254'] },
  '417': { value: /^\d{13}$/, qualifiers: [] },
  '8003': { value: /^\d{14}.{0,16}$/, qualifiers: [] },
  '8004': { value: /^.{1,30}$/, qualifiers: [] },
  '8006': { value: /^\d{18}$/, qualifiers: ['10', '21'] },
  '8010': { value: /^.{1,30}$/, qualifiers: ['8011'] },
  '8017': { value: /^\d{18}$/, qualifiers: [] },
  '8018': { value: /^\d{18}$/, qualifiers: [] },
};

/**
 * Any Digital Link (any domain, AI or short-name path, with query string or CPV) -> the
 * canonical form: `https://id.gs1.org`, AIs, GTIN-14, the finest identification level only
 * (a serial makes the lot redundant), no CPV (a product variant does not identify an instance),
 * no query or fragment. Other http(s) URIs are not Digital Links and are left alone.
 */
function canonicalDigitalLink(uri: string): string | undefined {
  const path = uri.replace(/^https?:\/\/[^/?#]*/i, '').split(/[?#]/)[0] ?? '';
  const segments = path.split('/').filter((s) => s !== '');
  const at = segments.findIndex((s, i) => own(PRIMARY_KEYS, s) !== undefined && /^\d{4}/.test(segments[i + 1] ?? ''));
  if (at < 0) return undefined;
  const key = own(PRIMARY_KEYS, segments[at]!)!;
  let keyValue = segments[at + 1]!;
  if (key === '01' && /^\d{8}$|^\d{12,13}$/.test(keyValue)) keyValue = keyValue.padStart(14, '0');
  const rule = KEY_RULES[key]!;
  if (!rule.value.test(keyValue)) return undefined;

  const qualifiers = new Map<string, string>();
  const rest = segments.slice(at + 2);
  if (rest.length % 2 !== 0) return undefined;
  for (let i = 0; i < rest.length; i += 2) qualifiers.set(own(QUALIFIERS, rest[i]!) ?? rest[i]!, rest[i + 1]!);
  qualifiers.delete('22');
  if (qualifiers.has('21')) qualifiers.delete('10');
  if ([...qualifiers.keys()].some((q) => !rule.qualifiers.includes(q))) return undefined;

  const tail = rule.qualifiers.flatMap((q) => (qualifiers.has(q) ? [`/${q}/${qualifiers.get(q)}`] : [])).join('');
  return `${CANONICAL_DL}/${key}/${keyValue}${tail}`;
}
