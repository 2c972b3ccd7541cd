/**
 * The EPCIS parse worker pool reads a document as document.ts does, on a worker thread: the same
 * events, ids and errors; it runs from the TypeScript sources (here, through tsx) and from the
 * compiled dist/ (as the installed CLI runs it).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TracegraphError } from '../../core/errors.ts';
import { readEpcisDocument } from '../../ingest/epcis/document.ts';
import { canonicalBatches, EpcisParsePool } from '../../ingest/epcis/parse-worker-pool.ts';
import { tempDir } from '../helpers/stores.ts';
import { largeJsonCapture, largeXmlCapture } from '../../bench/large-capture.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('EPCIS parse worker pool', () => {
  const pool = new EpcisParsePool({ workers: 2, batchSize: 7 });
  afterAll(() => pool.close());

  it('reads JSON and XML like readEpcisDocument, in batches, several documents at once', async () => {
    const docs = [largeJsonCapture(30, 'A', 20), largeXmlCapture(30, 'B', 20), largeJsonCapture(5, 'C')];
    const expected = await Promise.all(docs.map((d) => readEpcisDocument(d)));
    const read = await Promise.all(docs.map((d) => pool.read(Buffer.from(d), { file: 'doc' })));
    for (const [i, doc] of read.entries()) {
      const want = expected[i]!;
      expect(doc.ids).toEqual(want.epcisEvents.map((e) => e.eventID));
      expect(doc.lines.map((l) => (JSON.parse(l) as { e: { eventID: string } }).e.eventID)).toEqual(doc.ids);
      expect(doc.namespaces).toEqual(want.namespaces);
      expect(doc.documentType).toBe(want.documentType);
      expect(doc.eventBatches.length).toBe(Math.ceil(doc.ids.length / 7));
      expect([...canonicalBatches(doc)].flat()).toEqual(JSON.parse(JSON.stringify(want.events)));
    }
  });

  it('rejects an invalid document with the same BAD_EPCIS error as the main thread, and keeps working', async () => {
    const bad = Buffer.from(largeJsonCapture(3, 'D').toString().replace('"action":"ADD"', '"action":"MOVE"'));
    const onMain = await readEpcisDocument(bad, { file: 'doc' }).catch((e: unknown) => e);
    const onWorker = await pool.read(bad, { file: 'doc' }).catch((e: unknown) => e);
    expect(onMain).toBeInstanceOf(TracegraphError);
    expect(onWorker).toBeInstanceOf(TracegraphError);
    expect((onWorker as TracegraphError).code).toBe('BAD_EPCIS');
    expect((onWorker as TracegraphError).message).toBe((onMain as TracegraphError).message);
    expect((await pool.read(largeJsonCapture(2, 'E'), { file: 'doc' })).ids).toHaveLength(2);
  });

  it('runs from the compiled dist/ too', () => {
    const script = join(tempDir('tracegraph-parse-dist-'), 'read.mjs');
    writeFileSync(
      script,
      `const { EpcisParsePool } = await import(${JSON.stringify(pathToFileURL(resolve(ROOT, 'dist/ingest/epcis/parse-worker-pool.js')).href)});
      const pool = new EpcisParsePool({ workers: 1 });
      const doc = await pool.read(Buffer.from(process.argv[2]), { file: 'doc' });
      console.log(JSON.stringify({ ids: doc.ids.length, type: doc.documentType }));
      await pool.close();`,
    );
    const r = spawnSync(process.execPath, [script, largeJsonCapture(12, 'F').toString()], { encoding: 'utf8', cwd: '/' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ ids: 12, type: 'EPCISDocument' });
  });
});
