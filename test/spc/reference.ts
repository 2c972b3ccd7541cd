// Reads the vendored SPC reference sets (test/fixtures/spc-reference/<set>/): the CSV data and the
// expected figures, each with the tolerance its README gives.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/spc-reference');

export interface Expectation {
  id: string;
  value: unknown;
  kind: 'stated' | 'derived';
  abs_tol?: number;
}

export function readCsv(set: string, file: string): Record<string, string>[] {
  const text = fs.readFileSync(path.join(ROOT, set, file), 'utf8').trim();
  const [header, ...rows] = text.split(/\r?\n/);
  const cols = (header as string).split(',');
  return rows.map((row) => {
    const cells = row.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
  });
}

export function expectations(set: string): Map<string, Expectation> {
  const doc = JSON.parse(fs.readFileSync(path.join(ROOT, set, 'expected.json'), 'utf8')) as { expected: Expectation[] };
  return new Map(doc.expected.map((e) => [e.id, e]));
}

export function expectation(all: Map<string, Expectation>, id: string): Expectation {
  const e = all.get(id);
  if (!e) throw new Error(`expected.json has no entry "${id}"`);
  return e;
}

export function num(all: Map<string, Expectation>, id: string): { value: number; tol: number } {
  const e = expectation(all, id);
  if (typeof e.value !== 'number') throw new Error(`${id} is not a number`);
  return { value: e.value, tol: e.abs_tol ?? 0 };
}

/** |actual - expected| <= tol, with a message that names the figure. */
export function within(actual: number | null | undefined, expected: number, tol: number, what: string): void {
  if (actual === null || actual === undefined || !(Math.abs(actual - expected) <= tol + 1e-12)) {
    throw new Error(`${what}: got ${actual}, expected ${expected} +/- ${tol}`);
  }
}
