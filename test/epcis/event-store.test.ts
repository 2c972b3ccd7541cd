/** The EPCIS store over the repository and the event log: each eventID once, originals first, lines read back on demand. */
import { describe, expect, it } from 'vitest';
import { parseQuery, runQuery } from '../../api/epcis/query.ts';
import { parseEvent, type CanonicalEvent, type CanonicalEventInput } from '../../core/events.ts';
import { EpcisRepository } from '../../ingest/epcis/repository.ts';
import { EventLog } from '../../ingest/pipeline/event-log.ts';
import { tempDir } from '../helpers/stores.ts';

const T = '2026-03-01T08:00:00Z';
const parse = (e: CanonicalEventInput): CanonicalEvent => {
  const r = parseEvent(e);
  if (!r.ok) throw new Error(r.reason);
  return r.event;
};
const scan = (eventId: string, id: string, extra: Partial<CanonicalEventInput> = {}) =>
  parse({ kind: 'scan', eventId, eventTime: T, id, station: 'S1', ...extra } as CanonicalEventInput);

const query = (repo: EpcisRepository, params: string) =>
  runQuery(repo, parseQuery(new URLSearchParams(params), repo)).events.map((v) => v.eventID);

describe('EPCIS event store', () => {
  it('answers log events once, EPCIS originals from the repository, and an old EPCIS event without its original from the log', async () => {
    const dir = tempDir();
    const repo = new EpcisRepository(dir);
    const original = {
      type: 'ObjectEvent',
      eventID: 'urn:uuid:orig-1',
      eventTime: T,
      eventTimeZoneOffset: '+00:00',
      action: 'OBSERVE',
      epcList: ['urn:epc:id:sgtin:4012345.011111.1'],
      bizStep: 'arriving',
      'ex:x': 1,
    };
    await repo.addDocument([original], [], { ex: 'http://ns.example.com/ext#' });
    const log = await EventLog.open(dir, { segmentBytes: 400 }); // several segments
    const fromEpcis = (eventId: string, epcisEventId: string) =>
      scan(eventId, 'urn:epc:id:sgtin:4012345.011111.1', {
        source: 'epcis',
        context: { epcisType: 'ObjectEvent', epcisEventId, action: 'OBSERVE', bizStep: 'arriving' },
      });
    await log.append([scan('s1', 'PCB-1'), fromEpcis('urn:uuid:orig-1', 'urn:uuid:orig-1'), scan('s1', 'PCB-1')]);
    await log.append([
      fromEpcis('urn:uuid:old-1', 'urn:uuid:old-1'),
      fromEpcis('urn:uuid:old-1#2', 'urn:uuid:old-1'),
      scan('s2', 'PCB-2'),
    ]);
    await log.close();
    await repo.refresh();
    expect(repo.all().map((v) => v.eventID)).toEqual([
      'urn:uuid:orig-1',
      'urn:tracegraph:event:s1',
      'urn:uuid:old-1',
      'urn:tracegraph:event:s2',
    ]);
    // The original as it came in; the shop-floor scan rendered; both read back from disk.
    expect(repo.all()[0]!.event).toMatchObject({ 'ex:x': 1 });
    expect(repo.all()[1]!.event).toMatchObject({
      type: 'ObjectEvent',
      epcList: ['urn:tracegraph:item:PCB-1'],
      readPoint: { id: 'urn:tracegraph:station:S1' },
    });
    expect(query(repo, 'MATCH_epc=PCB-*')).toEqual(['urn:tracegraph:event:s1', 'urn:tracegraph:event:s2']);
    expect(query(repo, 'EQ_bizStep=arriving&MATCH_epc=urn:epc:idpat:sgtin:4012345.011111.*')).toEqual([
      'urn:uuid:orig-1',
      'urn:uuid:old-1',
    ]);

    // A fresh reader of the same directory sees the same events in the same order.
    const again = new EpcisRepository(dir);
    await again.refresh();
    expect(again.all().map((v) => v.eventID)).toEqual(repo.all().map((v) => v.eventID));
  });

  it('pages stay put while events arrive in the log', async () => {
    const dir = tempDir();
    const repo = new EpcisRepository(dir);
    const log = await EventLog.open(dir);
    await log.append([1, 2, 3].map((i) => scan(`s${i}`, `PCB-${i}`)));
    await repo.refresh();
    const first = runQuery(repo, parseQuery(new URLSearchParams('perPage=2'), repo));
    expect(first.events.map((v) => v.eventID)).toEqual(['urn:tracegraph:event:s1', 'urn:tracegraph:event:s2']);
    await log.append([scan('s0', 'PCB-0')]);
    await log.close();
    await repo.refresh();
    const next = runQuery(repo, parseQuery(new URLSearchParams(`perPage=2&nextPageToken=${first.nextPageToken}`), repo));
    expect(next.events.map((v) => v.eventID)).toEqual(['urn:tracegraph:event:s3']);
    expect(next.nextPageToken).toBeUndefined();
  });
});
