/**
 * Bulk COPY through staging CSV files, both ways: rows into a table (the write path), and a query's
 * result out of Kuzu (the in-memory indexes at open). Row by row, either would cost a round trip
 * per row; COPY moves them in one statement.
 */
import { existsSync, readFileSync } from 'node:fs';
import { query } from '../queries.ts';
import type { KuzuConnection } from './connection.ts';
import type { Cell } from './csv-stage.ts';

/** Copies rows into a table through a staging file. */
export async function copyRows(db: KuzuConnection, table: string, rows: Cell[][], options = ''): Promise<void> {
  if (!rows.length) return;
  const file = await db.stage.write(rows);
  try {
    await db.run(query('kuzu', 'copy-file', { Table: table, File: file, Options: options }));
  } finally {
    db.stage.remove(file);
  }
}

/**
 * Streams a load-*.cypher result through a CSV file, calling `row` with its first `n - 1` fields
 * split and the last one whole (it may be a string id holding commas or quotes).
 */
export async function exportRows(db: KuzuConnection, text: string, n: number, row: (f: string[]) => void): Promise<number> {
  const file = db.stage.path();
  try {
    await db.run(query('kuzu', 'export-file', { Query: text, File: file }));
    // Kuzu writes no file for an empty result.
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
    let count = 0;
    for (const line of lines) {
      if (!line) continue;
      const f: string[] = [];
      let at = 0;
      for (let k = 0; k < n - 1; k++) {
        const comma = line.indexOf(',', at);
        f.push(line.slice(at, comma));
        at = comma + 1;
      }
      const last = line.slice(at);
      f.push(last.startsWith('"') ? last.slice(1, -1).replace(/""/g, '"') : last);
      row(f);
      count++;
    }
    return count;
  } finally {
    db.stage.remove(file);
  }
}
