/**
 * The EPCIS repository: every EPCIS event as it came in (REST capture, `tracegraph import epcis`,
 * the MQTT EPCIS topic) with all its fields (the graph keeps only what traces need), capture jobs
 * and master data, in one append-only JSON-lines file `<dataDir>/epcis/repository.jsonl`; and,
 * for the query, every other event of the data directory's event log rendered as EPCIS
 * (from-canonical.ts). Both files are indexed compactly in memory and read again from where they
 * left off whenever they have grown, so several processes (an API and an ingest worker, say) may
 * write into the same data directory. Events are deduplicated by eventID: the first of an id wins.
 */
import { makePrivateDir, PRIVATE_FILE_MODE } from '../../core/private-files.ts';
import { closeSync, openSync, readSync } from 'node:fs';
import { appendFile, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { normaliseId } from '../../core/ids.ts';
import { nextTurn } from '../../core/turns.ts';
import type { CanonicalEvent } from '../../core/events.ts';
import type { IngestTotals } from '../batches.ts';
import { readLog, segmentFile, type LogPosition } from '../pipeline/event-log.ts';
import { shortCbv } from './cbv.ts';
import { canonicalHead, canonicalToEpcis, type EventHead } from './from-canonical.ts';

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
  /**
   * An extension of this server (not in the EPCIS standard): what the graph took when the capture
   * wrote it directly, counted in canonical events as `tracegraph import epcis` counts them (events
   * seen, new, already present, declared in error). Absent where a pipeline applies the events later.
   */
  graph?: IngestTotals;
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
/** Events whose whole view is kept after a query read it (the pages a client is walking). */
const VIEW_CACHE = 2_000;

/** Where an event's line is: the repository file or a segment of the event log. */
const REPOSITORY_FILE = -1;

export interface RepositoryOptions {
  /** How much of the file is read at once (tests make it small). */
  readChunkBytes?: number;
  /**
   * Also answer every event of the data directory's event log (`<dataDir>/log`, what MQTT, OPC UA,
   * the simulator and the pipeline's other sources wrote), rendered as EPCIS (default true).
   */
  eventLog?: boolean;
}

/**
 * The EPCIS event store every query reads: the events captured as EPCIS (repository.jsonl) and
 * every other event the pipeline logged, in one sequence. Memory holds a compact index (per event
 * its id, type, times, action, bizStep, disposition, locations and where its line is, plus
 * postings by EPC, class and bizStep); the whole event is read back from its line and rendered when
 * a query needs more than that, and a page's events are rendered on demand.
 */
export class EpcisRepository {
  readonly file: string;
  private offset = 0;
  private readonly dataDir: string;
  private readonly withLog: boolean;
  private logFrom: LogPosition = { segment: 0, offset: 0 };
  // The index, one entry per event, by seq.
  private readonly ids: string[] = [];
  private readonly files = new Column(Int32Array);
  private readonly starts = new Column(Float64Array);
  private readonly lengths = new Column(Uint32Array);
  private readonly eventTimes = new Column(Float64Array);
  private readonly recordTimes = new Column(Float64Array);
  // Strings that repeat, as codes into `wordList` (0: none).
  private readonly types = new Column(Uint32Array);
  private readonly actions = new Column(Uint32Array);
  private readonly bizSteps = new Column(Uint32Array);
  private readonly dispositions = new Column(Uint32Array);
  private readonly readPoints = new Column(Uint32Array);
  private readonly bizLocations = new Column(Uint32Array);
  private readonly wordList: (string | undefined)[] = [undefined];
  private readonly byId = new Map<string, number>();
  private readonly byEpc = new Map<string, number[]>();
  private readonly byClass = new Map<string, number[]>();
  private readonly byBizStep = new Map<string, number[]>();
  /** Distinct values of the string columns -> their code. */
  private readonly words = new Map<string, number>();
  private readonly cache = new Map<number, EventView>();
  private readonly jobs = new Map<string, CaptureJob>();
  /** Vocabulary element id -> element, across vocabularies (ids are URIs, unique by design). */
  private readonly elements = new Map<string, VocabularyElement & { type: string }>();
  /** Appends and reloads of this process, one at a time. */
  private chain: Promise<unknown> = Promise.resolve();

  private readonly readChunk: number;

  constructor(dataDir: string, opts: RepositoryOptions = {}) {
    this.readChunk = opts.readChunkBytes ?? READ_CHUNK;
    this.dataDir = dataDir;
    this.withLog = opts.eventLog ?? true;
    const dir = join(dataDir, 'epcis');
    makePrivateDir(dir);
    this.file = join(dir, 'repository.jsonl');
  }

  /** Reads what other processes (or this one) appended since the last look, to both files. */
  refresh(): Promise<void> {
    return this.serial(async () => {
      await this.readNew();
      if (this.withLog) await this.readLogNew();
    });
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
    return this.serial(async () => {
      await this.readNew();
      const lines = repositoryLines(events, masterData, namespaces, (id) => this.byId.has(id));
      await this.append(lines);
      return { newEvents: lines.filter((l) => l.k === 'event').length };
    });
  }

  /**
   * addDocument for events already written as repository lines (eventLine) by a reader on another
   * thread (parse-worker.ts): `lines[i]` holds the event with id `ids[i]`. The same deduplication
   * by eventID; a large document is appended in pieces of whole lines, each one write.
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
        // A capture of 100,000 events: other requests are answered between pieces.
        if (i > 0 && i % IDS_PER_TURN === 0) await nextTurn();
        if (this.byId.has(id) || seen.has(id)) continue;
        seen.add(id);
        text.push(lines[i]!);
      }
      const newEvents = text.length;
      for (const v of masterData)
        for (const element of v.elements) text.push(JSON.stringify({ k: 'vocab', type: v.type, element } satisfies Line));
      await appendInPieces(this.file, text);
      await this.readNew();
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

  /** How many events the store holds (seqs run from 0 to count - 1). */
  count(): number {
    return this.ids.length;
  }

  /** The event at `seq`: its indexed fields at once, the rest read from its line when asked for. */
  view(seq: number): EventView {
    return new StoredView(this, seq);
  }

  /** Every event, in the order the store took them (materialised: for small stores and tests). */
  all(): EventView[] {
    return this.ids.map((_, seq) => this.view(seq));
  }

  /** Postings for the query engine: seqs of events naming an EPC / a class / with a bizStep (exact, normalised). */
  seqsWithEpc(epc: string): readonly number[] {
    return this.byEpc.get(epc) ?? [];
  }
  seqsWithClass(epcClass: string): readonly number[] {
    return this.byClass.get(epcClass) ?? [];
  }
  seqsWithBizStep(bizStep: string): readonly number[] {
    return this.byBizStep.get(bizStep) ?? [];
  }
  epcs(): Iterable<string> {
    return this.byEpc.keys();
  }
  classes(): Iterable<string> {
    return this.byClass.keys();
  }
  withEpc(epc: string): EventView[] {
    return this.seqsWithEpc(epc).map((seq) => this.view(seq));
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

  // The indexed fields of `seq` (what StoredView answers without reading the event's line).
  /** @internal */ idAt = (seq: number): string => this.ids[seq]!;
  /** @internal */ typeAt = (seq: number): string => this.wordList[this.types.at(seq)] ?? '';
  /** @internal */ eventTimeAt = (seq: number): number => this.eventTimes.at(seq);
  /** @internal */ recordTimeAt = (seq: number): number | undefined => {
    const t = this.recordTimes.at(seq);
    return Number.isNaN(t) ? undefined : t;
  };
  /** @internal */ actionAt = (seq: number) => this.wordList[this.actions.at(seq)];
  /** @internal */ bizStepAt = (seq: number) => this.wordList[this.bizSteps.at(seq)];
  /** @internal */ dispositionAt = (seq: number) => this.wordList[this.dispositions.at(seq)];
  /** @internal */ readPointAt = (seq: number) => this.wordList[this.readPoints.at(seq)];
  /** @internal */ bizLocationAt = (seq: number) => this.wordList[this.bizLocations.at(seq)];

  /** @internal the whole view of `seq`, read back from its line (a few recent ones are kept). */
  load(seq: number): EventView {
    const cached = this.cache.get(seq);
    if (cached) return cached;
    const file = this.files.at(seq);
    const path = file === REPOSITORY_FILE ? this.file : segmentFile(this.dataDir, file);
    const length = this.lengths.at(seq);
    const start = this.starts.at(seq);
    const buffer = Buffer.alloc(length);
    const fd = openSync(path, 'r');
    try {
      for (let done = 0; done < length;) {
        const n = readSync(fd, buffer, done, length - done, start + done);
        if (n === 0) throw new Error(`${path}: the event at byte ${start} is cut short`);
        done += n;
      }
    } finally {
      closeSync(fd);
    }
    const text = buffer.toString('utf8');
    let view: EventView;
    if (file === REPOSITORY_FILE) {
      const line = JSON.parse(text) as Extract<Line, { k: 'event' }>;
      view = viewOf(line.e, line.ns ?? NO_NAMESPACES, seq);
    } else {
      const rendered = canonicalToEpcis(JSON.parse(text) as CanonicalEvent);
      view = viewOf(rendered.event, rendered.namespaces, seq);
    }
    if (this.cache.size >= VIEW_CACHE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(seq, view);
    return view;
  }

  private serial<T>(job: () => Promise<T>): Promise<T> {
    const run = this.chain.then(job);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async append(lines: Line[]): Promise<void> {
    if (!lines.length) return;
    await appendRepositoryLines(this.file, lines);
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
        const base = this.offset;
        this.offset += end + 1;
        for (let from = 0; from < end;) {
          let nl = buffer.indexOf(0x0a, from);
          if (nl < 0 || nl > end) nl = end;
          this.takeRaw(buffer.subarray(from, nl).toString('utf8'), base + from, base + nl);
          from = nl + 1;
        }
      }
    } finally {
      await handle.close();
    }
  }

  /** Indexes the event log from where it stopped; events that came in as EPCIS are the repository's. */
  private async readLogNew(): Promise<void> {
    const warn = (m: string) => {
      // The last line of a live log is often still being written: it is read next time.
      if (!m.includes('incomplete last line')) process.stderr.write(`tracegraph epcis: ${m}\n`);
    };
    for await (const { event, start, end } of readLog(this.dataDir, { from: this.logFrom, warn })) {
      this.logFrom = end;
      const epcisId = event.context?.epcisEventId;
      // An EPCIS original is written to the repository before its canonical events reach the log.
      if (epcisId !== undefined && !this.byId.has(epcisId)) await this.readNew();
      if (epcisId !== undefined && this.byId.has(epcisId)) continue; // answered from its original
      const head = canonicalHead(event) ?? headOf(this.renderedView(event));
      if (this.byId.has(head.eventID)) continue;
      this.index(head, eventTimeOf(event.eventTime), eventTimeOf(event.recordTime), start.segment, start.offset, end.offset);
    }
  }

  private renderedView(event: CanonicalEvent): EventView {
    const rendered = canonicalToEpcis(event);
    return viewOf(rendered.event, rendered.namespaces, this.ids.length);
  }

  private takeRaw(raw: string, start: number, end: number): void {
    if (raw.trim() === '') return;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      return; // a line torn by a crash was never acknowledged to anyone
    }
    if (line.k === 'job') this.jobs.set(line.job.captureID, line.job);
    else if (line.k === 'vocab') this.mergeElement(line.type, line.element);
    else if (line.k === 'event') {
      const id = line.e.eventID;
      if (typeof id !== 'string' || this.byId.has(id)) return;
      const view = viewOf(line.e, line.ns ?? NO_NAMESPACES, this.ids.length);
      this.index(headOf(view), view.eventTime, view.recordTime, REPOSITORY_FILE, start, end);
    }
  }

  private word(s: string | undefined): number {
    if (s === undefined) return 0;
    let code = this.words.get(s);
    if (code === undefined) {
      code = this.wordList.push(s) - 1;
      this.words.set(s, code);
    }
    return code;
  }

  private index(
    head: EventHead,
    eventTime: number,
    recordTime: number | undefined,
    file: number,
    start: number,
    end: number,
  ): void {
    const seq = this.ids.length;
    this.ids.push(head.eventID);
    this.byId.set(head.eventID, seq);
    this.files.push(file);
    this.starts.push(start);
    this.lengths.push(end - start);
    this.types.push(this.word(head.type));
    this.eventTimes.push(eventTime);
    this.recordTimes.push(recordTime ?? NaN);
    this.actions.push(this.word(head.action));
    this.bizSteps.push(this.word(head.bizStep));
    this.dispositions.push(this.word(head.disposition));
    this.readPoints.push(this.word(head.readPoint));
    this.bizLocations.push(this.word(head.bizLocation));
    for (const epc of new Set(head.epcs)) push(this.byEpc, epc, seq);
    for (const c of new Set(head.classes)) push(this.byClass, c, seq);
    if (head.bizStep !== undefined) push(this.byBizStep, this.wordList[this.word(head.bizStep)]!, seq);
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

/** The indexed fields of a whole view. */
export function headOf(view: EventView): EventHead {
  const epcs = [...view.epcList, ...view.childEPCs, ...view.inputEPCs, ...view.outputEPCs];
  if (view.parentID) epcs.push(view.parentID);
  return {
    eventID: view.eventID,
    type: view.type,
    action: view.action,
    bizStep: view.bizStep,
    disposition: view.disposition,
    readPoint: view.readPoint,
    bizLocation: view.bizLocation,
    epcs,
    classes: view.quantities.map((q) => q.epcClass),
  };
}

const eventTimeOf = (s: string | undefined): number => (s === undefined ? NaN : Date.parse(s));

/** An event of the store: the indexed fields at once, the others from its line on first use. */
class StoredView implements EventView {
  private whole: EventView | undefined;
  constructor(
    private readonly repo: EpcisRepository,
    readonly seq: number,
  ) {}
  private get full(): EventView {
    return (this.whole ??= this.repo.load(this.seq));
  }
  get eventID() {
    return this.repo.idAt(this.seq);
  }
  get type() {
    return this.repo.typeAt(this.seq);
  }
  get eventTime() {
    return this.repo.eventTimeAt(this.seq);
  }
  get recordTime() {
    return this.repo.recordTimeAt(this.seq);
  }
  get action() {
    return this.repo.actionAt(this.seq);
  }
  get bizStep() {
    return this.repo.bizStepAt(this.seq);
  }
  get disposition() {
    return this.repo.dispositionAt(this.seq);
  }
  get readPoint() {
    return this.repo.readPointAt(this.seq);
  }
  get bizLocation() {
    return this.repo.bizLocationAt(this.seq);
  }
  get event() {
    return this.full.event;
  }
  get namespaces() {
    return this.full.namespaces;
  }
  get transformationID() {
    return this.full.transformationID;
  }
  get bizTransactions() {
    return this.full.bizTransactions;
  }
  get sources() {
    return this.full.sources;
  }
  get destinations() {
    return this.full.destinations;
  }
  get epcList() {
    return this.full.epcList;
  }
  get parentID() {
    return this.full.parentID;
  }
  get childEPCs() {
    return this.full.childEPCs;
  }
  get inputEPCs() {
    return this.full.inputEPCs;
  }
  get outputEPCs() {
    return this.full.outputEPCs;
  }
  get quantities() {
    return this.full.quantities;
  }
  get fields() {
    return this.full.fields;
  }
  get ilmd() {
    return this.full.ilmd;
  }
  get errorDeclaration() {
    return this.full.errorDeclaration;
  }
}

/** The repository lines for a document: events not held yet (`has`), once each, and the master data. */
function repositoryLines(
  events: readonly EpcisEventJson[],
  masterData: readonly Vocabulary[],
  namespaces: Record<string, string>,
  has: (id: string) => boolean,
): Line[] {
  const recordTime = new Date().toISOString();
  const seen = new Set<string>();
  const lines: Line[] = [];
  for (const e of events) {
    const id = typeof e.eventID === 'string' ? e.eventID : undefined;
    if (id === undefined || has(id) || seen.has(id)) continue;
    seen.add(id);
    const ns = usedNamespaces(e, namespaces);
    const stored = e.recordTime === undefined ? { ...e, recordTime } : e;
    lines.push(Object.keys(ns).length ? { k: 'event', e: stored, ns } : { k: 'event', e: stored });
  }
  for (const v of masterData) for (const element of v.elements) lines.push({ k: 'vocab', type: v.type, element });
  return lines;
}

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

const APPEND_PIECE = 256 * 1024;
/** Event ids checked for new per turn of the event loop (~5 ms of work). */
const IDS_PER_TURN = 10_000;

/** Appends lines in writes of whole lines, at most APPEND_PIECE characters each (a large capture is tens of MiB). */
async function appendInPieces(file: string, lines: readonly string[]): Promise<void> {
  for (let i = 0; i < lines.length;) {
    const piece: string[] = [];
    for (let size = 0; i < lines.length && (size === 0 || size + lines[i]!.length < APPEND_PIECE); i++) {
      piece.push(lines[i]!);
      size += lines[i]!.length + 1;
    }
    await appendFile(file, piece.join('\n') + '\n', { mode: PRIVATE_FILE_MODE });
  }
}

async function appendRepositoryLines(file: string, lines: readonly Line[]): Promise<void> {
  if (!lines.length) return;
  // One write per call: O_APPEND keeps concurrent writers' lines whole.
  await appendFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n', { mode: PRIVATE_FILE_MODE });
}

/**
 * Registers EPCIS events read elsewhere (a file import, the MQTT EPCIS topic) in the data
 * directory's repository without loading it: an event already held is skipped when the
 * repository is read (the first line of an eventID wins), so appending twice stores it once.
 */
export async function registerEpcisEvents(
  dataDir: string,
  events: readonly EpcisEventJson[],
  masterData: readonly Vocabulary[],
  namespaces: Record<string, string>,
): Promise<void> {
  const dir = join(dataDir, 'epcis');
  makePrivateDir(dir);
  await appendRepositoryLines(
    join(dir, 'repository.jsonl'),
    repositoryLines(events, masterData, namespaces, () => false),
  );
}

type TypedArray = Int32Array | Uint32Array | Float64Array;

/** A growable typed array: a column of the index (8 or 4 bytes an event, no per-element objects). */
class Column<A extends TypedArray> {
  private data: A;
  private size = 0;
  constructor(private readonly make: new (n: number) => A) {
    this.data = new make(1024);
  }
  push(value: number): void {
    if (this.size === this.data.length) {
      const bigger = new this.make(this.data.length * 2);
      bigger.set(this.data as never);
      this.data = bigger;
    }
    this.data[this.size++] = value;
  }
  at(i: number): number {
    return this.data[i]!;
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
