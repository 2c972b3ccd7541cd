/**
 * An in-memory index of the audit trail file, so that a query reads the bytes of the entries it
 * returns instead of the whole file: per entry its byte offset, seq, time, actor, action and
 * target, and per actor, action and target the entries that carry it.
 *
 * The file is only ever appended to (by this process and others: `tracegraph user add` beside the
 * server), so before each query the index reads just the bytes appended since it last looked. A
 * file that is shorter than what was indexed, another file at the path, or a last indexed line
 * whose bytes changed means someone rewrote it: the index starts again from the first byte. An
 * entry read for an answer that does not match its index record means the same. Edits that keep
 * the length and the last line are not noticed here; `tracegraph audit verify` (which reads
 * everything) is what finds tampering.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { AuditEntry, AuditPage, AuditQuery } from './trail.ts';

const CHUNK = 1024 * 1024;
/** Bytes between two wanted lines below which one read covering both is cheaper than two. */
const MERGE_GAP = 16 * 1024;
const NL = 0x0a;

type Parse = (text: string) => AuditEntry | undefined;
/** Accepts the same lines as Parse; only the fields the index keeps need to come back. */
type Check = (text: string) => Pick<AuditEntry, 'seq' | 'time' | 'actor' | 'action' | 'target'> | undefined;

/** The answer was read from a file that changed under the index: rebuild and ask again. */
class Stale extends Error {}

export class TrailIndex {
  // One slot per readable entry, in file order.
  private offsets: number[] = [];
  private lengths: number[] = [];
  private seqs: number[] = [];
  private times: string[] = [];
  private actors: number[] = [];
  private actions: number[] = [];
  /** -1: no target. */
  private targets: number[] = [];
  /** Actor, action and target strings to small ids (one dictionary: ids are compared, not strings). */
  private ids = new Map<string, number>();
  private byActor = new Map<number, number[]>();
  private byAction = new Map<number, number[]>();
  private byTarget = new Map<number, number[]>();
  /** In an untouched trail both hold, and a page starts with a binary search; else a scan of the index. */
  private seqAscending = true;
  private timeAscending = true;
  /** Bytes indexed: just after the last newline seen. */
  private end = 0;
  /** The last complete line indexed (readable or not), to notice a rewrite. */
  private lastLine: { offset: number; bytes: Buffer } | undefined;
  private file: { dev: number; ino: number } | undefined;
  /** A last line without its newline: shown if it reads as an entry (as a full scan would), not indexed. */
  private tail: AuditEntry | undefined;
  private catchingUp: Promise<void> = Promise.resolve();
  /** Set when an answer did not match the file: the next catch-up starts from the first byte. */
  private stale = false;

  constructor(
    private readonly path: string,
    private readonly parse: Parse,
    private readonly check: Check,
  ) {}

  /** One page, as a scan of the file from the start would give it. */
  async query(q: AuditQuery): Promise<AuditPage> {
    for (let attempt = 0; ; attempt++) {
      // One handle for catching up and reading: both see the same file even if it is replaced meanwhile.
      let fh: FileHandle | undefined;
      try {
        fh = await open(this.path, 'r');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      try {
        await this.catchUp(fh);
        const { slots, tail, hasNextPage } = this.select(q);
        const entries = fh ? await this.read(fh, slots) : [];
        if (tail) entries.push(tail);
        return { entries, hasNextPage };
      } catch (e) {
        if (!(e instanceof Stale) || attempt > 0) throw e;
        this.stale = true;
      } finally {
        await fh?.close();
      }
    }
  }

  /** Reads what was appended since the last call; one at a time, queries wait for it. */
  private catchUp(fh: FileHandle | undefined): Promise<void> {
    const run = this.catchingUp.then(() => (fh ? this.readNew(fh) : this.reset()));
    this.catchingUp = run.catch(() => undefined);
    return run;
  }

  private reset(): void {
    this.offsets = [];
    this.lengths = [];
    this.seqs = [];
    this.times = [];
    this.actors = [];
    this.actions = [];
    this.targets = [];
    this.ids = new Map();
    this.byActor = new Map();
    this.byAction = new Map();
    this.byTarget = new Map();
    this.seqAscending = true;
    this.timeAscending = true;
    this.end = 0;
    this.lastLine = undefined;
    this.file = undefined;
    this.tail = undefined;
  }

  private async readNew(fh: FileHandle): Promise<void> {
    const st = await fh.stat();
    const replaced = this.file !== undefined && (st.dev !== this.file.dev || st.ino !== this.file.ino);
    if (this.stale || replaced || st.size < this.end || !(await this.lastLineIntact(fh))) this.reset();
    this.stale = false;
    this.file = { dev: st.dev, ino: st.ino };
    await this.indexFrom(fh, st.size);
  }

  private async lastLineIntact(fh: FileHandle): Promise<boolean> {
    if (!this.lastLine) return true;
    const { offset, bytes } = this.lastLine;
    const now = Buffer.alloc(bytes.length + 1);
    const { bytesRead } = await fh.read(now, 0, now.length, offset);
    return bytesRead === now.length && now[bytes.length] === NL && now.subarray(0, bytes.length).equals(bytes);
  }

  /** Indexes the complete lines in [end, size); what follows the last newline becomes `tail`. */
  private async indexFrom(fh: FileHandle, size: number): Promise<void> {
    let pending = Buffer.alloc(0); // bytes of a line not yet ended, starting at `end`
    let pos = this.end;
    while (pos < size) {
      const chunk = Buffer.alloc(Math.min(CHUNK, size - pos));
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, pos);
      if (bytesRead === 0) break; // cut meanwhile: the next query sees it
      pos += bytesRead;
      const buf = pending.length ? Buffer.concat([pending, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      let last: { offset: number; start: number; end: number } | undefined;
      for (let nl = buf.indexOf(NL, start); nl >= 0; nl = buf.indexOf(NL, start)) {
        this.add(this.end, buf.toString('utf8', start, nl), nl - start);
        last = { offset: this.end, start, end: nl };
        this.end += nl - start + 1;
        start = nl + 1;
      }
      // A copy: the chunk is not kept alive by it.
      if (last) this.lastLine = { offset: last.offset, bytes: Buffer.from(buf.subarray(last.start, last.end)) };
      pending = Buffer.from(buf.subarray(start));
    }
    this.tail = pending.length ? this.parse(pending.toString('utf8')) : undefined;
  }

  private id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) this.ids.set(s, (id = this.ids.size));
    return id;
  }

  /** Indexes one line (`length` bytes, without its newline) found at `offset` in the file. */
  private add(offset: number, text: string, length: number): void {
    const e = this.check(text);
    if (!e) return; // a full scan skips what does not read as an entry; verify reports it
    const slot = this.seqs.length;
    if (slot > 0) {
      if (e.seq <= this.seqs[slot - 1]!) this.seqAscending = false;
      if (e.time < this.times[slot - 1]!) this.timeAscending = false;
    }
    this.offsets.push(offset);
    this.lengths.push(length);
    this.seqs.push(e.seq);
    this.times.push(e.time);
    const actor = this.id(e.actor);
    const action = this.id(e.action);
    const target = e.target === undefined ? -1 : this.id(e.target);
    this.actors.push(actor);
    this.actions.push(action);
    this.targets.push(target);
    push(this.byActor, actor, slot);
    push(this.byAction, action, slot);
    if (target >= 0) push(this.byTarget, target, slot);
  }

  /** The slots of the page (from the index alone) and whether the unindexed tail belongs on it. */
  private select(q: AuditQuery): { slots: number[]; tail: AuditEntry | undefined; hasNextPage: boolean } {
    const want = { actor: this.known(q.actor), action: this.known(q.action), target: this.known(q.target) };
    const slots: number[] = [];
    let hasNextPage = false;
    // A filter on a value the index has never seen: only the tail can match it.
    if (want.actor !== null && want.action !== null && want.target !== null) {
      // Walk the shortest list the filters allow (all slots when none).
      let list: number[] | undefined;
      for (const [map, id] of [
        [this.byActor, want.actor],
        [this.byAction, want.action],
        [this.byTarget, want.target],
      ] as const) {
        if (id === undefined) continue;
        const l = map.get(id) ?? [];
        if (!list || l.length < list.length) list = l;
      }
      const n = list ? list.length : this.seqs.length;
      const at = list ? (i: number) => list[i]! : (i: number) => i;
      let i = 0;
      if (q.after !== undefined && this.seqAscending) i = lowerBound(i, n, (k) => this.seqs[at(k)]! > q.after!);
      if (q.from !== undefined && this.timeAscending) i = lowerBound(i, n, (k) => this.times[at(k)]! >= q.from!);
      for (; i < n; i++) {
        const s = at(i);
        const time = this.times[s]!;
        if (q.to !== undefined && time > q.to) {
          if (this.timeAscending) break;
          continue;
        }
        if (q.after !== undefined && this.seqs[s]! <= q.after) continue;
        if (q.from !== undefined && time < q.from) continue;
        if (want.actor !== undefined && this.actors[s] !== want.actor) continue;
        if (want.action !== undefined && this.actions[s] !== want.action) continue;
        if (want.target !== undefined && this.targets[s] !== want.target) continue;
        if (slots.length === q.first) {
          hasNextPage = true;
          break;
        }
        slots.push(s);
      }
    }
    let tail = this.tail && matches(this.tail, q) ? this.tail : undefined;
    if (tail && (hasNextPage || slots.length === q.first)) {
      hasNextPage = true;
      tail = undefined;
    }
    return { slots, tail, hasNextPage };
  }

  /** undefined: no filter; null: a value no indexed entry has; else its id. */
  private known(v: string | undefined): number | undefined | null {
    return v === undefined ? undefined : (this.ids.get(v) ?? null);
  }

  /** The entries at these slots, read from the file (neighbours in one read). */
  private async read(fh: FileHandle, slots: number[]): Promise<AuditEntry[]> {
    if (!slots.length) return [];
    // Offsets and lengths are taken now: a rebuild meanwhile must not change what is read.
    const spans = slots.map((s) => ({ slot: s, offset: this.offsets[s]!, length: this.lengths[s]!, seq: this.seqs[s]! }));
    const expected = slots.map((s) => ({
      time: this.times[s]!,
      actor: this.actors[s]!,
      action: this.actions[s]!,
      target: this.targets[s]!,
    }));
    const ids = this.ids;
    const out: AuditEntry[] = new Array<AuditEntry>(spans.length);
    // Runs of spans close together in the file (slots are in file order).
    for (let i = 0; i < spans.length;) {
      let j = i + 1;
      while (j < spans.length && spans[j]!.offset - (spans[j - 1]!.offset + spans[j - 1]!.length) <= MERGE_GAP) j++;
      const start = spans[i]!.offset;
      const buf = Buffer.alloc(spans[j - 1]!.offset + spans[j - 1]!.length - start);
      const { bytesRead } = await fh.read(buf, 0, buf.length, start);
      if (bytesRead < buf.length) throw new Stale();
      for (let k = i; k < j; k++) {
        const sp = spans[k]!;
        const e = this.parse(buf.toString('utf8', sp.offset - start, sp.offset - start + sp.length));
        const x = expected[k]!;
        if (
          !e ||
          e.seq !== sp.seq ||
          e.time !== x.time ||
          ids.get(e.actor) !== x.actor ||
          ids.get(e.action) !== x.action ||
          (e.target === undefined ? -1 : ids.get(e.target)) !== x.target
        )
          throw new Stale();
        out[k] = e;
      }
      i = j;
    }
    return out;
  }
}

function push(map: Map<number, number[]>, key: number, slot: number): void {
  const l = map.get(key);
  if (l) l.push(slot);
  else map.set(key, [slot]);
}

/** The first k in [lo, hi) where `ok(k)` holds, `ok` being false then true along the range. */
function lowerBound(lo: number, hi: number, ok: (k: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ok(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The query's filters on one entry: the reference the index answers by. */
export function matches(e: AuditEntry, q: AuditQuery): boolean {
  return !(
    (q.after !== undefined && e.seq <= q.after) ||
    (q.actor !== undefined && e.actor !== q.actor) ||
    (q.action !== undefined && e.action !== q.action) ||
    (q.target !== undefined && e.target !== q.target) ||
    (q.from !== undefined && e.time < q.from) ||
    (q.to !== undefined && e.time > q.to)
  );
}
