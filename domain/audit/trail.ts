/**
 * The audit trail: an append-only JSON-lines file (`<dataDir>/audit/trail.jsonl`) in which every
 * entry carries the hash of the one before it, so an edited, removed or reordered entry breaks the
 * chain at that point. It lives beside the graph, not in it, so that every process working on a
 * data directory (the server, `tracegraph user add`) can append while the server holds the graph.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { TracegraphError } from '../../core/errors.ts';
import { appendLocked } from './locked-append.ts';
import { matches, TrailIndex } from './trail-index.ts';

export const GENESIS_HASH = '0'.repeat(64);

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export interface AuditEntry {
  seq: number;
  /** ISO 8601, UTC. */
  time: string;
  /** A user name, `dev`, `cli:<os user>`, or `anonymous` for a failed login without a name. */
  actor: string;
  /** e.g. `mutation`, `login`, `signature`, `export`, `user.add`. */
  action: string;
  target?: string;
  details?: { [k: string]: JsonValue };
  prevHash: string;
  hash: string;
}

export type AuditInput = Pick<AuditEntry, 'actor' | 'action' | 'target' | 'details'>;

const Json: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(Json), z.record(z.string(), Json)]),
);

const EntrySchema = z
  .object({
    seq: z.number().int().positive(),
    time: z.string(),
    actor: z.string(),
    action: z.string(),
    target: z.string().optional(),
    details: z.record(z.string(), Json).optional(),
    prevHash: z.string().regex(/^[0-9a-f]{64}$/),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

/** JSON with object keys sorted at every level and no spaces: the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, time, actor, action, target, details, prevHash } = entry;
  return createHash('sha256').update(canonicalJson({ seq, time, actor, action, target, details, prevHash })).digest('hex');
}

export interface AuditQuery {
  /** Entries after this seq (the previous page's endCursor). */
  after?: number;
  first: number;
  actor?: string;
  action?: string;
  target?: string;
  /** Inclusive bounds on `time`, ISO 8601. */
  from?: string;
  to?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  hasNextPage: boolean;
}

export type VerifyResult =
  | { ok: true; entries: number; lastHash: string | null }
  | { ok: false; entries: number; brokenAt: { seq: number; line: number; reason: string } };

export class AuditTrail {
  readonly path: string;
  /** Kept for the life of this object: keep one AuditTrail per data directory per process. */
  private readonly index: TrailIndex;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'audit', 'trail.jsonl');
    this.index = new TrailIndex(this.path, parseLine, indexLine);
  }

  /** Appends one entry (durably, under the lock) and returns it with its seq and hash. */
  async append(input: AuditInput): Promise<AuditEntry> {
    return (await this.appendAll([input])).at(-1)!;
  }

  /** Appends entries in order with one write and one sync (a group of them costs about one). */
  async appendAll(inputs: readonly AuditInput[]): Promise<AuditEntry[]> {
    return appendLocked(this.path, 'the audit trail', ({ lastLine, discardedBytes }) => {
      let seq = 0;
      let prevHash = GENESIS_HASH;
      if (lastLine !== undefined) {
        // Chained to what the file says, even if that entry was tampered with: verify reports it.
        const last = parseLine(lastLine);
        if (!last)
          throw new TracegraphError(
            'AUDIT_BROKEN',
            `the last line of ${this.path} is not an audit entry: run \`tracegraph audit verify\``,
          );
        seq = last.seq;
        prevHash = last.hash;
      }
      const entries: AuditEntry[] = [];
      const add = (e: AuditInput) => {
        const body = { seq: ++seq, time: new Date().toISOString(), ...e, prevHash };
        const full = { ...body, hash: entryHash(body) };
        prevHash = full.hash;
        entries.push(full);
      };
      // A crash mid-write leaves a torn line; it was never acknowledged, so it is cut off, and
      // the cut itself goes on the record.
      if (discardedBytes > 0) add({ actor: 'system', action: 'audit.repair', details: { discardedTornBytes: discardedBytes } });
      const mine = entries.length;
      for (const input of inputs) add(input);
      return { lines: entries.map((e) => JSON.stringify(e)), result: entries.slice(mine) };
    });
  }

  /**
   * One page of entries in seq order, filtered. Reads only the entries it returns (and what was
   * appended since the last query), through an index kept by this object (trail-index.ts).
   */
  query(q: AuditQuery): Promise<AuditPage> {
    return this.index.query(q);
  }

  /** Walks the whole chain; stops at the first entry that does not follow from the one before. */
  async verify(): Promise<VerifyResult> {
    let prevHash = GENESIS_HASH;
    let prevSeq = 0;
    let count = 0;
    for await (const { line, text } of fileLines(this.path)) {
      const broken = (seq: number, reason: string): VerifyResult => ({
        ok: false,
        entries: count,
        brokenAt: { seq, line, reason },
      });
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        return broken(prevSeq + 1, `line ${line} is not JSON (torn or edited)`);
      }
      const parsed = EntrySchema.safeParse(raw);
      if (!parsed.success) {
        const seq = typeof (raw as { seq?: unknown })?.seq === 'number' ? (raw as { seq: number }).seq : prevSeq + 1;
        const issue = parsed.error.issues[0];
        return broken(seq, `line ${line} is not an audit entry (${issue?.path.join('.') || 'entry'}: ${issue?.message})`);
      }
      const e = parsed.data as AuditEntry;
      if (e.seq !== prevSeq + 1)
        return broken(
          e.seq,
          e.seq > prevSeq + 1
            ? `entry ${e.seq} follows entry ${prevSeq}: ${e.seq - prevSeq - 1 === 1 ? `entry ${prevSeq + 1} is` : `entries ${prevSeq + 1}..${e.seq - 1} are`} missing`
            : `entry ${e.seq} follows entry ${prevSeq}: out of order or repeated`,
        );
      if (e.prevHash !== prevHash)
        return broken(
          e.seq,
          `entry ${e.seq} does not carry the hash of entry ${prevSeq} (removed, reordered or edited before it)`,
        );
      if (entryHash(e) !== e.hash)
        return broken(e.seq, `entry ${e.seq} was changed after it was written (its hash does not match)`);
      prevHash = e.hash;
      prevSeq = e.seq;
      count++;
    }
    return { ok: true, entries: count, lastHash: count ? prevHash : null };
  }
}

async function* fileLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  if (!existsSync(path)) return;
  const input = createReadStream(path, 'utf8');
  const rl = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const text of rl) yield { line: ++n, text };
  } finally {
    input.destroy(); // a caller that stops early (verify at a broken line) leaves no read running on
  }
}

/**
 * The query without the index: reads the file from the start. The reference the index is tested
 * against, and the "before" of the audit bench.
 */
export async function scanQuery(path: string, q: AuditQuery): Promise<AuditPage> {
  const entries: AuditEntry[] = [];
  for await (const { text } of fileLines(path)) {
    const e = parseLine(text);
    if (!e || !matches(e, q)) continue; // verify reports broken lines; a query shows what is readable
    if (entries.length === q.first) return { entries, hasNextPage: true };
    entries.push(e);
  }
  return { entries, hasNextPage: false };
}

/**
 * The schema with `details` checked as any object: what JSON.parse gives is JSON all the way down,
 * so on parsed text it accepts exactly what EntrySchema accepts, without walking the details (the
 * index checks every line of the file with it; the entries a query returns get the full parse).
 */
const IndexedSchema = EntrySchema.extend({ details: z.record(z.string(), z.unknown()).optional() });

function indexLine(text: string): Omit<AuditEntry, 'details'> | undefined {
  try {
    const r = IndexedSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

function parseLine(text: string): AuditEntry | undefined {
  try {
    const r = EntrySchema.safeParse(JSON.parse(text));
    return r.success ? (r.data as AuditEntry) : undefined;
  } catch {
    return undefined;
  }
}

/** The audit entry for an export (a report download, a spreadsheet): call it before sending the file. */
export function recordExport(
  trail: AuditTrail,
  actor: string,
  what: string,
  details?: { [k: string]: JsonValue },
): Promise<AuditEntry> {
  return trail.append({ actor, action: 'export', target: what, details });
}
