/** Reading reports back the way a person (or a regulator's tool) would: poppler's pdftotext and pdftoppm. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CanonicalEvent } from '../../core/events.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { GraphStore } from '../../cypher/port.ts';
import { generatePlant } from '../../ingest/seed/plant.ts';
import { tempDir } from '../helpers/stores.ts';

/** The text of each page (pdftotext -layout), in order. */
export function pdfPages(file: string): string[] {
  const r = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`pdftotext ${file}: ${r.stderr}`);
  const pages = r.stdout.split('\f');
  if (pages.at(-1)!.trim() === '') pages.pop();
  return pages;
}

/** Pixels of page 1 darker than near-white, rendered at 50 dpi in grey (pdftoppm -gray writes a binary PGM). */
export function darkPixelsOfFirstPage(file: string): { dark: number; total: number } {
  const prefix = join(tempDir('tracegraph-report-png-'), 'page');
  const r = spawnSync('pdftoppm', ['-gray', '-r', '50', '-f', '1', '-l', '1', '-singlefile', file, prefix]);
  if (r.status !== 0) throw new Error(`pdftoppm ${file}: ${r.stderr.toString()}`);
  const pgm = readFileSync(`${prefix}.pgm`);
  // Header: P5 <width> <height> <maxval>, each separated by whitespace, then width*height bytes.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a binary PGM');
  const total = Number(header[1]) * Number(header[2]);
  const pixels = pgm.subarray(pgm.length - total);
  let dark = 0;
  for (const p of pixels) if (p < 200) dark++;
  return { dark, total };
}

/** An embedded store in a temp dir with the synthetic plant of `units` units. */
export async function seededStore(units: number): Promise<{ store: GraphStore; dataDir: string }> {
  const dataDir = tempDir('tracegraph-reports-');
  const store = await KuzuStore.open({ dataDir, bufferMb: 64 });
  await store.applyEvents([...generatePlant({ units })].map((e) => CanonicalEvent.parse(e)));
  return { store, dataDir };
}
