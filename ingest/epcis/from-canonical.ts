/**
 * Shop-floor events as EPCIS 2.0: the canonical events that did not arrive as EPCIS (MQTT, OPC UA,
 * the simulator, JSON-lines files) rendered as EPCIS events with CBV vocabulary, so that one EPCIS
 * query answers every event the system holds (docs/events-and-model.md, "Shop-floor events as
 * EPCIS"). The rendering is a pure function of the event: the same event always gives the same
 * EPCIS event, which is what lets the query index it once and render it again on demand.
 *
 * Identifiers: an EPC URN (or any other URN or http(s) URI) stays as it is; a plant id becomes
 * `urn:tracegraph:<kind>:<id>` (kind: item, station, equipment, operator, party, shipment,
 * workorder, operation, event, bizstep, parameter), with characters outside the URN-safe set
 * %-encoded. What EPCIS has no field for travels in extension fields of the `tg` namespace
 * (`urn:tracegraph:epcis#`), with the plant's own ids as values.
 */
import type { CanonicalEvent, EventContext } from '../../core/events.ts';
import { CBV_BIZ_STEPS, shortCbv } from './cbv.ts';

export const TG_NAMESPACE = 'urn:tracegraph:epcis#';
export const TG_PREFIX = 'tg';
export const TG_NAMESPACES: Readonly<Record<string, string>> = Object.freeze({ [TG_PREFIX]: TG_NAMESPACE });

/** The default namespace plant ids are placed in. */
export const DEFAULT_URI_PREFIX = 'urn:tracegraph:';

export type UriKind =
  | 'item'
  | 'station'
  | 'equipment'
  | 'operator'
  | 'party'
  | 'shipment'
  | 'workorder'
  | 'operation'
  | 'event'
  | 'bizstep'
  | 'parameter';

/** Already a URI that needs no namespace: EPC and other URNs, Digital Links, hash ids. */
const IS_URI = /^(?:urn|https?|ni):/i;

/** URN-safe escaping (RFC 8141 NSS characters are kept). */
function escape(s: string): string {
  return s.replace(/[^A-Za-z0-9\-._:!'()*+,;=@$~/]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join(''),
  );
}

/** A plant id as a URI: unchanged when it already is one, else `<prefix><kind>:<id>`. */
export function plantUri(kind: UriKind, id: string, prefix = DEFAULT_URI_PREFIX): string {
  return IS_URI.test(id) ? id : `${prefix}${kind}:${escape(id)}`;
}

/** An event's EPCIS eventID: its canonical eventId as a URI. */
export const eventUri = (eventId: string, prefix = DEFAULT_URI_PREFIX): string => plantUri('event', eventId, prefix);

/** A class-level id (a lot as EPCIS names it): goes into quantity lists rather than EPC lists. */
export const isClassId = (id: string): boolean => /^urn:epc:(?:class|idpat):/i.test(id);

/**
 * The CBV business step for a plant step name, or undefined when the CBV has none that fits (the
 * step is then `urn:tracegraph:bizstep:<step>`).
 */
export function cbvStepFor(step: string): string | undefined {
  const word = shortCbv(step);
  if (CBV_BIZ_STEPS.has(word)) return word;
  const s = step.toLowerCase();
  for (const [pattern, cbv] of STEP_WORDS) if (pattern.test(s)) return cbv;
  return undefined;
}

// Plant step names (as the simulator and stations send them) -> CBV 2.0 business steps.
const STEP_WORDS: [RegExp, string][] = [
  [/assembl/, 'assembling'],
  [/(?:^|[^a-z])(?:aoi|test|inspect|check|qc|qa)/, 'inspecting'],
  [/rework|repair/, 'repairing'],
  [/unpack/, 'unpacking'],
  [/pack/, 'packing'],
  [/ship/, 'shipping'],
  [/receiv/, 'receiving'],
  [/commission/, 'commissioning'],
  [/scrap|destroy/, 'destroying'],
];

export interface RenderedEvent {
  event: Record<string, unknown>;
  /** Namespace prefixes its extension fields use. */
  namespaces: Record<string, string>;
}

type Json = Record<string, unknown>;

/** `Z`, `+0100`, `+01:00` -> `+00:00` / `+01:00` (EPCIS eventTimeZoneOffset). */
function zoneOf(time: string): string {
  const m = /(Z|[+-]\d{2}:?\d{2})$/.exec(time);
  if (!m || m[1] === 'Z') return '+00:00';
  const z = m[1]!.replace(':', '');
  return `${z.slice(0, 3)}:${z.slice(3)}`;
}

const compact = (o: Json): Json =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));

const tg = (name: string) => `${TG_PREFIX}:${name}`;

/**
 * Renders one canonical event as an EPCIS 2.0 event (JSON-LD shape, `tg:` extension fields). An
 * event that came from EPCIS but whose original is not in the repository (an older data
 * directory) is rendered the same way, with its EPCIS id and the context it carried.
 */
export function canonicalToEpcis(e: CanonicalEvent, prefix = DEFAULT_URI_PREFIX): RenderedEvent {
  const uri = (kind: UriKind, id: string | undefined) => (id === undefined ? undefined : plantUri(kind, id, prefix));
  const item = (id: string) => uri('item', id)!;
  const stepUri = (step: string | undefined) => (step === undefined ? undefined : (cbvStepFor(step) ?? uri('bizstep', step)));
  const epcs = (ids: readonly string[]) => ids.filter((i) => !isClassId(i)).map(item);
  const classes = (ids: readonly string[]) => ids.filter(isClassId).map((epcClass) => ({ epcClass }));
  const head: Json = {
    eventID: e.context?.epcisEventId ?? eventUri(e.eventId, prefix),
    eventTime: e.eventTime,
    eventTimeZoneOffset: zoneOf(e.eventTime),
    recordTime: e.recordTime,
  };
  let body: Json;
  switch (e.kind) {
    case 'receive':
      body = {
        type: 'ObjectEvent',
        action: 'ADD',
        quantityList: [compact({ epcClass: item(e.lot), quantity: e.qty, uom: e.uom })],
        bizStep: 'receiving',
        disposition: 'in_progress',
        sourceList: [{ type: 'owning_party', source: uri('party', e.supplier) }],
        ilmd: compact({ [tg('material')]: e.material, [tg('supplierLot')]: e.supplierLot }),
      };
      break;
    case 'operation': {
      const quantity = (x: { id: string; qty?: number; uom?: string }) =>
        compact({ epcClass: item(x.id), quantity: x.qty, uom: x.uom });
      const lotIn = (x: { id: string; qty?: number }) => x.qty !== undefined || isClassId(x.id);
      const lotOut = (x: { id: string; type?: string }) => x.type === 'lot' || (x.type === undefined && isClassId(x.id));
      body = {
        type: 'TransformationEvent',
        inputEPCList: e.inputs.filter((x) => !lotIn(x)).map((x) => item(x.id)),
        inputQuantityList: e.inputs.filter(lotIn).map(quantity),
        outputEPCList: e.outputs.filter((x) => !lotOut(x)).map((x) => item(x.id)),
        outputQuantityList: e.outputs.filter(lotOut).map(quantity),
        transformationID: uri('operation', e.operationId),
        bizStep: stepUri(e.step),
        disposition: e.result === 'fail' ? 'non_conformant' : e.result === 'pass' ? 'conformant' : undefined,
        readPoint: { id: uri('station', e.station) },
        bizTransactionList:
          e.workOrder === undefined ? undefined : [{ type: 'prodorder', bizTransaction: uri('workorder', e.workOrder) }],
        [tg('step')]: e.step,
        [tg('equipmentID')]: e.equipmentId,
        [tg('operatorID')]: e.operatorId,
        [tg('recipeID')]: e.recipeId,
        [tg('startTime')]: e.startTime,
        [tg('result')]: e.result,
      };
      break;
    }
    case 'scan':
      body = {
        type: 'ObjectEvent',
        action: 'OBSERVE',
        epcList: epcs([e.id]),
        quantityList: classes([e.id]),
        bizStep: stepUri(e.step) ?? 'arriving',
        readPoint: { id: uri('station', e.station) },
        [tg('step')]: e.step,
        [tg('operatorID')]: e.operatorId,
      };
      break;
    case 'inspection':
      body = {
        type: 'ObjectEvent',
        action: 'OBSERVE',
        epcList: epcs([e.id]),
        quantityList: classes([e.id]),
        bizStep: 'inspecting',
        disposition: e.result === 'pass' ? 'conformant' : 'non_conformant',
        readPoint: e.station === undefined ? undefined : { id: uri('station', e.station) },
        [tg('result')]: e.result,
        [tg('defect')]: e.defects,
        [tg('measurement')]: e.measurements?.map((m) => compact({ name: m.name, value: m.value, uom: m.uom })),
        [tg('inspectorID')]: e.inspectorId,
      };
      break;
    case 'reading': {
      const device = uri('equipment', e.equipmentId)!;
      body = {
        type: 'ObjectEvent',
        action: 'OBSERVE',
        epcList: [],
        bizStep: 'sensor_reporting',
        readPoint: { id: device },
        sensorElementList: [
          {
            sensorMetadata: { deviceID: device },
            sensorReport: [compact({ type: uri('parameter', e.parameter), value: e.value, uom: e.uom })],
          },
        ],
        [tg('equipmentID')]: e.equipmentId,
        [tg('parameter')]: e.parameter,
      };
      break;
    }
    case 'maintenance': {
      const device = uri('equipment', e.equipmentId)!;
      body = {
        type: 'ObjectEvent',
        action: 'OBSERVE',
        epcList: [device],
        bizStep: e.type === 'repair' ? 'repairing' : uri('bizstep', e.type),
        readPoint: { id: device },
        [tg('equipmentID')]: e.equipmentId,
        [tg('maintenanceType')]: e.type,
        [tg('startTime')]: e.startTime,
        [tg('endTime')]: e.endTime,
        [tg('result')]: e.result,
      };
      break;
    }
    case 'pack':
      body = {
        type: 'AggregationEvent',
        action: e.action === 'remove' ? 'DELETE' : 'ADD',
        parentID: item(e.parent),
        childEPCs: epcs(e.children),
        childQuantityList: classes(e.children),
        bizStep: e.action === 'remove' ? 'unpacking' : 'packing',
      };
      break;
    case 'ship':
      body = {
        type: 'ObjectEvent',
        action: 'OBSERVE',
        epcList: epcs(e.items),
        quantityList: classes(e.items),
        bizStep: 'shipping',
        disposition: 'in_transit',
        bizTransactionList: [{ type: 'desadv', bizTransaction: uri('shipment', e.shipmentId) }],
        destinationList: [{ type: 'owning_party', destination: uri('party', e.customer) }],
        [tg('quantity')]: e.qty,
      };
      break;
  }
  if (e.context) body = { ...body, ...fromContext(e.context) };
  const ed = e.errorDeclaration;
  const errorDeclaration =
    ed && compact({ declarationTime: ed.declarationTime, reason: ed.reason, correctiveEventIDs: ed.correctiveEventIds });
  const event = compact({ ...head, ...body, errorDeclaration });
  // The sensor-only ObjectEvent keeps its (empty) epcList: EPCIS 2.0 XML has the element there.
  if (e.kind === 'reading') event.epcList = [];
  if (isEmptyObject(event.ilmd)) delete event.ilmd;
  const usesTg = Object.keys(event).some((k) => k.startsWith(`${TG_PREFIX}:`)) || event.ilmd !== undefined;
  return { event, namespaces: usesTg ? { ...TG_NAMESPACES } : {} };
}

const isEmptyObject = (v: unknown): boolean =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;

/** What an EPCIS event said about where and why, as it said it (events from EPCIS only). */
function fromContext(c: EventContext): Json {
  const typed = (list: EventContext['sources'], key: string) => list?.map((x) => compact({ type: x.type, [key]: x.id }));
  return compact({
    action: c.action,
    bizStep: c.bizStep,
    disposition: c.disposition,
    readPoint: c.readPoint === undefined ? undefined : { id: c.readPoint },
    bizLocation: c.bizLocation === undefined ? undefined : { id: c.bizLocation },
    bizTransactionList: c.bizTransactions?.map((b) => compact({ type: b.type, bizTransaction: b.id })),
    sourceList: typed(c.sources, 'source'),
    destinationList: typed(c.destinations, 'destination'),
  });
}

/** What the store indexes of an event (the fields `canonicalToEpcis` gives, read without rendering). */
export interface EventHead {
  eventID: string;
  type: string;
  action: string | undefined;
  bizStep: string | undefined;
  disposition: string | undefined;
  readPoint: string | undefined;
  bizLocation: string | undefined;
  /** Every EPC the event names (epcList, child, input and output EPCs, parentID). */
  epcs: string[];
  /** Every class of its quantity lists. */
  classes: string[];
}

/**
 * The indexed fields of a canonical event's rendering, computed directly (indexing a large event log
 * renders nothing). Agrees with `canonicalToEpcis` (a test holds them together); events carrying an
 * EPCIS context are rendered and read instead.
 */
export function canonicalHead(e: CanonicalEvent, prefix = DEFAULT_URI_PREFIX): EventHead | undefined {
  if (e.context) return undefined;
  const item = (id: string) => plantUri('item', id, prefix);
  const station = (s: string | undefined) => (s === undefined ? undefined : plantUri('station', s, prefix));
  const step = (s: string | undefined) => (s === undefined ? undefined : (cbvStepFor(s) ?? plantUri('bizstep', s, prefix)));
  const split = (ids: readonly string[]) => ({
    epcs: ids.filter((i) => !isClassId(i)).map(item),
    classes: ids.filter(isClassId),
  });
  const head = { eventID: eventUri(e.eventId, prefix), bizLocation: undefined };
  switch (e.kind) {
    case 'receive':
      return {
        ...head,
        type: 'ObjectEvent',
        action: 'ADD',
        bizStep: 'receiving',
        disposition: 'in_progress',
        readPoint: undefined,
        epcs: [],
        classes: [item(e.lot)],
      };
    case 'operation': {
      const epcs: string[] = [];
      const classes: string[] = [];
      for (const x of e.inputs) (x.qty !== undefined || isClassId(x.id) ? classes : epcs).push(item(x.id));
      for (const x of e.outputs)
        (x.type === 'lot' || (x.type === undefined && isClassId(x.id)) ? classes : epcs).push(item(x.id));
      const disposition = e.result === 'fail' ? 'non_conformant' : e.result === 'pass' ? 'conformant' : undefined;
      return {
        ...head,
        type: 'TransformationEvent',
        action: undefined,
        bizStep: step(e.step),
        disposition,
        readPoint: station(e.station),
        epcs,
        classes,
      };
    }
    case 'scan':
      return {
        ...head,
        type: 'ObjectEvent',
        action: 'OBSERVE',
        bizStep: step(e.step) ?? 'arriving',
        disposition: undefined,
        readPoint: station(e.station),
        ...split([e.id]),
      };
    case 'inspection':
      return {
        ...head,
        type: 'ObjectEvent',
        action: 'OBSERVE',
        bizStep: 'inspecting',
        disposition: e.result === 'pass' ? 'conformant' : 'non_conformant',
        readPoint: station(e.station),
        ...split([e.id]),
      };
    case 'reading':
      return {
        ...head,
        type: 'ObjectEvent',
        action: 'OBSERVE',
        bizStep: 'sensor_reporting',
        disposition: undefined,
        readPoint: plantUri('equipment', e.equipmentId, prefix),
        epcs: [],
        classes: [],
      };
    case 'maintenance': {
      const device = plantUri('equipment', e.equipmentId, prefix);
      const bizStep = e.type === 'repair' ? 'repairing' : plantUri('bizstep', e.type, prefix);
      return {
        ...head,
        type: 'ObjectEvent',
        action: 'OBSERVE',
        bizStep,
        disposition: undefined,
        readPoint: device,
        epcs: [device],
        classes: [],
      };
    }
    case 'pack': {
      const { epcs, classes } = split(e.children);
      const remove = e.action === 'remove';
      return {
        ...head,
        type: 'AggregationEvent',
        action: remove ? 'DELETE' : 'ADD',
        bizStep: remove ? 'unpacking' : 'packing',
        disposition: undefined,
        readPoint: undefined,
        epcs: [item(e.parent), ...epcs],
        classes,
      };
    }
    case 'ship':
      return {
        ...head,
        type: 'ObjectEvent',
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        readPoint: undefined,
        ...split(e.items),
      };
  }
}
