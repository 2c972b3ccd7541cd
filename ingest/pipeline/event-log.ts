/**
 * The append-only event log: every accepted event, one JSON line each, in segments
 * `<dataDir>/log/events-<seq>.jsonl`. `append` resolves only after the data is on disk, so a
 * source may acknowledge its message then; the graph can always be rebuilt from here.
 */
import { makePrivateDir, PRIVATE_FILE_MODE } from '../../core/private-files.ts';
import { readdirSync, statSync, createReadStream, existsSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { CanonicalEvent } from '../../core/events.ts';
import { acquireFileLock } from '../../core/file-lock.ts';

/** Segments roll at about this size, so no single file grows without bound. */
export const SEGMENT_BYTES = 64 * 1024 * 1024;

/** A place in the log: the byte offset just after a line in segment `segment`. */
export interface LogPosition {
  segment: number;
  offset: number;
}

export interface LogEntry {
  event: CanonicalEvent;
  /** Position just after this event's line: a checkpoint here means "this one is applied". */
  end: LogPosition;
  /** Where this event's line starts (with `end`, the bytes to read it again). */
  start: LogPosition;
}

export type Warn = (message: string) => void;
const stderrWarn: Warn = (m) => process.stderr.write(`tracegraph: ${m}\n`);

export const logDir = (dataDir: string) => join(dataDir, 'log');
const segmentName = (seq: number) => `events-${String(seq).padStart(6, '0')}.jsonl`;
/** The file of segment `seq`. */
export const segmentFile = (dataDir: string, seq: number) => join(logDir(dataDir), segmentName(seq));

/** The log's segments in order, with their sizes. */
export function listSegments(dataDir: string): { seq: number; file: string; size: number }[] {
  const dir = logDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^events-(\d+)\.jsonl$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ seq: Number(m[1]), file: join(dir, m[0]), size: statSync(join(dir, m[0])).size }))
    .sort((a, b) => a.seq - b.seq);
}

/**
 * Reads the log from `from` (default: the start). Needs no lock: a line still being written by a
 * live writer, or torn by a crash, has no newline yet and is skipped with a warning.
 */
export async function* readLog(dataDir: string, opts: { from?: LogPosition; warn?: Warn } = {}): AsyncGenerator<LogEntry> {
  const warn = opts.warn ?? stderrWarn;
  const from = opts.from ?? { segment: 0, offset: 0 };
  for (const seg of listSegments(dataDir)) {
    if (seg.seq < from.segment) continue;
    let offset = seg.seq === from.segment ? from.offset : 0;
    let pending: Buffer[] = [];
    for await (const chunk of createReadStream(seg.file, { start: offset }) as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        pending.push(chunk.subarray(start, nl));
        const line = Buffer.concat(pending);
        pending = [];
        const lineStart = offset;
        offset += line.length + 1;
        start = nl + 1;
        if (line.length === 0) continue;
        let event: CanonicalEvent;
        try {
          // Lines were validated before they were written: parsing again would only cost time.
          event = JSON.parse(line.toString('utf8')) as CanonicalEvent;
        } catch {
          warn(`event log ${seg.file}: skipping a corrupt line ending at byte ${offset}`);
          continue;
        }
        yield { event, end: { segment: seg.seq, offset }, start: { segment: seg.seq, offset: lineStart } };
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    }
    const rest = pending.reduce((n, b) => n + b.length, 0);
    if (rest > 0) warn(`event log ${seg.file}: skipping an incomplete last line (${rest} bytes, torn by a crash?)`);
  }
}

/** The log's writer. One per data directory (a lock file with the pid guards it). */
export class EventLog {
  private handle: FileHandle | undefined;
  private seq = 0;
  private size = 0;
  /** The write in progress (appends wait in `pending` meanwhile): lines never interleave. */
  private chain: Promise<unknown> = Promise.resolve();
  private writing = false;
  private pending: { lines: Buffer[]; resolve(ends: LogPosition[]): void; reject(e: Error): void }[] = [];

  private constructor(
    readonly dataDir: string,
    private readonly segmentBytes: number,
    private readonly unlock: () => Promise<void>,
  ) {}

  static async open(dataDir: string, opts: { segmentBytes?: number; warn?: Warn } = {}): Promise<EventLog> {
    const dir = logDir(dataDir);
    makePrivateDir(dir);
    // Held for the log's lifetime: a second writer is refused at once, not queued.
    const unlock = await acquireFileLock(join(dir, 'LOCK'), `event log ${dir}`, 0);
    const log = new EventLog(dataDir, opts.segmentBytes ?? SEGMENT_BYTES, unlock);
    try {
      await log.openLast(opts.warn ?? stderrWarn);
    } catch (e) {
      await unlock();
      throw e;
    }
    return log;
  }

  /** Continues the last segment; a torn tail (never acknowledged) is cut so the next line starts clean. */
  private async openLast(warn: Warn): Promise<void> {
    const last = listSegments(this.dataDir).at(-1);
    this.seq = last?.seq ?? 1;
    const file = join(logDir(this.dataDir), segmentName(this.seq));
    const h = await open(file, 'a+', PRIVATE_FILE_MODE);
    const { size } = await h.stat();
    let keep = size;
    if (size > 0) {
      // Scan back from the end for the last newline: everything after it is a torn line.
      const buf = Buffer.alloc(64 * 1024);
      let end = size;
      keep = 0;
      search: while (end > 0) {
        const start = Math.max(0, end - buf.length);
        const { bytesRead } = await h.read(buf, 0, end - start, start);
        for (let i = bytesRead - 1; i >= 0; i--)
          if (buf[i] === 0x0a) {
            keep = start + i + 1;
            break search;
          }
        end = start;
      }
      if (keep < size) {
        warn(`event log ${file}: cutting an incomplete last line (${size - keep} bytes, torn by a crash)`);
        await h.truncate(keep);
        await h.sync();
      }
    }
    this.handle = h;
    this.size = keep;
  }

  /**
   * Writes the events and flushes them to disk; resolves with each event's end position.
   * Group commit: appends made while a write is on its way to disk are written together with one
   * fsync after it, so concurrent sources share the cost of a flush instead of queueing behind one
   * each. Lines keep the order of the `append` calls.
   */
  append(events: readonly CanonicalEvent[]): Promise<LogPosition[]> {
    if (!this.handle) return Promise.reject(new Error('event log is closed'));
    if (!events.length) return Promise.resolve([]);
    const lines = events.map((e) => Buffer.from(JSON.stringify(e) + '\n'));
    return new Promise<LogPosition[]>((resolve, reject) => {
      this.pending.push({ lines, resolve, reject });
      if (!this.writing) this.chain = this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length) {
        const group = this.pending.splice(0);
        try {
          const ends = await this.write(group.map((g) => g.lines));
          group.forEach((g, i) => g.resolve(ends[i]!));
        } catch (e) {
          for (const g of group) g.reject(e as Error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** One write and one fsync for several appends; returns each append's end positions. */
  private async write(appends: readonly Buffer[][]): Promise<LogPosition[][]> {
    if (!this.handle) throw new Error('event log is closed');
    const bytes = appends.reduce((n, lines) => lines.reduce((m, b) => m + b.length, n), 0);
    if (this.size > 0 && this.size + bytes > this.segmentBytes) await this.roll();
    let offset = this.size;
    const ends = appends.map((lines) => lines.map((l) => ({ segment: this.seq, offset: (offset += l.length) })));
    const buf = Buffer.concat(appends.flat());
    for (let done = 0; done < buf.length;) done += (await this.handle.write(buf, done, buf.length - done)).bytesWritten;
    // datasync: the data and the file size, which is what a reader after a crash needs.
    await this.handle.datasync();
    this.size += bytes;
    return ends;
  }

  private async roll(): Promise<void> {
    await this.handle!.close();
    this.seq++;
    this.size = 0;
    this.handle = await open(join(logDir(this.dataDir), segmentName(this.seq)), 'a+', PRIVATE_FILE_MODE);
    // The new file's directory entry must survive a crash too.
    const dir = await open(logDir(this.dataDir), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /** Every logged event, in order (what is on disk now, including appends that are complete). */
  async *read(): AsyncGenerator<CanonicalEvent> {
    await this.chain;
    for await (const entry of readLog(this.dataDir)) yield entry.event;
  }

  async close(): Promise<void> {
    await this.chain;
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
    await this.unlock();
  }
}
