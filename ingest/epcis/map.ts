/**
 * One EPCIS 2.0 event -> the canonical events that build the graph (docs/events-and-model.md,
 * "Canonical events"). Every canonical event carries the EPCIS context (bizStep, where, why) and the
 * error declaration, so a later EPCIS query or an error declaration can still find it.
 */
import { CanonicalEvent, describeZodError, type CanonicalEventInput, type EventContext } from '../../core/events.ts';
import { TracegraphError } from '../../core/errors.ts';
import { normaliseId } from '../../core/ids.ts';
import { shortCbv } from './cbv.ts';
import { eventHashId, type EventHashContext } from './event-hash.ts';
import {
  EPCIS_EVENT_SCHEMAS,
  EPCIS_EVENT_TYPES,
  describeEpcisIssues,
  isEpcisEventType,
  type AggregationEvent,
  type AssociationEvent,
  type EpcisEvent,
  type ObjectEvent,
  type QuantityElement,
  type TransactionEvent,
  type TransformationEvent,
} from './schema.ts';

/** A canonical event before the fields every event of one EPCIS event shares are added. */
type Draft = DistributiveOmit<CanonicalEventInput, 'eventId' | 'eventTime' | 'context' | 'errorDeclaration'> & {
  eventTime?: string;
};
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Where an event happened, read once from the EPCIS event with ids normalised. */
interface Place {
  readPoint: string | undefined;
  bizLocation: string | undefined;
  bizStep: string | undefined;
}

export function mapEpcisEvent(raw: unknown, where: string, hashContext?: EventHashContext): CanonicalEvent[] {
  return mapEpcisEventWithId(raw, where, hashContext).events;
}

/** As mapEpcisEvent, also giving the event's id: its eventID, or its CBV 2.0 hash id when it has none. */
export function mapEpcisEventWithId(
  raw: unknown,
  where: string,
  hashContext?: EventHashContext,
): { eventID: string; events: CanonicalEvent[] } {
  const type = raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
  const at = typeof type === 'string' ? `${where} (${type})` : where;
  const { event, content } = validate(raw, type, at);
  const id = event.eventID ?? contentHashId(content, hashContext);
  const place: Place = {
    readPoint: event.readPoint && normaliseId(event.readPoint.id),
    bizLocation: event.bizLocation && normaliseId(event.bizLocation.id),
    bizStep: event.bizStep === undefined ? undefined : shortCbv(event.bizStep),
  };
  const drafts = [...mapBody(event, id, place), ...readings(event, place)];
  const shared = {
    eventTime: event.eventTime,
    recordTime: event.recordTime,
    source: 'epcis',
    context: contextOf(event, id, place),
    errorDeclaration: event.errorDeclaration && errorDeclarationOf(event.errorDeclaration),
  };
  // Several canonical events from one EPCIS event need distinct idempotency keys that stay the
  // same on re-import; context.epcisEventId keeps the shared EPCIS id for error declarations.
  const events = drafts.map((draft, i) => finish({ ...shared, ...draft, eventId: i === 0 ? id : `${id}#${i + 1}` }, at));
  return { eventID: id, events };
}

function errorDeclarationOf(d: NonNullable<EpcisEvent['errorDeclaration']>) {
  return compact({
    declarationTime: d.declarationTime,
    reason: d.reason === undefined ? undefined : shortCbv(d.reason),
    correctiveEventIds: d.correctiveEventIDs,
  });
}

function validate(raw: unknown, type: unknown, at: string): { event: EpcisEvent; content: Record<string, unknown> } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TracegraphError('BAD_EPCIS', 'an EPCIS event must be a JSON object', { where: at });
  }
  if (type === undefined) throw new TracegraphError('BAD_EPCIS', 'type: missing', { where: at });
  if (!isEpcisEventType(type)) {
    throw new TracegraphError(
      'BAD_EPCIS',
      `unknown event type ${JSON.stringify(type)}; expected one of ${EPCIS_EVENT_TYPES.join(', ')}`,
      { where: at },
    );
  }
  const content = withoutEmptyStrings(raw as Record<string, unknown>);
  const result = EPCIS_EVENT_SCHEMAS[type].safeParse(content);
  if (!result.success) throw new TracegraphError('BAD_EPCIS', describeEpcisIssues(result.error, content), { where: at });
  return { event: result.data, content };
}

/**
 * Some producers (e.g. the OpenTraceability serializer) write `""` for an unset field such as
 * disposition or transformationID. Read it as absent: a required field then still fails, as
 * `missing`, and an optional one does not sink the whole document.
 */
function withoutEmptyStrings(event: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([, v]) => !(typeof v === 'string' && v.trim() === '')));
}

/** Drops undefined values so optional fields are absent rather than present-but-undefined. */
function compact<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

function finish(draft: Record<string, unknown>, at: string): CanonicalEvent {
  const result = CanonicalEvent.safeParse(compact(draft));
  if (!result.success) {
    throw new TracegraphError(
      'BAD_EPCIS',
      `maps to an invalid canonical ${String(draft.kind)} event: ${describeZodError(result.error)}`,
      { where: at },
    );
  }
  return result.data;
}

/**
 * Identity for events without an eventID: the CBV 2.0 event hash (see event-hash.ts), so the
 * same event imported twice, or once as XML and once as JSON-LD, dedupes. `context` carries the
 * document's namespace prefixes (needed to name extension fields) and its ignoreFields.
 */
export function contentHashId(raw: Record<string, unknown>, context?: EventHashContext): string {
  return eventHashId(raw, context);
}

function contextOf(event: EpcisEvent, id: string, place: Place): EventContext {
  const typed = (type: string | undefined, ref: string) => compact({ type: type && shortCbv(type), id: normaliseId(ref) });
  return compact({
    epcisType: event.type,
    epcisEventId: id,
    action: event.type === 'TransformationEvent' ? undefined : event.action,
    bizStep: place.bizStep,
    disposition: event.disposition === undefined ? undefined : shortCbv(event.disposition),
    readPoint: place.readPoint,
    bizLocation: place.bizLocation,
    bizTransactions: event.bizTransactionList?.map((b) => typed(b.type, b.bizTransaction)),
    sources: event.sourceList?.map((s) => typed(s.type, s.source)),
    destinations: event.destinationList?.map((d) => typed(d.type, d.destination)),
  });
}

function mapBody(event: EpcisEvent, id: string, place: Place): Draft[] {
  switch (event.type) {
    case 'TransformationEvent':
      return [operation(event, id, place)];
    case 'AggregationEvent':
    case 'AssociationEvent':
      return pack(event, place);
    case 'ObjectEvent':
    case 'TransactionEvent':
      return objectOrTransaction(event, id, place);
  }
}

const ids = (list: readonly string[] | undefined): string[] => (list ?? []).map(normaliseId);
const classes = (list: readonly QuantityElement[] | undefined): string[] => (list ?? []).map((q) => normaliseId(q.epcClass));

function scans(items: readonly string[], place: Place): Draft[] {
  const station = place.readPoint ?? place.bizLocation ?? 'unknown';
  return items.map((id) => compact({ kind: 'scan' as const, id, station, step: place.bizStep }));
}

function operation(event: TransformationEvent, id: string, place: Place): Draft {
  const quantities = (list: readonly QuantityElement[] | undefined) =>
    (list ?? []).map((q) => compact({ id: normaliseId(q.epcClass), qty: q.quantity, uom: q.uom }));
  return {
    kind: 'operation',
    operationId: event.transformationID ?? id,
    step: place.bizStep ?? 'transformation',
    station: place.bizLocation ?? place.readPoint ?? 'unknown',
    inputs: [...ids(event.inputEPCList).map((i) => ({ id: i })), ...quantities(event.inputQuantityList)],
    outputs: [
      ...ids(event.outputEPCList).map((o) => ({ id: o, type: 'unit' as const })),
      ...quantities(event.outputQuantityList).map((o) => ({ ...o, type: 'lot' as const })),
    ],
  };
}

function pack(event: AggregationEvent | AssociationEvent, place: Place): Draft[] {
  const children = [...ids(event.childEPCs), ...classes(event.childQuantityList)];
  // Without a parent there is no containment to record, but the children were still seen.
  // A DELETE with a parent and no children means "everything out of the parent" (EPCIS §7.4.3).
  if (event.parentID === undefined) return scans(children, place);
  return [
    {
      kind: 'pack',
      parent: normaliseId(event.parentID),
      children,
      action: event.action === 'DELETE' ? 'remove' : 'add',
    },
  ];
}

function objectOrTransaction(event: ObjectEvent | TransactionEvent, id: string, place: Place): Draft[] {
  const epcs = ids(event.epcList);
  const lots = classes(event.quantityList);
  const parent = event.type === 'TransactionEvent' && event.parentID !== undefined ? [normaliseId(event.parentID)] : [];

  if (place.bizStep === 'shipping' || place.bizStep === 'departing') {
    const items = [...epcs, ...lots, ...parent];
    if (items.length > 0) return [ship(event, id, items)];
  }
  const isReceipt =
    event.type === 'ObjectEvent' &&
    ((event.action === 'ADD' && place.bizStep === 'receiving') ||
      (event.action !== 'DELETE' && (event.sourceList?.length ?? 0) > 0));
  if (isReceipt) return [...receives(event), ...scans(epcs, place)];
  return scans([...epcs, ...lots, ...parent], place);
}

function ship(event: ObjectEvent | TransactionEvent, id: string, items: string[]): Draft {
  const desadv = event.bizTransactionList?.find((b) => b.type !== undefined && shortCbv(b.type) === 'desadv');
  const destination = (type: string) => event.destinationList?.find((d) => shortCbv(d.type) === type)?.destination;
  const customer = destination('owning_party') ?? destination('possessing_party') ?? destination('location');
  const quantities = (event.quantityList ?? []).flatMap((q) => (q.quantity === undefined ? [] : [q.quantity]));
  return compact({
    kind: 'ship' as const,
    shipmentId: desadv ? normaliseId(desadv.bizTransaction) : id,
    items,
    customer: customer === undefined ? 'unknown' : normaliseId(customer),
    qty: quantities.length > 0 ? quantities.reduce((a, b) => a + b, 0) : undefined,
  });
}

function receives(event: ObjectEvent): Draft[] {
  const source = (type: string) => event.sourceList?.find((s) => shortCbv(s.type) === type)?.source;
  const supplier = source('owning_party') ?? source('possessing_party');
  return (event.quantityList ?? []).map((q) => {
    const lot = normaliseId(q.epcClass);
    const { material, supplierLot } = materialOf(lot);
    return compact({
      kind: 'receive' as const,
      lot,
      material,
      qty: q.quantity ?? 1,
      uom: q.uom ?? 'EA',
      supplier: supplier === undefined ? 'unknown' : normaliseId(supplier),
      supplierLot,
    });
  });
}

/** The product (GTIN pattern) a lot class belongs to, and the lot number within it. */
function materialOf(lotClass: string): { material: string; supplierLot?: string } {
  const lgtin = /^urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)$/.exec(lotClass);
  if (lgtin) return { material: `urn:epc:idpat:sgtin:${lgtin[1]}.${lgtin[2]}.*`, supplierLot: decode(lgtin[3]!) };
  return { material: lotClass };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function readings(event: EpcisEvent, place: Place): Draft[] {
  return (event.sensorElementList ?? []).flatMap((element) =>
    element.sensorReport.flatMap((report): Draft[] => {
      const value = report.value ?? report.meanValue ?? report.maxValue ?? report.minValue;
      if (value === undefined) return [];
      const device = report.deviceID ?? element.sensorMetadata?.deviceID;
      return [
        compact({
          kind: 'reading' as const,
          equipmentId: device === undefined ? (place.readPoint ?? place.bizLocation ?? 'unknown') : normaliseId(device),
          parameter: report.type === undefined ? 'unknown' : shortCbv(report.type),
          value,
          uom: report.uom,
          eventTime: report.time ?? element.sensorMetadata?.time ?? event.eventTime,
        }),
      ];
    }),
  );
}
