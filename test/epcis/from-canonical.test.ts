/** Shop-floor events rendered as EPCIS 2.0: valid EPCIS, CBV vocabulary, stable URIs for plant ids. */
import { describe, expect, it } from 'vitest';
import { parseEvent, type CanonicalEvent, type CanonicalEventInput } from '../../core/events.ts';
import { readEpcisJson } from '../../ingest/epcis/document.ts';
import {
  canonicalHead,
  canonicalToEpcis,
  cbvStepFor,
  eventUri,
  plantUri,
  TG_NAMESPACE,
} from '../../ingest/epcis/from-canonical.ts';
import { headOf, viewOf } from '../../ingest/epcis/repository.ts';

const T = '2026-03-01T08:00:00+01:00';
const parse = (e: CanonicalEventInput): CanonicalEvent => {
  const r = parseEvent(e);
  if (!r.ok) throw new Error(r.reason);
  return r.event;
};

const EVENTS: CanonicalEventInput[] = [
  {
    kind: 'receive',
    eventId: 'r1',
    eventTime: T,
    lot: 'LOT A/1',
    material: 'solder paste',
    qty: 5,
    uom: 'KGM',
    supplier: 'Acme',
    supplierLot: 'SL-9',
  },
  {
    kind: 'operation',
    eventId: 'op1',
    eventTime: T,
    operationId: 'PRINT-7',
    step: 'print',
    station: 'PRINT-1',
    workOrder: 'WO-1',
    equipmentId: 'PRINTER-1',
    operatorId: 'OP-ANNA',
    startTime: '2026-03-01T07:59:30+01:00',
    inputs: [{ id: 'LOT A/1', qty: 0.02, uom: 'KGM' }, { id: 'urn:epc:id:sgtin:4012345.011111.1' }],
    outputs: [{ id: 'urn:epc:id:sgtin:4012345.022222.1', type: 'unit' }],
    result: 'pass',
  },
  { kind: 'scan', eventId: 's1', eventTime: T, id: 'PCB-1', station: 'AOI-1', step: 'aoi', operatorId: 'OP-BEN' },
  {
    kind: 'inspection',
    eventId: 'i1',
    eventTime: T,
    id: 'PCB-1',
    result: 'fail',
    defects: ['COLD_SOLDER_JOINT'],
    measurements: [{ name: 'voids', value: 3, uom: 'P1' }],
    station: 'AOI-1',
  },
  {
    kind: 'reading',
    eventId: 'REFLOW-1:zone3_temp:1',
    eventTime: T,
    equipmentId: 'REFLOW-1',
    parameter: 'zone3_temp',
    value: 226.5,
    uom: 'CEL',
  },
  { kind: 'maintenance', eventId: 'm1', eventTime: T, equipmentId: 'REFLOW-1', type: 'calibration', startTime: T },
  {
    kind: 'pack',
    eventId: 'p1',
    eventTime: T,
    parent: 'urn:epc:id:sscc:4012345.0000000001',
    children: ['PCB-1', 'urn:epc:class:lgtin:4012345.011111.L1'],
  },
  { kind: 'pack', eventId: 'p2', eventTime: T, parent: 'CASE-1', children: ['PCB-1'], action: 'remove' },
  { kind: 'ship', eventId: 'sh1', eventTime: T, shipmentId: 'SHP-1', items: ['CASE-1'], customer: 'Contoso', qty: 2 },
];

describe('shop-floor events as EPCIS 2.0', () => {
  it('every kind renders as an EPCIS event that the EPCIS reader accepts', () => {
    const rendered = EVENTS.map((e) => canonicalToEpcis(parse(e)));
    const doc = {
      '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld', { tg: TG_NAMESPACE }],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: T,
      epcisBody: { eventList: rendered.map((r) => r.event) },
    };
    const read = readEpcisJson(JSON.stringify(doc), { file: 'rendered' });
    expect(read.epcisEvents).toHaveLength(EVENTS.length);
    expect(rendered.map((r) => [r.event.type, r.event.bizStep, r.event.action ?? null])).toEqual([
      ['ObjectEvent', 'receiving', 'ADD'],
      ['TransformationEvent', 'urn:tracegraph:bizstep:print', null],
      ['ObjectEvent', 'inspecting', 'OBSERVE'],
      ['ObjectEvent', 'inspecting', 'OBSERVE'],
      ['ObjectEvent', 'sensor_reporting', 'OBSERVE'],
      ['ObjectEvent', 'urn:tracegraph:bizstep:calibration', 'OBSERVE'],
      ['AggregationEvent', 'packing', 'ADD'],
      ['AggregationEvent', 'unpacking', 'DELETE'],
      ['ObjectEvent', 'shipping', 'OBSERVE'],
    ]);
    // What the graph builds from the rendering agrees with the original where ids are URIs.
    const ship = read.events.find((e) => e.kind === 'ship');
    expect(ship).toMatchObject({ shipmentId: 'urn:tracegraph:shipment:SHP-1', customer: 'urn:tracegraph:party:Contoso' });
  });

  it('plant ids become urn:tracegraph:<kind>:<id>, EPC URNs stay, and the rendering is stable', () => {
    const [receive, operation] = EVENTS.slice(0, 2).map((e) => canonicalToEpcis(parse(e)).event);
    expect(receive).toMatchObject({
      eventID: 'urn:tracegraph:event:r1',
      eventTimeZoneOffset: '+01:00',
      quantityList: [{ epcClass: 'urn:tracegraph:item:LOT%20A/1', quantity: 5, uom: 'KGM' }],
      sourceList: [{ type: 'owning_party', source: 'urn:tracegraph:party:Acme' }],
      ilmd: { 'tg:material': 'solder paste', 'tg:supplierLot': 'SL-9' },
    });
    expect(operation).toMatchObject({
      inputQuantityList: [{ epcClass: 'urn:tracegraph:item:LOT%20A/1', quantity: 0.02 }],
      inputEPCList: ['urn:epc:id:sgtin:4012345.011111.1'],
      outputEPCList: ['urn:epc:id:sgtin:4012345.022222.1'],
      transformationID: 'urn:tracegraph:operation:PRINT-7',
      readPoint: { id: 'urn:tracegraph:station:PRINT-1' },
      bizTransactionList: [{ type: 'prodorder', bizTransaction: 'urn:tracegraph:workorder:WO-1' }],
      disposition: 'conformant',
      'tg:equipmentID': 'PRINTER-1',
      'tg:operatorID': 'OP-ANNA',
    });
    expect(canonicalToEpcis(parse(EVENTS[1]!)).event).toEqual(operation);
    expect(plantUri('item', 'urn:epc:id:sgtin:1.2.3')).toBe('urn:epc:id:sgtin:1.2.3');
    expect(eventUri('opcua:op 1')).toBe('urn:tracegraph:event:opcua:op%201');
    expect(plantUri('station', 'S1', 'urn:acme:plant7:')).toBe('urn:acme:plant7:station:S1');
  });

  it('the fields the store indexes without rendering agree with the rendering', () => {
    for (const [i, input] of EVENTS.entries()) {
      const e = parse(input);
      const { event, namespaces } = canonicalToEpcis(e);
      const head = canonicalHead(e)!;
      const whole = headOf(viewOf(event, namespaces, i));
      expect({ ...head, epcs: [...head.epcs].sort(), classes: [...head.classes].sort() }, input.kind).toEqual({
        ...whole,
        epcs: [...whole.epcs].sort(),
        classes: [...whole.classes].sort(),
      });
    }
  });

  it('plant steps map to CBV business steps where the CBV has one', () => {
    expect(
      ['final-assembly', 'psu-subassembly', 'aoi', 'functional-test', 'rework', 'packing', 'print', 'reflow'].map(cbvStepFor),
    ).toEqual(['assembling', 'assembling', 'inspecting', 'inspecting', 'repairing', 'packing', undefined, undefined]);
  });

  it('an event that came from EPCIS keeps its EPCIS id and context when rendered', () => {
    const e = parse({
      kind: 'scan',
      eventId: 'urn:uuid:1#2',
      eventTime: T,
      id: 'urn:epc:id:sgtin:4012345.011111.9',
      station: 'urn:epc:id:sgln:4012345.00001.0',
      source: 'epcis',
      context: {
        epcisType: 'ObjectEvent',
        epcisEventId: 'urn:uuid:1',
        action: 'OBSERVE',
        bizStep: 'arriving',
        readPoint: 'urn:epc:id:sgln:4012345.00001.0',
      },
    });
    expect(canonicalToEpcis(e).event).toMatchObject({
      eventID: 'urn:uuid:1',
      bizStep: 'arriving',
      readPoint: { id: 'urn:epc:id:sgln:4012345.00001.0' },
    });
  });
});
