/**
 * The EPCIS SimpleEventQuery over the repository's events: query parameters (EPCIS 2.0 REST
 * binding: one parameter once, list values separated by `|`) are validated and compiled into one
 * predicate, then events are filtered, sorted, limited and cut into pages. Pure functions over
 * the events and the master data; HTTP lives in routes.ts.
 */
import { z } from 'zod';
import { normaliseId } from '../../core/ids.ts';
import { CBV_BIZ_STEPS } from '../../ingest/epcis/cbv.ts';
import { eventUri, plantUri, type UriKind } from '../../ingest/epcis/from-canonical.ts';
import { cbvWord, type EventView, type VocabularyElement } from '../../ingest/epcis/repository.ts';

export type EpcisExceptionName =
  | 'QueryParameterException'
  | 'QueryTooLargeException'
  | 'NoSuchNameException'
  | 'NoSuchResourceException'
  | 'ValidationException'
  | 'CaptureLimitExceededException'
  | 'ImplementationException'
  | 'SecurityException';

/** An EPCIS exception, reported as an `application/problem+json` response. */
export class EpcisQueryError extends Error {
  constructor(
    readonly exception: EpcisExceptionName,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'EpcisQueryError';
  }
}

const bad = (message: string): never => {
  throw new EpcisQueryError('QueryParameterException', 400, message);
};

/**
 * What the query needs from the event store: events by position (seq, 0 .. count - 1, in the
 * order the store took them), postings of a few indexes (seqs, ascending), and master data.
 */
export interface QuerySource {
  count(): number;
  view(seq: number): EventView;
  seqsWithEpc(epc: string): readonly number[];
  seqsWithClass(epcClass: string): readonly number[];
  seqsWithBizStep(bizStep: string): readonly number[];
  /** Every EPC / class the events name (the keys of those postings). */
  epcs(): Iterable<string>;
  classes(): Iterable<string>;
  vocabularyElement(id: string): VocabularyElement | undefined;
  withDescendants(id: string): Set<string>;
}

export interface ParsedQuery {
  matches(view: EventView): boolean;
  /** Seqs of events that may match, ascending, from an index when a parameter allows it (a superset of the answer). */
  candidates(source: QuerySource): Iterable<number>;
  orderBy: ((v: EventView) => number | string | undefined) | undefined;
  descending: boolean;
  eventCountLimit: number | undefined;
  maxEventCount: number | undefined;
  perPage: number;
  page: PageToken | undefined;
}

interface PageToken {
  /** Events already returned. */
  offset: number;
  /** Events captured after the first page are not part of the answer, so pages never shift. */
  highWater: number;
}

export const DEFAULT_PER_PAGE = 100;
export const MAX_PER_PAGE = 10_000;

const Integer = z.string().regex(/^\d+$/, 'must be a whole number').transform(Number);
const Positive = Integer.refine((n) => n > 0, 'must be at least 1');
const Time = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const Direction = z.enum(['ASC', 'DESC']);
const Action = z.enum(['ADD', 'OBSERVE', 'DELETE']);
const Token = z.object({ offset: z.number().int().min(0), highWater: z.number().int().min(0) });

function parse<S extends z.ZodType>(schema: S, name: string, value: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) bad(`the value ${JSON.stringify(value)} of ${name} is invalid: ${r.error.issues[0]?.message ?? 'bad value'}`);
  return r.data as z.output<S>;
}

const list = (value: string): string[] =>
  value
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s !== '');

type Pred = (v: EventView) => boolean;

/** An extension field is named by its full IRI (`http://ns.example.com/ext#field`), never a bare word. */
const isFieldIri = (name: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(name) && (name.includes('#') || name.includes('/'));

/**
 * A matcher for an EPC or EPC class parameter value: exact after normalisation (GS1 Digital Links
 * become EPC URNs), or a pattern with `*` components (`urn:epc:idpat:sgtin:0614141.107340.*`;
 * the `urn:epc:id:` and `urn:epc:class:` prefixes are accepted for patterns too). An SGTIN
 * pattern also matches LGTIN classes of the same GTIN, and the other way round.
 */
export function epcMatcher(value: string): (id: string) => boolean {
  const v = normaliseId(value);
  if (!v.includes('*')) return (id) => id === v;
  const m = /^urn:epc:(?:idpat|id|class):([a-z0-9-]+):(.+)$/i.exec(v);
  if (!m) {
    const prefix = v.slice(0, v.indexOf('*'));
    return (id) => id.startsWith(prefix);
  }
  const scheme = m[1]!.toLowerCase();
  const parts = m[2]!.split('.');
  const gtin = (s: string) => (s === 'sgtin' || s === 'lgtin' ? 'gtin' : s);
  return (id) => {
    if (id === v) return true;
    const n = /^urn:epc:(?:id|class|idpat):([a-z0-9-]+):(.+)$/i.exec(id);
    if (!n || gtin(n[1]!.toLowerCase()) !== gtin(scheme)) return false;
    const got = n[2]!.split('.');
    if (got.length !== parts.length) return false;
    return parts.every((p, i) => p === '*' || p === got[i]);
  };
}

/**
 * The spellings an id given to a query may be stored under: as given (normalised), and for a plant
 * id (no URI scheme) also as the URI shop-floor events render it with (`urn:tracegraph:<kind>:<id>`).
 */
function spellings(value: string, ...kinds: UriKind[]): string[] {
  const id = normaliseId(value);
  return [...new Set([id, ...kinds.map((k) => plantUri(k, id))])];
}

function anyOf(values: string[]): (ids: readonly (string | undefined)[]) => boolean {
  const matchers = values.flatMap((v) => spellings(v, 'item')).map(epcMatcher);
  return (ids) => ids.some((id) => id !== undefined && matchers.some((m) => m(id)));
}

/** A value compared as a number when both sides are numbers, as a time when both are times, else as text. */
function compare(a: unknown, b: string): number | undefined {
  if (typeof a === 'boolean') a = String(a);
  if (typeof a !== 'number' && typeof a !== 'string') return undefined;
  const x = typeof a === 'number' ? a : Number(a.trim());
  const y = Number(b);
  if (!Number.isNaN(x) && !Number.isNaN(y) && (typeof a === 'number' || a.trim() !== '') && b.trim() !== '') return x - y;
  const s = String(a).trim();
  const tx = Date.parse(s);
  const ty = Date.parse(b);
  if (/^\d{4}-\d\d-\d\d/.test(s) && /^\d{4}-\d\d-\d\d/.test(b) && !Number.isNaN(tx) && !Number.isNaN(ty)) return tx - ty;
  return s === b ? 0 : undefined;
}

const RELATIONS: Record<string, (d: number) => boolean> = {
  EQ: (d) => d === 0,
  GT: (d) => d > 0,
  GE: (d) => d >= 0,
  LT: (d) => d < 0,
  LE: (d) => d <= 0,
};

/** Parameters named in full (the rest are families with a variable part, `FAMILIES`). */
const EXACT = [
  'eventType',
  'GE_eventTime',
  'LT_eventTime',
  'GE_recordTime',
  'LT_recordTime',
  'EQ_action',
  'EQ_bizStep',
  'EQ_disposition',
  'EQ_readPoint',
  'EQ_bizLocation',
  'WD_readPoint',
  'WD_bizLocation',
  'EQ_transformationID',
  'EQ_eventID',
  'MATCH_epc',
  'MATCH_parentID',
  'MATCH_inputEPC',
  'MATCH_outputEPC',
  'MATCH_anyEPC',
  'MATCH_epcClass',
  'MATCH_inputEPCClass',
  'MATCH_outputEPCClass',
  'MATCH_anyEPCClass',
  'EQ_quantity',
  'GT_quantity',
  'GE_quantity',
  'LT_quantity',
  'LE_quantity',
  'EXISTS_errorDeclaration',
  'GE_errorDeclarationTime',
  'LT_errorDeclarationTime',
  'EQ_errorReason',
  'EQ_correctiveEventID',
  'orderBy',
  'orderDirection',
  'eventCountLimit',
  'maxEventCount',
  'perPage',
  'nextPageToken',
] as const;
type ExactName = (typeof EXACT)[number];
const EXACT_NAMES: ReadonlySet<string> = new Set(EXACT);
const isExact = (name: string): name is ExactName => EXACT_NAMES.has(name);

const TYPED = /^EQ_(bizTransaction|source|destination)_(.+)$/;
const EQATTR = /^EQATTR_(readPoint|bizLocation|bizStep|disposition)_(.+)$/;
const HASATTR = /^HASATTR_(readPoint|bizLocation|bizStep|disposition)$/;
const FIELD = /^(EQ|GT|GE|LT|LE|EXISTS)_(ILMD_)?(.+)$/;
const isFamily = (name: string): boolean =>
  TYPED.test(name) || EQATTR.test(name) || HASATTR.test(name) || isFieldIri(FIELD.exec(name)?.[3] ?? '');

/** Master-data backed fields: EQATTR_/HASATTR_/WD_ look them up in the vocabulary. */
const MD_FIELDS: Record<string, (v: EventView) => string | undefined> = {
  readPoint: (v) => v.readPoint,
  bizLocation: (v) => v.bizLocation,
  bizStep: (v) => v.bizStep,
  disposition: (v) => v.disposition,
};

/**
 * Parses and validates the query parameters into a query. `fixedEventType` comes from the path
 * (`/eventTypes/{type}/events`). Throws EpcisQueryError (QueryParameterException) on an unknown or
 * repeated parameter or a value of the wrong kind.
 */
export function parseQuery(params: URLSearchParams, md: QuerySource, fixedEventType?: string): ParsedQuery {
  // Predicates on the fields the store indexes run first; the others read the whole event.
  const preds: Pred[] = [];
  const heavy: Pred[] = [];
  const indexes: ((s: QuerySource) => (readonly number[])[])[] = [];
  const q: Omit<ParsedQuery, 'matches' | 'candidates'> = {
    orderBy: undefined,
    descending: true,
    eventCountLimit: undefined,
    maxEventCount: undefined,
    perPage: DEFAULT_PER_PAGE,
    page: undefined,
  };
  const seen = new Set<string>();
  let orderByName: string | undefined;
  let direction: 'ASC' | 'DESC' | undefined;
  if (fixedEventType !== undefined) preds.push((v) => v.type === fixedEventType);

  for (const [name, raw] of params) {
    if (seen.has(name)) bad(`the parameter ${name} is given more than once; give it once with values separated by |`);
    seen.add(name);
    const value = raw.trim();
    // An empty value leaves a parameter out (EPCIS 1.x: an empty list means "no restriction").
    if (!isExact(name) && !isFamily(name)) bad(`the query parameter ${name} is not a SimpleEventQuery parameter`);
    if (value === '' && !name.startsWith('EXISTS_')) continue;
    const values = list(value);
    const idSet = () => new Set(values.map(normaliseId));
    const words = () => new Set(values.map(cbvWord));

    if (isExact(name)) {
      switch (name) {
        case 'eventType': {
          const types = new Set(values);
          preds.push((v) => types.has(v.type) || (types.has('QuantityEvent') && isQuantityEvent(v)));
          continue;
        }
        case 'GE_eventTime':
        case 'LT_eventTime':
        case 'GE_recordTime':
        case 'LT_recordTime': {
          const t = parse(Time, name, value);
          const get = name.endsWith('eventTime') ? (v: EventView) => v.eventTime : (v: EventView) => v.recordTime;
          const ge = name.startsWith('GE_');
          preds.push((v) => {
            const x = get(v);
            return x !== undefined && (ge ? x >= t : x < t);
          });
          continue;
        }
        case 'EQ_action': {
          const actions = new Set<string>(values.map((a) => parse(Action, name, a)));
          preds.push((v) => v.action !== undefined && actions.has(v.action));
          continue;
        }
        case 'EQ_bizStep': {
          // A plant step without a CBV word is rendered as urn:tracegraph:bizstep:<step>.
          const set = new Set([...words()].flatMap((w) => (CBV_BIZ_STEPS.has(w) ? [w] : spellings(w, 'bizstep'))));
          preds.push((v) => v.bizStep !== undefined && set.has(v.bizStep));
          indexes.push((s) => [...set].map((w) => s.seqsWithBizStep(w)));
          continue;
        }
        case 'EQ_disposition': {
          const set = words();
          preds.push((v) => v.disposition !== undefined && set.has(v.disposition));
          continue;
        }
        case 'EQ_readPoint':
        case 'EQ_bizLocation':
        case 'WD_readPoint':
        case 'WD_bizLocation': {
          const field = name.endsWith('readPoint') ? MD_FIELDS.readPoint! : MD_FIELDS.bizLocation!;
          const given = new Set(values.flatMap((x) => spellings(x, 'station', 'equipment')));
          const set = name.startsWith('WD_') ? new Set([...given].flatMap((id) => [...md.withDescendants(id)])) : given;
          preds.push((v) => {
            const x = field(v);
            return x !== undefined && set.has(x);
          });
          continue;
        }
        case 'EQ_transformationID': {
          const set = new Set(values);
          heavy.push((v) => v.transformationID !== undefined && set.has(v.transformationID));
          continue;
        }
        case 'EQ_eventID': {
          // A shop-floor event's eventID is its eventId as urn:tracegraph:event:<eventId>.
          const set = new Set(values.flatMap((x) => [x, eventUri(x)]));
          preds.push((v) => set.has(v.eventID));
          continue;
        }
        case 'MATCH_epc':
        case 'MATCH_parentID':
        case 'MATCH_inputEPC':
        case 'MATCH_outputEPC':
        case 'MATCH_anyEPC': {
          const m = anyOf(values);
          const pick: Record<string, (v: EventView) => (string | undefined)[]> = {
            MATCH_epc: (v) => [...v.epcList, ...v.childEPCs],
            MATCH_parentID: (v) => [v.parentID],
            MATCH_inputEPC: (v) => v.inputEPCs,
            MATCH_outputEPC: (v) => v.outputEPCs,
            MATCH_anyEPC: (v) => [...v.epcList, ...v.childEPCs, v.parentID, ...v.inputEPCs, ...v.outputEPCs],
          };
          const get = pick[name]!;
          heavy.push((v) => m(get(v)));
          // Patterns are matched against the EPCs the store knows, not against every event.
          if (!values.some((x) => x.includes('*')))
            indexes.push((s) => values.flatMap((x) => spellings(x, 'item')).map((x) => s.seqsWithEpc(x)));
          else indexes.push((s) => [...s.epcs()].filter((id) => m([id])).map((id) => s.seqsWithEpc(id)));
          continue;
        }
        case 'MATCH_epcClass':
        case 'MATCH_inputEPCClass':
        case 'MATCH_outputEPCClass':
        case 'MATCH_anyEPCClass': {
          const m = anyOf(values);
          const lists: Record<string, readonly string[]> = {
            MATCH_epcClass: ['quantityList', 'childQuantityList'],
            MATCH_inputEPCClass: ['inputQuantityList'],
            MATCH_outputEPCClass: ['outputQuantityList'],
            MATCH_anyEPCClass: ['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'],
          };
          const allowed = lists[name]!;
          heavy.push((v) => m(v.quantities.filter((x) => allowed.includes(x.list)).map((x) => x.epcClass)));
          indexes.push((s) => [...s.classes()].filter((c) => m([c])).map((c) => s.seqsWithClass(c)));
          continue;
        }
        case 'EQ_quantity':
        case 'GT_quantity':
        case 'GE_quantity':
        case 'LT_quantity':
        case 'LE_quantity': {
          // EPCIS 1.x declares these parameters as integers (Fosstrak SE71 rejects 3.1459).
          const n = parse(Integer, name, value);
          const rel = RELATIONS[name.slice(0, 2)]!;
          heavy.push((v) => v.quantities.some((x) => x.quantity !== undefined && rel(x.quantity - n)));
          continue;
        }
        case 'EXISTS_errorDeclaration':
          heavy.push((v) => v.errorDeclaration !== undefined);
          continue;
        case 'GE_errorDeclarationTime':
        case 'LT_errorDeclarationTime': {
          const t = parse(Time, name, value);
          const ge = name.startsWith('GE_');
          heavy.push((v) => {
            const x = v.errorDeclaration?.declarationTime;
            return x !== undefined && (ge ? x >= t : x < t);
          });
          continue;
        }
        case 'EQ_errorReason': {
          const set = words();
          heavy.push((v) => v.errorDeclaration?.reason !== undefined && set.has(v.errorDeclaration.reason));
          continue;
        }
        case 'EQ_correctiveEventID': {
          const set = new Set(values);
          heavy.push((v) => v.errorDeclaration?.correctiveEventIDs.some((id) => set.has(id)) ?? false);
          continue;
        }
        case 'orderBy':
          if (value !== 'eventTime' && value !== 'recordTime' && !isFieldIri(value))
            bad(`orderBy must be eventTime, recordTime or the IRI of an extension field, got ${JSON.stringify(value)}`);
          orderByName = value;
          continue;
        case 'orderDirection':
          direction = parse(Direction, name, value);
          continue;
        case 'eventCountLimit':
          q.eventCountLimit = parse(Positive, name, value);
          continue;
        case 'maxEventCount':
          q.maxEventCount = parse(Positive, name, value);
          continue;
        case 'perPage': {
          const n = parse(Positive, name, value);
          if (n > MAX_PER_PAGE) bad(`perPage is at most ${MAX_PER_PAGE}, got ${n}`);
          q.perPage = n;
          continue;
        }
        case 'nextPageToken':
          q.page = decodeToken(value);
          continue;
        default: {
          const missing: never = name;
          throw new Error(`no handler for ${String(missing)}`);
        }
      }
    }

    // Parameter families with a variable part in their name.
    let m: RegExpExecArray | null;
    if ((m = TYPED.exec(name))) {
      const type = cbvWord(m[2]!);
      const set = idSet();
      const key = m[1] === 'bizTransaction' ? 'bizTransactions' : m[1] === 'source' ? 'sources' : 'destinations';
      heavy.push((v) => v[key].some((x) => x.type === type && set.has(x.id)));
    } else if ((m = EQATTR.exec(name))) {
      const field = MD_FIELDS[m[1]!]!;
      const attr = m[2]!;
      const set = new Set(values);
      preds.push((v) => {
        const id = field(v);
        const a = id === undefined ? undefined : md.vocabularyElement(id)?.attributes[attr];
        return a !== undefined && set.has(a.trim());
      });
    } else if ((m = HASATTR.exec(name))) {
      const field = MD_FIELDS[m[1]!]!;
      preds.push((v) => {
        const id = field(v);
        const attrs = id === undefined ? undefined : md.vocabularyElement(id)?.attributes;
        return attrs !== undefined && values.some((a) => Object.hasOwn(attrs, a));
      });
    } else {
      // isFamily has checked that this is an extension field named by its IRI.
      m = FIELD.exec(name)!;
      const op = m[1]!;
      const inIlmd = m[2] !== undefined;
      const field = m[3]!;
      const get = (v: EventView) => (inIlmd ? v.ilmd : v.fields).get(field);
      if (op === 'EXISTS') heavy.push((v) => get(v) !== undefined);
      else if (op === 'EQ') heavy.push((v) => (get(v) ?? []).some((x) => values.some((want) => compare(x, want) === 0)));
      else {
        const n = value;
        if (Number.isNaN(Number(n)) && Number.isNaN(Date.parse(n)))
          bad(`the value ${JSON.stringify(value)} of ${name} must be a number or a time`);
        const rel = RELATIONS[op]!;
        heavy.push((v) =>
          (get(v) ?? []).some((x) => {
            const d = compare(x, n);
            return d !== undefined && rel(d);
          }),
        );
      }
    }
  }

  if (q.eventCountLimit !== undefined && q.maxEventCount !== undefined)
    bad('the parameters eventCountLimit and maxEventCount are mutually exclusive');
  if (orderByName !== undefined) {
    const key = orderByName;
    q.orderBy =
      key === 'eventTime'
        ? (v) => v.eventTime
        : key === 'recordTime'
          ? (v) => v.recordTime
          : (v) => {
              const x = v.fields.get(key)?.[0];
              return typeof x === 'number' || typeof x === 'string' ? x : undefined;
            };
  }
  q.descending = (direction ?? 'DESC') === 'DESC';
  if (orderByName === undefined && direction === undefined) q.descending = false;

  const all = [...preds, ...heavy];
  return {
    ...q,
    matches: (v) => all.every((p) => p(v)),
    candidates: (s) => {
      if (!indexes.length) return allSeqs(s.count());
      // The first indexed parameter narrows the scan; the predicate still checks everything.
      // Postings are ascending; only a union of several needs merging.
      const lists = indexes[0]!(s);
      if (lists.length === 1) return lists[0]!;
      return [...new Set(lists.flat())].sort((a, b) => a - b);
    },
  };
}

function* allSeqs(count: number): Generator<number> {
  for (let seq = 0; seq < count; seq++) yield seq;
}

/**
 * EPCIS 2.0 has no QuantityEvent: EPCIS 1.2 deprecated it for the ObjectEvent OBSERVE with one
 * quantity element and no EPCs that a 1.x QuantityEvent is converted to on capture. That shape is
 * what `eventType=QuantityEvent` finds, so EPCIS 1.x queries keep working.
 */
function isQuantityEvent(v: EventView): boolean {
  return (
    v.type === 'ObjectEvent' &&
    v.action === 'OBSERVE' &&
    v.epcList.length === 0 &&
    v.quantities.length === 1 &&
    v.quantities[0]!.list === 'quantityList'
  );
}

export interface QueryAnswer {
  events: EventView[];
  /** Where the next page starts, when there is one. */
  nextPageToken: string | undefined;
}

/** Filters, sorts, limits and pages. Throws QueryTooLargeException beyond maxEventCount. */
export function runQuery(source: QuerySource, q: ParsedQuery): QueryAnswer {
  const highWater = q.page?.highWater ?? source.count();
  const offset = q.page?.offset ?? 0;
  // Without an order nothing past this page (and one more event, to know there is a next page) is needed.
  const enough =
    q.orderBy || q.maxEventCount !== undefined ? Infinity : Math.min(offset + q.perPage + 1, q.eventCountLimit ?? Infinity);
  let hits: EventView[] = [];
  for (const seq of q.candidates(source)) {
    // Candidates ascend: events stored after the first page are not part of the answer.
    if (seq >= highWater || hits.length >= enough) break;
    const v = source.view(seq);
    if (q.matches(v)) hits.push(v);
  }
  if (q.orderBy) {
    const key = q.orderBy;
    const sign = q.descending ? -1 : 1;
    hits = hits
      .map((v) => ({ v, k: key(v) }))
      .sort((a, b) => {
        // Events without the field come last whichever the direction.
        if (a.k === undefined || b.k === undefined) return a.k === b.k ? a.v.seq - b.v.seq : a.k === undefined ? 1 : -1;
        const d = typeof a.k === 'number' && typeof b.k === 'number' ? a.k - b.k : String(a.k).localeCompare(String(b.k));
        return d !== 0 ? sign * d : a.v.seq - b.v.seq;
      })
      .map((x) => x.v);
  }
  if (q.maxEventCount !== undefined && hits.length > q.maxEventCount)
    throw new EpcisQueryError(
      'QueryTooLargeException',
      413,
      `the query matches ${hits.length} events, more than maxEventCount ${q.maxEventCount}; narrow it down`,
    );
  if (q.eventCountLimit !== undefined) hits = hits.slice(0, q.eventCountLimit);
  const page = hits.slice(offset, offset + q.perPage);
  const next = offset + q.perPage < hits.length ? encodeToken({ offset: offset + q.perPage, highWater }) : undefined;
  return { events: page, nextPageToken: next };
}

function encodeToken(t: PageToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeToken(s: string): PageToken {
  try {
    return Token.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
  } catch {
    return bad('nextPageToken is not one this server handed out; start again from the first page');
  }
}
