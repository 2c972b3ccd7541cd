/**
 * The dead-letter store: every rejected message or event, with the reason and the raw payload as
 * it arrived, as JSON lines in `<dataDir>/deadletters.jsonl`. A reject never stops a worker; it is
 * kept here for a person to look at (`tracegraph deadletters`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../../core/private-files.ts';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export const DEFAULT_MAX_RAW_BYTES = 64 * 1024;

export interface DeadLetter {
  /** When it was rejected, ISO 8601 UTC. */
  at: string;
  source: string;
  reason: string;
  /** The payload verbatim (JSON text for a value that was already parsed), at most maxRawBytes. */
  raw: string;
  truncated?: true;
}

export const deadLetterFile = (dataDir: string) => join(dataDir, 'deadletters.jsonl');

/** Reads the dead letters; a line torn by a crash is skipped. Needs no writer. */
export function listDeadLetters(dataDir: string): DeadLetter[] {
  const f = deadLetterFile(dataDir);
  if (!existsSync(f)) return [];
  const out: DeadLetter[] = [];
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as DeadLetter);
    } catch {
      // torn last line: it was never reported as stored
    }
  }
  return out;
}

/** Cuts `text` to at most `max` UTF-8 bytes without splitting a character. */
function truncateUtf8(text: string, max: number): { text: string; truncated: boolean } {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= max) return { text, truncated: false };
  let end = max;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--; // back to the start of a character
  return { text: buf.subarray(0, end).toString('utf8'), truncated: true };
}

export class DeadLetterStore {
  private chain: Promise<unknown> = Promise.resolve();
  /** Dead letters in the store, including those from earlier runs. */
  count: number;

  private constructor(
    readonly dataDir: string,
    private handle: FileHandle | undefined,
    private readonly maxRawBytes: number,
  ) {
    this.count = listDeadLetters(dataDir).length;
  }

  static async open(dataDir: string, opts: { maxRawBytes?: number } = {}): Promise<DeadLetterStore> {
    makePrivateDir(dataDir);
    const handle = await open(deadLetterFile(dataDir), 'a', PRIVATE_FILE_MODE);
    return new DeadLetterStore(dataDir, handle, opts.maxRawBytes ?? DEFAULT_MAX_RAW_BYTES);
  }

  /** Stores one reject durably (flushed before it resolves, like the event log). */
  add(source: string, reason: string, raw: unknown): Promise<void> {
    const text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw));
    const cut = truncateUtf8(text, this.maxRawBytes);
    const letter: DeadLetter = { at: new Date().toISOString(), source, reason, raw: cut.text };
    if (cut.truncated) letter.truncated = true;
    const run = this.chain.then(async () => {
      if (!this.handle) throw new Error('dead-letter store is closed');
      await this.handle.write(JSON.stringify(letter) + '\n');
      await this.handle.datasync();
      this.count++;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  async list(): Promise<DeadLetter[]> {
    await this.chain;
    return listDeadLetters(this.dataDir);
  }

  async close(): Promise<void> {
    await this.chain;
    const h = this.handle;
    this.handle = undefined;
    await h?.close();
  }
}
