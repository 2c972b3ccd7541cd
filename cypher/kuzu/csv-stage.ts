/**
 * Staging files for Kuzu's COPY: rows written as CSV into a private temp directory, copied, removed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROWS_PER_TURN } from '../../core/turns.ts';

export type Cell = string | number | boolean | null | undefined;

/** Quotes every text cell; Kuzu reads an empty cell as NULL. Line breaks would split a row. */
function cell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '"' + v.replace(/[\r\n]+/g, ' ').replace(/"/g, '""') + '"';
}

/** Staging directories still open, removed even when the process exits without closing its store. */
const open = new Set<string>();
process.on('exit', () => open.forEach((d) => rmSync(d, { recursive: true, force: true })));

export class CsvStage {
  private readonly dir = mkdtempSync(join(tmpdir(), 'tracegraph-stage-'));
  private n = 0;

  constructor() {
    open.add(this.dir);
  }

  /**
   * Writes rows to a new file and returns its path (a plain path: no quote characters). In pieces
   * of ROWS_PER_TURN rows, written asynchronously: the rows of a 20,000-event batch (12 MiB of
   * Event rows) held the event loop for up to a second when built and written in one go.
   */
  async write(rows: Cell[][]): Promise<string> {
    const file = join(this.dir, `${++this.n}.csv`);
    const out = await openFile(file, 'w');
    try {
      for (let i = 0; i < rows.length; i += ROWS_PER_TURN) {
        let text = '';
        for (const r of rows.slice(i, i + ROWS_PER_TURN)) text += r.map(cell).join(',') + '\n';
        await out.write(text);
      }
    } finally {
      await out.close();
    }
    return file;
  }

  /** A fresh file name in the staging directory, for Kuzu to write into. */
  path(): string {
    return join(this.dir, `${++this.n}.csv`);
  }

  remove(file: string): void {
    rmSync(file, { force: true });
  }

  dispose(): void {
    open.delete(this.dir);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
