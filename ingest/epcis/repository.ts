/**
 * The EPCIS repository: every captured EPCIS event with all its fields (the graph keeps only
 * what traces need), capture jobs and master data, in one append-only JSON-lines file
 * `<dataDir>/epcis/repository.jsonl`. It is loaded into memory with a few indexes and read again
 * from where it left off whenever the file has grown, so several processes (an API and an
 * ingest worker, say) may capture into the same data directory. Events are deduplicated by
 * eventID: the first capture of an id wins, a later one changes nothing.
 */
import { makePrivateDir, PRIVATE_FILE_MODE } from '../../core/private-files.ts';
import { appendFile, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { normaliseId } from '../../core/ids.ts';
import { shortCbv } from './cbv.ts';

export type EpcisEventJson = Record<string, unknown>;

export interface VocabularyElement {
  id: string;
  attributes: Record<string, string>;
  children: string[];
}

export interface Vocabulary {
  type: string;
  elements: VocabularyElement[];
}

/** A problem as EPCIS 2.0 reports it (RFC 7807 with an `epcisException:` type). */
export interface EpcisProblem {
  type: string;
  title: string;
  status: number;
  detail?: string;
}

export interface CaptureJob {
  captureID: string;
  createdAt: string;
  finishedAt?: string;
  running: boolean;
  success: boolean;
  /** The whole document is validated before anything is stored, so a failure stores nothing. */
  captureErrorBehaviour: 'rollback';
  errors: EpcisProblem[];
  /** Events in the document, and how many of them the repository did not hold yet. */
  eventCount?: number;
  newEventCount?: number;
}

/** One quantity element of any quantity list, with the list it came from. */
export interface QuantityView {
  list: 'quantityList' | 'childQuantityList' | 'inputQuantityList' | 'outputQuantityList';
  epcClass: string;
  quantity: number | undefined;
  uom: string | undefined;
}

/** A stored event with its fields read once into the spellings queries compare. */
export interface EventView {
  /** Position in the repository (capture order): the stable tie-breaker for sorting and paging. */
  seq: number;
  event: EpcisEventJson;
  /** Prefix -> namespace IRI for the extension fields the event uses. */
  namespaces: Record<string, string>;
  eventID: string;
  type: string;
  eventTime: number;
  recordTime: number | undefined;
  action: string | undefined;
  bizStep: string | undefined;
  disposition: string | undefined;
  readPoint: string | undefined;
  bizLocation: string | undefined;
  transformationID: string | undefined;
  bizTransactions: { type: string; id: string }[];
  sources: { type: string; id: string }[];
  destinations: { type: string; id: string }[];
  epcList: string[];
  parentID: string | undefined;
  childEPCs: string[];
  inputEPCs: string[];
  outputEPCs: string[];
  quantities: QuantityView[];
  /** Extension fields at the top level and inside ilmd, by expanded name (`namespace#local`). */
  fields: ReadonlyMap<string, unknown[]>;
  ilmd: ReadonlyMap<string, unknown[]>;
  errorDeclaration: { declarationTime: number | undefined; reason: string | undefined; correctiveEventIDs: string[] } | undefined;
}

type Line =
  | { k: 'event'; e: EpcisEventJson; ns?: Record<string, string> }
  | { k: 'job'; job: CaptureJob }
  | { k: 'vocab'; type: string; element: VocabularyElement };

const READ_CHUNK = 8 * 1024 * 1024;
const APPEND_PIECE = 256 * 1024;

/**
 * The repository line of one captured event, as addDocument writes it: the event with its
 * recordTime (when it has none) and the namespaces its extension fields use.
 */
export function eventLine(e: EpcisEventJson, namespaces: Record<string, string>, recordTime: string): string {
  const ns = usedNamespaces(e, namespaces);
  const stored = e.recordTime === undefined ? { ...e, recordTime } : e;
  const line: Line = Object.keys(ns).length ? { k: 'event', e: stored, ns } : { k: 'event', e: stored };
  return JSON.stringify(line);
}

export class EpcisRepository {
  readonly file: string;
  private offset = 0;
  private readonly views: EventView[] = [];
  private readonly byId = new Map<string, EventView>();
  private readonly byEpc = new Map<string, EventView[]>();
  private readonly byClass = new Map<string, EventView[]>();
  private readonly byBizStep = new Map<string, EventView[]>();
  private readonly jobs = new Map<string, CaptureJob>();
  /** Vocabulary element id -> element, across vocabularies (ids are URIs, unique by design). */
  private readonly elements = new Map<string, VocabularyElement & { type: string }>();
  /** Appends and reloads of this process, one at a time. */
  private chain: Promise<unknown> = Promise.resolve();

  private readonly readChunk: number;

  /** `readChunkBytes`: how much of the file is read at once (tests make it small). */
  constructor(dataDir: string, opts: { readChunkBytes?: number } = {}) {
    this.readChunk = opts.readChunkBytes ?? READ_CHUNK;
    const dir = join(dataDir, 'epcis');
    makePrivateDir(dir);
    this.file = join(dir, 'repository.jsonl');
  }

  /** Reads what other processes (or this one) appended since the last look. */
  refresh(): Promise<void> {
    return this.serial(() => this.readNew());
  }

  /**
   * Stores the events the repository does not hold yet (by eventID) and the master data.
   * Returns how many events were new. `recordTime` is set to now where the event has none.
   */
  async addDocument(
    events: readonly EpcisEventJson[],
    masterData: readonly Vocabulary[],
    namespaces: Record<string, string>,
  ): Promise<{ newEvents: number }> {
    const recordTime = new Date().toISOString();
    const ids: string[] = [];
    const lines: string[] = [];
    for (const e of events) {
      if (typeof e.eventID !== 'string') continue;
      ids.push(e.eventID);
      lines.push(eventLine(e, namespaces, recordTime));
    }
    return this.addEventLines(ids, lines, masterData);
  }

  /**
   * addDocument for events already written as repository lines (eventLine), by a reader on
   * another thread: `lines[i]` holds the event with id `ids[i]`. The same deduplication by
   * eventID; the lines are appended in pieces of whole lines, each one write.
   */
  async addEventLines(
    ids: readonly string[],
    lines: readonly string[],
    masterData: readonly Vocabulary[],
  ): Promise<{ newEvents: number }> {
    return this.serial(async () => {
      await this.readNew();
      const seen = new Set<string>();
      const text: string[] = [];
      for (const [i, id] of ids.entries()) {
        if (this.byId.has(id) || seen.has(id)) continue;
        seen.add(id);
        text.push(lines[i]!);
      }
      const newEvents = text.length;
      for (const v of masterData)
        for (const element of v.elements) text.push(JSON.stringify({ k: 'vocab', type: v.type, element } satisfies Line));
      await this.appendText(text);
      return { newEvents };
    });
  }

  async saveJob(job: CaptureJob): Promise<void> {
    await this.serial(() => this.append([{ k: 'job', job }]));
  }

  job(id: string): CaptureJob | undefined {
    return this.jobs.get(id);
  }

  allJobs(): CaptureJob[] {
    return [...this.jobs.values()];
  }

  /** Every event, in capture order. */
  all(): readonly EventView[] {
    return this.views;
  }

  /** Candidate sets for the query engine: events naming an EPC / a class / with a bizStep (exact, normalised). */
  withEpc(epc: string): readonly EventView[] {
    return this.byEpc.get(epc) ?? [];
  }
  withClass(epcClass: string): readonly EventView[] {
    return this.byClass.get(epcClass) ?? [];
  }
  withBizStep(bizStep: string): readonly EventView[] {
    return this.byBizStep.get(bizStep) ?? [];
  }

  vocabularyElement(id: string): (VocabularyElement & { type: string }) | undefined {
    return this.elements.get(id);
  }

  /** The id and every descendant through master-data `children` (cycles are tolerated). */
  withDescendants(id: string): Set<string> {
    const out = new Set<string>([id]);
    const todo = [id];
    while (todo.length) {
      for (const child of this.elements.get(todo.pop()!)?.children ?? []) {
        if (!out.has(child)) {
          out.add(child);
          todo.push(child);
        }
      }
    }
    return out;
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.chain.then(job);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async append(lines: Line[]): Promise<void> {
    await this.appendText(lines.map((l) => JSON.stringify(l)));
  }

  /**
   * Appends lines in writes of at most APPEND_PIECE bytes (a large capture is tens of MiB): each
   * write is whole lines, and O_APPEND keeps concurrent writers' lines whole.
   */
  private async appendText(lines: readonly string[]): Promise<void> {
    if (!lines.length) return;
    for (let i = 0; i < lines.length;) {
      const piece: string[] = [];
      for (let size = 0; i < lines.length && (size === 0 || size + lines[i]!.length < APPEND_PIECE); i++) {
        piece.push(lines[i]!);
        size += lines[i]!.length + 1;
      }
      await appendFile(this.file, piece.join('\n') + '\n', { mode: PRIVATE_FILE_MODE });
    }
    await this.readNew();
  }

  private async readNew(): Promise<void> {
    let size: number;
    try {
      size = (await stat(this.file)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    if (size <= this.offset) return;
    const handle = await open(this.file, 'r');
    try {
      // In chunks, so that a large repository never has to fit in one string.
      let chunk = this.readChunk;
      while (this.offset < size) {
        const buffer = Buffer.alloc(Math.min(chunk, size - this.offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        // A line still being written by another process has no newline yet: read it next time.
        const end = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
        if (end < 0) {
          if (this.offset + bytesRead >= size) return;
          chunk *= 2; // a line longer than the chunk
          continue;
        }
        this.offset += end + 1;
        for (const raw of buffer.subarray(0, end).toString('utf8').split('\n')) this.takeRaw(raw);
      }
    } finally {
      await handle.close();
    }
  }

  private takeRaw(raw: string): void {
    if (raw.trim() === '') return;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      return; // a line torn by a crash was never acknowledged to anyone
    }
    this.take(line);
  }

  private take(line: Line): void {
    if (line.k === 'job') this.jobs.set(line.job.captureID, line.job);
    else if (line.k === 'vocab') this.mergeElement(line.type, line.element);
    else if (line.k === 'event') {
      const id = line.e.eventID;
      if (typeof id !== 'string' || this.byId.has(id)) return;
      const view = viewOf(line.e, line.ns ?? NO_NAMESPACES, this.views.length);
      this.views.push(view);
      this.byId.set(id, view);
      const epcs = new Set([...view.epcList, ...view.childEPCs, ...view.inputEPCs, ...view.outputEPCs]);
      if (view.parentID) epcs.add(view.parentID);
      for (const epc of epcs) push(this.byEpc, epc, view);
      for (const c of new Set(view.quantities.map((q) => q.epcClass))) push(this.byClass, c, view);
      if (view.bizStep !== undefined) push(this.byBizStep, view.bizStep, view);
    }
  }

  private mergeElement(type: string, element: VocabularyElement): void {
    const id = element.id.trim();
    const old = this.elements.get(id);
    this.elements.set(id, {
      id,
      type,
      attributes: { ...old?.attributes, ...element.attributes },
      children: [...new Set([...(old?.children ?? []), ...element.children.map((c) => c.trim())])],
    });
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// Reading an event once into the spellings queries compare

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
const ids = (v: unknown): string[] => asArray(v).flatMap((x) => (typeof x === 'string' && x.trim() ? [normaliseId(x)] : []));
const idOf = (v: unknown): string | undefined => {
  const s = str(v) ?? (isObject(v) ? str(v.id) : undefined);
  return s === undefined ? undefined : normaliseId(s);
};
const timeOf = (v: unknown): number | undefined => {
  const s = str(v);
  const t = s === undefined ? NaN : Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
};
/** A CBV value (bizStep, disposition, types of transactions, sources, destinations) in its one spelling. */
export const cbvWord = (v: string): string => shortCbv(v.trim());

/** Fields of the EPCIS 2.0 event model; anything else at the top level is an extension. */
const STANDARD_FIELDS = new Set([
  '@context',
  'type',
  'eventID',
  'eventTime',
  'eventTimeZoneOffset',
  'recordTime',
  'errorDeclaration',
  'certificationInfo',
  'epcList',
  'parentID',
  'childEPCs',
  'inputEPCList',
  'outputEPCList',
  'quantityList',
  'childQuantityList',
  'inputQuantityList',
  'outputQuantityList',
  'action',
  'transformationID',
  'bizStep',
  'disposition',
  'persistentDisposition',
  'readPoint',
  'bizLocation',
  'bizTransactionList',
  'sourceList',
  'destinationList',
  'sensorElementList',
  'ilmd',
]);

export function viewOf(event: EpcisEventJson, namespaces: Record<string, string>, seq: number): EventView {
  const typed = (list: unknown, key: string) =>
    asArray(list).flatMap((x) => {
      if (!isObject(x)) return [];
      const id = idOf(x[key]);
      return id === undefined ? [] : [{ type: cbvWord(str(x.type) ?? ''), id }];
    });
  const quantities = (['quantityList', 'childQuantityList', 'inputQuantityList', 'outputQuantityList'] as const).flatMap((list) =>
    asArray(event[list]).flatMap((q): QuantityView[] => {
      if (!isObject(q)) return [];
      const epcClass = idOf(q.epcClass);
      if (epcClass === undefined) return [];
      const n = typeof q.quantity === 'number' ? q.quantity : typeof q.quantity === 'string' ? Number(q.quantity) : NaN;
      return [{ list, epcClass, quantity: Number.isFinite(n) ? n : undefined, uom: str(q.uom) }];
    }),
  );
  const extensions = Object.entries(event).filter(([key]) => !STANDARD_FIELDS.has(key));
  const ilmdEntries = isObject(event.ilmd) ? Object.entries(event.ilmd) : [];
  const ed = isObject(event.errorDeclaration) ? event.errorDeclaration : undefined;
  const bizStep = str(event.bizStep);
  const disposition = str(event.disposition);
  return {
    seq,
    event,
    namespaces,
    eventID: String(event.eventID),
    type: str(event.type) ?? '',
    eventTime: timeOf(event.eventTime) ?? 0,
    recordTime: timeOf(event.recordTime),
    action: str(event.action),
    bizStep: bizStep === undefined ? undefined : cbvWord(bizStep),
    disposition: disposition === undefined ? undefined : cbvWord(disposition),
    readPoint: idOf(event.readPoint),
    bizLocation: idOf(event.bizLocation),
    transformationID: str(event.transformationID),
    bizTransactions: typed(event.bizTransactionList, 'bizTransaction'),
    sources: typed(event.sourceList, 'source'),
    destinations: typed(event.destinationList, 'destination'),
    epcList: ids(event.epcList),
    parentID: idOf(event.parentID),
    childEPCs: ids(event.childEPCs),
    inputEPCs: ids(event.inputEPCList),
    outputEPCs: ids(event.outputEPCList),
    quantities,
    fields: fieldMap(extensions, namespaces),
    ilmd: fieldMap(ilmdEntries, namespaces),
    errorDeclaration: ed && {
      declarationTime: timeOf(ed.declarationTime),
      reason: str(ed.reason) === undefined ? undefined : cbvWord(str(ed.reason)!),
      correctiveEventIDs: asArray(ed.correctiveEventIDs).filter((x): x is string => typeof x === 'string'),
    },
  };
}

/**
 * The names an extension field is queried by: `prefix:local` expands to the namespace IRI and
 * local name, written `namespace#local` (the EPCIS 1.x/2.0 query form) and, when the IRI already
 * ends in `#` or `/`, also `namespace` + `local`. Nested objects are kept whole.
 */
export function expandedNames(key: string, namespaces: Record<string, string>): string[] {
  const colon = key.indexOf(':');
  if (colon <= 0) return [key];
  const prefix = key.slice(0, colon);
  const local = key.slice(colon + 1);
  const iri = Object.hasOwn(namespaces, prefix) ? namespaces[prefix] : undefined;
  if (iri === undefined) return [key];
  if (iri.endsWith('#') || iri.endsWith('/')) return [iri + local, `${iri.replace(/[#/]$/, '')}#${local}`];
  return [`${iri}#${local}`];
}

// Most events have no extension fields: they share one empty map and one empty namespace table
// (a repository holds millions of views, and a Map per event is most of their weight).
const NO_FIELDS: ReadonlyMap<string, unknown[]> = new Map();
const NO_NAMESPACES: Record<string, string> = Object.freeze({}) as Record<string, string>;

function fieldMap(entries: [string, unknown][], namespaces: Record<string, string>): ReadonlyMap<string, unknown[]> {
  if (!entries.length) return NO_FIELDS;
  const map = new Map<string, unknown[]>();
  for (const [key, value] of entries) addField(map, key, value, namespaces);
  return map.size ? map : NO_FIELDS;
}

function addField(into: Map<string, unknown[]>, key: string, value: unknown, namespaces: Record<string, string>): void {
  if (key.startsWith('@')) return;
  const values = asArray(value).map((v) => (isObject(v) && '@value' in v ? v['@value'] : v));
  for (const name of expandedNames(key, namespaces)) into.set(name, [...(into.get(name) ?? []), ...values]);
}

/** The namespace prefixes an event's keys use (kept with the event so that it can be queried alone). */
function usedNamespaces(
  event: unknown,
  namespaces: Record<string, string>,
  into: Record<string, string> = {},
): Record<string, string> {
  if (Array.isArray(event)) for (const v of event) usedNamespaces(v, namespaces, into);
  else if (isObject(event)) {
    for (const [key, value] of Object.entries(event)) {
      const colon = key.indexOf(':');
      if (colon > 0) {
        const prefix = key.slice(0, colon);
        if (Object.hasOwn(namespaces, prefix)) into[prefix] = namespaces[prefix]!;
      }
      usedNamespaces(value, namespaces, into);
    }
  }
  return into;
}
