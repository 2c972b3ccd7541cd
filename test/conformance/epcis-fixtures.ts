/** Shared by the EPCIS conformance files: how to list and read the suites. */
import fs from 'node:fs';
import path from 'node:path';
import { TracegraphError } from '../../core/errors.ts';
import type { CanonicalEvent } from '../../core/events.ts';
import { readEpcisDocument, type EpcisDocumentRead, type ReadOptions } from '../../ingest/epcis/document.ts';

/** The public test material the suites use (test/fixtures/, vendored with licences). */
export { fixture } from '../helpers/fixtures.ts';

export function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

export const isXml = (f: string) => f.endsWith('.xml');
export const isJson = (f: string) => /\.json(ld)?$/.test(f);

/** Reads a fixture as capture does: streamed from disk. */
export function readFixture(file: string, opts: ReadOptions = {}): Promise<EpcisDocumentRead> {
  return readEpcisDocument(fs.createReadStream(file), { file: path.basename(file), ...opts });
}

/** The TracegraphError a read fails with (fails the test when it succeeds). */
export async function rejection(file: string, opts: ReadOptions = {}): Promise<TracegraphError> {
  try {
    await readFixture(file, opts);
  } catch (e) {
    if (e instanceof TracegraphError) return e;
    throw e;
  }
  throw new Error(`${file} was accepted, expected a rejection`);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * What the graph is built from, comparable across bindings: times as instants, record times
 * dropped (set by whoever captured), and each EPCIS event id replaced by the event's position so
 * that two documents can be compared even where their events' ids differ.
 */
export function graphInput(doc: EpcisDocumentRead, drop: readonly string[] = []): unknown[] {
  const position = new Map(doc.epcisEvents.map((e, i) => [String(e.eventID), `event#${i}`]));
  const norm = (v: unknown, key = ''): unknown => {
    if (typeof v === 'string') {
      const base = v.replace(/#\d+$/, '');
      if (position.has(base)) return position.get(base)! + v.slice(base.length);
      return DATE_TIME.test(v) ? new Date(v).toISOString() : v;
    }
    if (Array.isArray(v)) return v.map((x) => norm(x, key));
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => !drop.includes(`${key}.${k}`.replace(/^\./, '')))
          .map(([k, x]) => [k, norm(x, `${key}.${k}`.replace(/^\./, ''))]),
      );
    }
    return v;
  };
  return doc.events.map(({ recordTime: _, ...e }: CanonicalEvent) => norm(e));
}
