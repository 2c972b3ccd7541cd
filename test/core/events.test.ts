/** The canonical event model at the trust boundary: what it accepts, and how it says no. */
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../core/events.ts';
import { digitalLinkToUrn, kindFromId, normaliseId } from '../../core/ids.ts';

const ok = { kind: 'scan', eventId: 'e1', eventTime: '2026-03-01T08:00:00+01:00', id: 'SN-1', station: 'AOI' };

describe('parseEvent', () => {
  it('accepts every kind of the wire form', () => {
    const t = '2026-03-01T08:00:00Z';
    const events = [
      { kind: 'receive', eventId: 'a', eventTime: t, lot: 'L', material: 'm', qty: 1, uom: 'kg', supplier: 's' },
      {
        kind: 'operation',
        eventId: 'b',
        eventTime: t,
        operationId: 'o',
        step: 's',
        station: 'x',
        inputs: [{ id: 'L' }],
        outputs: [{ id: 'U', type: 'unit' }],
      },
      ok,
      {
        kind: 'inspection',
        eventId: 'c',
        eventTime: t,
        id: 'U',
        result: 'fail',
        defects: ['D1'],
        measurements: [{ name: 'h', value: 1 }],
      },
      { kind: 'reading', eventId: 'd', eventTime: t, equipmentId: 'E', parameter: 'p', value: 2.5 },
      { kind: 'maintenance', eventId: 'e', eventTime: t, equipmentId: 'E', type: 'calibration', startTime: t },
      { kind: 'pack', eventId: 'f', eventTime: t, parent: 'C', children: ['U'], action: 'add' },
      { kind: 'ship', eventId: 'g', eventTime: t, shipmentId: 'S', items: ['C'], customer: 'K' },
    ];
    for (const e of events) expect(parseEvent(e), e.kind).toMatchObject({ ok: true });
  });

  it('names an unknown kind and lists the known ones', () => {
    const r = parseEvent({ ...ok, kind: 'teleport' });
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/unknown kind "teleport".*receive, operation/) });
  });

  it('names the missing or mistyped field', () => {
    expect(parseEvent({ ...ok, station: undefined })).toMatchObject({ ok: false, reason: expect.stringMatching(/^station:/) });
    expect(parseEvent({ ...ok, kind: 'reading', equipmentId: 'E', parameter: 'p', value: 'hot' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/value:/),
    });
  });

  it('refuses a time without an offset', () => {
    expect(parseEvent({ ...ok, eventTime: '2026-03-01T08:00:00' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/eventTime: .*offset/),
    });
  });

  it('refuses ids with line breaks', () => {
    expect(parseEvent({ ...ok, id: 'SN\n1' })).toMatchObject({ ok: false, reason: expect.stringMatching(/control characters/) });
  });

  it('normalises a Digital Link id to its EPC URN', () => {
    const r = parseEvent({ ...ok, id: 'https://id.gs1.org/01/04012345778893/21/25' });
    expect(r).toMatchObject({ ok: true, event: { id: 'urn:epc:id:sgtin:4012345.077889.25' } });
  });
});

describe('identifiers', () => {
  it('turns GS1 Digital Link URIs into EPC URNs', () => {
    expect(digitalLinkToUrn('https://id.gs1.org/01/04012345111118/10/4444')).toBe('urn:epc:class:lgtin:4012345.011111.4444');
    expect(digitalLinkToUrn('https://example.com/01/04012345111118/21/A%2FB')).toBe('urn:epc:id:sgtin:4012345.011111.A%2FB');
    expect(digitalLinkToUrn('https://id.gs1.org/00/106141412345678908')).toBe('urn:epc:id:sscc:0614141.1234567890');
    expect(digitalLinkToUrn('https://id.gs1.org/414/9521234543213')).toBe('urn:epc:id:sgln:9521234.54321.0');
    expect(digitalLinkToUrn('https://example.com/about')).toBeUndefined();
  });

  it('keeps plant-local ids verbatim', () => {
    expect(normaliseId('  LOT-R-000001 ')).toBe('LOT-R-000001');
  });

  it('learns a company prefix length from URNs it has seen', () => {
    normaliseId('urn:epc:id:sgtin:95012345.01234.7');
    expect(digitalLinkToUrn('https://id.gs1.org/01/09501234512345/21/9')).toBe('urn:epc:id:sgtin:95012345.01234.9');
  });

  it('says what an id is when its scheme says so', () => {
    expect(kindFromId('urn:epc:class:lgtin:4012345.011111.4444')).toBe('lot');
    expect(kindFromId('urn:epc:id:sscc:0614141.1234567890')).toBe('unit');
    expect(kindFromId('SN-1')).toBeUndefined();
  });
});
