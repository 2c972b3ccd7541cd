/**
 * The canonical event model: the one shape every source (MQTT, OPC UA, EPCIS, CSV, the CLI)
 * is turned into before anything touches the graph. The wire form is in docs/events-and-model.md;
 * `context` and `errorDeclaration` carry what EPCIS documents add, so nothing the graph or a
 * later EPCIS query needs is lost on the way in.
 */
import { z } from 'zod';
import { normaliseId } from './ids.ts';

/** ISO 8601 date-time with an explicit offset (`Z` or `±hh:mm`); local times are ambiguous. */
const isoWithOffset = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/,
    'must be an ISO 8601 date-time with an offset, e.g. 2026-03-01T08:00:00Z',
  )
  .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a valid date-time');

/**
 * Bounds on what one event may carry, checked here at the boundary so that every source (MQTT,
 * EPCIS, files, OPC UA) is held to them: a name is a name, not a 900 KB document; text holds no
 * control characters (a NUL ends strings in C tools, the graph's bulk loader turns a line break
 * into a space while the event log keeps it, and log viewers act on escape sequences), so what
 * the graph holds is exactly what the log holds; a quantity is a number a plant could have.
 */
export const EVENT_LIMITS = {
  /** Identifiers (EPC URNs, Digital Links, plant ids). */
  idLength: 512,
  /** Names: material, supplier, station, step, equipment, parameter, unit of measure, EPCIS vocabulary. */
  nameLength: 256,
  /** Free text: a maintenance result, an error declaration's reason. */
  textLength: 2000,
  /** Items in one list of an event (inputs, outputs, children, items, measurements, defects). */
  listLength: 10_000,
  /** The largest quantity (a trillion of any unit: more than any plant moves in one event). */
  maxQuantity: 1e12,
  /** The largest magnitude of a reading or measurement value. */
  maxMagnitude: 1e15,
} as const;

/** C0 controls (NUL, tab, line breaks, escape...), DEL and C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const noControl = (s: string) => !CONTROL.test(s);
const CONTROL_MESSAGE = 'must not contain control characters (NUL, line breaks, tabs, escapes)';

/** Text of at most `max` characters, without control characters. */
const text = (max: number) => z.string().max(max, `is longer than ${max} characters`).refine(noControl, CONTROL_MESSAGE);
/** A name: non-empty, short, plain. */
const name = () => text(EVENT_LIMITS.nameLength).min(1, 'must not be empty');
const list = <T extends z.ZodTypeAny>(item: T) =>
  z.array(item).max(EVENT_LIMITS.listLength, `has more than ${EVENT_LIMITS.listLength} entries: split the event`);

/** Any identifier: EPC URN, GS1 Digital Link URI (normalised to its URN) or a plant-local string. */
export const Id = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(EVENT_LIMITS.idLength, `is longer than ${EVENT_LIMITS.idLength} characters`)
  .refine(noControl, CONTROL_MESSAGE)
  .transform((s) => normaliseId(s));

const qty = z
  .number()
  .finite()
  .nonnegative()
  .max(EVENT_LIMITS.maxQuantity, `is over ${EVENT_LIMITS.maxQuantity}: not a quantity one event can move`);
const measured = z
  .number()
  .finite()
  .min(-EVENT_LIMITS.maxMagnitude, `is below -${EVENT_LIMITS.maxMagnitude}`)
  .max(EVENT_LIMITS.maxMagnitude, `is over ${EVENT_LIMITS.maxMagnitude}`);

export const ErrorDeclaration = z.object({
  declarationTime: isoWithOffset,
  reason: text(EVENT_LIMITS.textLength).optional(),
  correctiveEventIds: list(text(EVENT_LIMITS.idLength)).optional(),
});
export type ErrorDeclaration = z.infer<typeof ErrorDeclaration>;

const TypedRef = z.object({ type: text(EVENT_LIMITS.idLength).optional(), id: text(EVENT_LIMITS.idLength) });

/** What an EPCIS event says beyond the canonical fields (bizStep, where, why). */
export const EventContext = z.object({
  epcisType: text(EVENT_LIMITS.nameLength).optional(),
  epcisEventId: text(EVENT_LIMITS.idLength).optional(),
  action: z.enum(['ADD', 'OBSERVE', 'DELETE']).optional(),
  bizStep: text(EVENT_LIMITS.idLength).optional(),
  disposition: text(EVENT_LIMITS.idLength).optional(),
  readPoint: text(EVENT_LIMITS.idLength).optional(),
  bizLocation: text(EVENT_LIMITS.idLength).optional(),
  bizTransactions: list(TypedRef).optional(),
  sources: list(TypedRef).optional(),
  destinations: list(TypedRef).optional(),
});
export type EventContext = z.infer<typeof EventContext>;

const base = {
  eventId: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(EVENT_LIMITS.idLength, `is longer than ${EVENT_LIMITS.idLength} characters`)
    .refine(noControl, CONTROL_MESSAGE),
  eventTime: isoWithOffset,
  recordTime: isoWithOffset.optional(),
  source: text(EVENT_LIMITS.idLength).optional(),
  context: EventContext.optional(),
  errorDeclaration: ErrorDeclaration.optional(),
};

export const ReceiveEvent = z.object({
  kind: z.literal('receive'),
  ...base,
  lot: Id,
  material: name(),
  qty,
  uom: name(),
  supplier: name(),
  supplierLot: text(EVENT_LIMITS.idLength).optional(),
});

const ItemQty = z.object({ id: Id, qty: qty.optional(), uom: text(EVENT_LIMITS.nameLength).optional() });

export const OperationEvent = z.object({
  kind: z.literal('operation'),
  ...base,
  operationId: text(EVENT_LIMITS.idLength).min(1, 'must not be empty'),
  step: name(),
  station: name(),
  workOrder: text(EVENT_LIMITS.idLength).optional(),
  equipmentId: text(EVENT_LIMITS.idLength).optional(),
  operatorId: text(EVENT_LIMITS.idLength).optional(),
  recipeId: text(EVENT_LIMITS.idLength).optional(),
  startTime: isoWithOffset.optional(),
  inputs: list(ItemQty),
  outputs: list(ItemQty.extend({ type: z.enum(['lot', 'unit']).optional() })),
  result: z.enum(['pass', 'fail']).optional(),
});

export const ScanEvent = z.object({
  kind: z.literal('scan'),
  ...base,
  id: Id,
  station: name(),
  step: text(EVENT_LIMITS.nameLength).optional(),
  operatorId: text(EVENT_LIMITS.idLength).optional(),
});

export const InspectionEvent = z.object({
  kind: z.literal('inspection'),
  ...base,
  id: Id,
  result: z.enum(['pass', 'fail']),
  measurements: list(z.object({ name: name(), value: measured, uom: text(EVENT_LIMITS.nameLength).optional() })).optional(),
  defects: list(name()).optional(),
  station: text(EVENT_LIMITS.nameLength).optional(),
  inspectorId: text(EVENT_LIMITS.idLength).optional(),
});

export const ReadingEvent = z.object({
  kind: z.literal('reading'),
  ...base,
  equipmentId: text(EVENT_LIMITS.idLength).min(1, 'must not be empty'),
  parameter: name(),
  value: measured,
  uom: text(EVENT_LIMITS.nameLength).optional(),
});

export const MaintenanceEvent = z.object({
  kind: z.literal('maintenance'),
  ...base,
  equipmentId: text(EVENT_LIMITS.idLength).min(1, 'must not be empty'),
  type: z.enum(['maintenance', 'calibration', 'repair']),
  startTime: isoWithOffset,
  endTime: isoWithOffset.optional(),
  result: text(EVENT_LIMITS.textLength).optional(),
});

export const PackEvent = z.object({
  kind: z.literal('pack'),
  ...base,
  parent: Id,
  children: list(Id),
  action: z.enum(['add', 'remove']).optional(),
});

export const ShipEvent = z.object({
  kind: z.literal('ship'),
  ...base,
  shipmentId: text(EVENT_LIMITS.idLength).min(1, 'must not be empty'),
  items: list(Id).min(1, 'must name at least one item'),
  customer: name(),
  qty: qty.optional(),
});

export const CanonicalEvent = z.discriminatedUnion('kind', [
  ReceiveEvent,
  OperationEvent,
  ScanEvent,
  InspectionEvent,
  ReadingEvent,
  MaintenanceEvent,
  PackEvent,
  ShipEvent,
]);
export type CanonicalEvent = z.infer<typeof CanonicalEvent>;
export type EventKind = CanonicalEvent['kind'];
export const EVENT_KINDS: readonly EventKind[] = [
  'receive',
  'operation',
  'scan',
  'inspection',
  'reading',
  'maintenance',
  'pack',
  'ship',
];
export type EventOf<K extends EventKind> = Extract<CanonicalEvent, { kind: K }>;

/** A canonical event as a caller writes it, before ids are normalised (input side of the schema). */
export type CanonicalEventInput = z.input<typeof CanonicalEvent>;

/** One line a person can act on, e.g. `inputs.0.id: must not be empty; eventTime: ...`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.join('.');
      if (i.code === 'invalid_union' && path === 'kind') return 'kind: must be one of ' + EVENT_KINDS.join(', ');
      return `${path || '(event)'}: ${i.message}`;
    })
    .join('; ');
}

export type ParseResult = { ok: true; event: CanonicalEvent } | { ok: false; reason: string };

/**
 * The event as this system records it: `recordTime` (EPCIS: when the capturing system recorded it,
 * what `GE_recordTime` polling reads) is `at` unless its source gave one.
 */
export function recordedAt(event: CanonicalEvent, at: string): CanonicalEvent {
  if (!event.recordTime) event.recordTime = at;
  return event;
}

export function parseEvent(raw: unknown): ParseResult {
  if (raw && typeof raw === 'object' && 'kind' in raw) {
    const kind = (raw as { kind: unknown }).kind;
    if (typeof kind !== 'string' || !(EVENT_KINDS as readonly string[]).includes(kind)) {
      return { ok: false, reason: `kind: unknown kind ${JSON.stringify(kind)}; expected one of ${EVENT_KINDS.join(', ')}` };
    }
  }
  const r = CanonicalEvent.safeParse(raw);
  return r.success ? { ok: true, event: r.data } : { ok: false, reason: describeZodError(r.error) };
}
