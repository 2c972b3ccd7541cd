/**
 * CSV as spreadsheets read it (RFC 4180: CRLF, fields quoted when they hold a comma, quote or line
 * break). A text cell that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
 * apostrophe; numbers stay numbers.
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

export type Cell = string | number | null;

export function csvCell(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) && !/^[+-]?\d+(\.\d+)?$/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes the header and rows to `path`, streamed. */
export async function writeCsv(path: string, header: readonly string[], rows: Iterable<readonly Cell[]>): Promise<void> {
  const out = createWriteStream(path);
  const line = (cells: readonly Cell[]) => cells.map(csvCell).join(',') + '\r\n';
  out.write('\ufeff' + line(header)); // the BOM makes Excel read UTF-8 (Chinese, accents) as such
  for (const r of rows) if (!out.write(line(r))) await new Promise<void>((res) => out.once('drain', () => res()));
  out.end();
  await finished(out);
}
