/** The EPCIS repository file: several writers, lines written in pieces, master data merged. */
import { appendFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EpcisRepository } from '../../ingest/epcis/repository.ts';
import { tempDir } from '../helpers/stores.ts';

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  type: 'ObjectEvent',
  eventID: id,
  eventTime: '2024-01-01T00:00:00Z',
  eventTimeZoneOffset: '+00:00',
  epcList: ['urn:epc:id:sgtin:0614141.107346.1'],
  action: 'OBSERVE',
  ...extra,
});

describe('EPCIS repository', () => {
  it('two writers on one data directory: each sees the other after refresh, and an eventID is stored once', async () => {
    const dir = tempDir();
    const a = new EpcisRepository(dir);
    const b = new EpcisRepository(dir);
    expect(await a.addDocument([event('e1'), event('e2'), event('e1')], [], {})).toEqual({ newEvents: 2 });
    expect(await b.addDocument([event('e2'), event('e3')], [], {})).toEqual({ newEvents: 1 });
    await a.refresh();
    expect(a.all().map((v) => v.eventID)).toEqual(['e1', 'e2', 'e3']);
    expect(a.withEpc('urn:epc:id:sgtin:0614141.107346.1')).toHaveLength(3);
    // a fresh reader with a tiny read chunk reads the same (lines longer than the chunk included)
    const c = new EpcisRepository(dir, { readChunkBytes: 16 });
    await c.refresh();
    expect(c.all().map((v) => v.eventID)).toEqual(['e1', 'e2', 'e3']);
  });

  it('a line still being written is read once its newline arrives', async () => {
    const dir = tempDir();
    const r = new EpcisRepository(dir);
    const line = JSON.stringify({ k: 'event', e: event('late') });
    appendFileSync(r.file, line.slice(0, 20));
    await r.refresh();
    expect(r.all()).toHaveLength(0);
    appendFileSync(r.file, line.slice(20) + '\n');
    await r.refresh();
    expect(r.all().map((v) => v.eventID)).toEqual(['late']);
  });

  it('keeps each event with the namespaces its extension fields use, queryable by namespace#name', async () => {
    const r = new EpcisRepository(tempDir());
    await r.addDocument([event('x', { 'ex:temp': 20 })], [], { ex: 'http://ns.example.com/ext', other: 'urn:unused' });
    const [v] = r.all();
    expect(v!.namespaces).toEqual({ ex: 'http://ns.example.com/ext' });
    expect(v!.fields.get('http://ns.example.com/ext#temp')).toEqual([20]);
    expect(v!.recordTime).toBeGreaterThan(Date.parse('2024-06-01T00:00:00Z'));
  });

  it('merges master data from several documents: attributes overwritten, children joined; descendants survive a cycle', async () => {
    const r = new EpcisRepository(tempDir());
    const type = 'urn:epcglobal:epcis:vtype:BusinessLocation';
    await r.addDocument([], [{ type, elements: [{ id: 'site', attributes: { a: '1', b: '1' }, children: ['dock'] }] }], {});
    await r.addDocument(
      [],
      [
        {
          type,
          elements: [
            { id: 'site', attributes: { b: '2' }, children: ['yard'] },
            { id: 'yard', attributes: {}, children: ['site', 'gate'] },
          ],
        },
      ],
      {},
    );
    expect(r.vocabularyElement('site')).toEqual({ id: 'site', type, attributes: { a: '1', b: '2' }, children: ['dock', 'yard'] });
    expect([...r.withDescendants('site')].sort()).toEqual(['dock', 'gate', 'site', 'yard']);
  });
});
