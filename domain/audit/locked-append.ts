/**
 * Appends to a JSON-lines file that more than one process writes (`tracegraph serve` and a
 * `tracegraph user add` beside it): under a lock file (core/file-lock.ts), with a torn last line (a writer that died
 * mid-write, never acknowledged) cut off first, and fsynced before the caller is told it is done.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../core/private-files.ts';
import { dirname } from 'node:path';
import { acquireFileLock } from '../../core/file-lock.ts';

/** What the file ends with, read under the lock. */
export interface FileTail {
  /** The last complete line, without its newline; undefined when the file is empty. */
  lastLine: string | undefined;
  /** Bytes of a torn last line that were cut off. */
  discardedBytes: number;
}

const CHUNK = 64 * 1024;

// The file lock refuses a second holder in the same process (same pid), so callers in one
// process queue here first.
const queues = new Map<string, Promise<unknown>>();

function serialised<T>(key: string, job: () => Promise<T>): Promise<T> {
  const prev = queues.get(key) ?? Promise.resolve();
  const next = prev.then(job, job);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}

/** Reads backwards from the end to the last complete line; cuts off bytes after the last newline. */
async function readTail(fh: FileHandle): Promise<FileTail> {
  const { size } = await fh.stat();
  let end = size;
  let tail = Buffer.alloc(0);
  let cut = -1; // offset just after the last newline
  let lastLine: string | undefined;
  while (end > 0) {
    const start = Math.max(0, end - CHUNK);
    const buf = Buffer.alloc(end - start);
    await fh.read(buf, 0, buf.length, start);
    tail = Buffer.concat([buf, tail]);
    end = start;
    if (cut < 0) {
      const nl = tail.lastIndexOf(0x0a);
      if (nl < 0) continue;
      cut = end + nl + 1;
      tail = tail.subarray(0, nl); // up to the last newline; look for the one before it
    }
    const prev = tail.lastIndexOf(0x0a);
    if (prev >= 0 || end === 0) {
      lastLine = tail.subarray(prev + 1).toString('utf8');
      break;
    }
  }
  if (cut < 0) cut = 0; // no newline at all: everything is one torn line
  const discardedBytes = size - cut;
  if (discardedBytes > 0) await fh.truncate(cut);
  return { lastLine, discardedBytes };
}

/**
 * Under the file's lock: reads its tail, asks `build` for the lines to add, appends and fsyncs them.
 * Returns what `build` returned.
 */
export async function appendLocked<T>(
  path: string,
  what: string,
  build: (tail: FileTail) => Promise<{ lines: string[]; result: T }> | { lines: string[]; result: T },
): Promise<T> {
  return serialised(path, async () => {
    // Readable by the owner only, when created: the user file holds password hashes, the audit
    // trail who did what (core/private-files.ts).
    await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
    const release = await acquireFileLock(`${path}.lock`, what);
    try {
      const fh = await open(path, 'a+', PRIVATE_FILE_MODE);
      try {
        const tail = await readTail(fh);
        const { lines, result } = await build(tail);
        if (lines.length) {
          // 'a+' appends at the end whatever the position; one write keeps the lines together.
          await fh.write(lines.map((l) => l + '\n').join(''));
          await fh.sync();
        }
        return result;
      } finally {
        await fh.close();
      }
    } finally {
      await release();
    }
  });
}
