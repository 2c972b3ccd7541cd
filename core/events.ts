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

/** Any identifier: EPC URN, GS1 Digital Link URI (normalised to its URN) or a plant-local string. */
export const Id = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(512, 'is longer than 512 characters')
  .refine((s) => ![...s].some((c) => c < ' ' || c === '\u007f'), 'must not contain control characters (line breaks, tabs)')
  .transform((s) => normaliseId(s));

const qty = z.number().finite().nonnegative();

export const ErrorDeclaration = z.object({
  declarationTime: isoWithOffset,
  reason: z.string().optional(),
  correctiveEventIds: z.array(z.string()).optional(),
});
export type ErrorDeclaration = z.infer<typeof ErrorDeclaration>;

const TypedRef = z.object({ type: z.string().optional(), id: z.string() });

/** What an EPCIS event says beyond the canonical fields (bizStep, where, why). */
export const EventContext = z.object({
  epcisType: z.string().optional(),
  epcisEventId: z.string().optional(),
  action: z.enum(['ADD', 'OBSERVE', 'DELETE']).optional(),
  bizStep: z.string().optional(),
  disposition: z.string().optional(),
  readPoint: z.string().optional(),
  bizLocation: z.string().optional(),
  bizTransactions: z.array(TypedRef).optional(),
  sources: z.array(TypedRef).optional(),
  destinations: z.array(TypedRef).optional(),
});
export type EventContext = z.infer<typeof EventContext>;

const base = {
  eventId: z.string().trim().min(1, 'must not be empty').max(512),
  eventTime: isoWithOffset,
  recordTime: isoWithOffset.optional(),
  source: z.string().optional(),
  context: EventContext.optional(),
  errorDeclaration: ErrorDeclaration.optional(),
};

export const ReceiveEvent = z.object({
  kind: z.literal('receive'),
  ...base,
  lot: Id,
  material: z.string().min(1),
  qty,
  uom: z.string().min(1),
  supplier: z.string().min(1),
  supplierLot: z.string().optional(),
});

const ItemQty = z.object({ id: Id, qty: qty.optional(), uom: z.string().optional() });

export const OperationEvent = z.object({
  kind: z.literal('operation'),
  ...base,
  operationId: z.string().min(1),
  step: z.string().min(1),
  station: z.string().min(1),
  workOrder: z.string().optional(),
  equipmentId: z.string().optional(),
  operatorId: z.string().optional(),
  recipeId: z.string().optional(),
  startTime: isoWithOffset.optional(),
  inputs: z.array(ItemQty),
  outputs: z.array(ItemQty.extend({ type: z.enum(['lot', 'unit']).optional() })),
  result: z.enum(['pass', 'fail']).optional(),
});

export const ScanEvent = z.object({
  kind: z.literal('scan'),
  ...base,
  id: Id,
  station: z.string().min(1),
  step: z.string().optional(),
  operatorId: z.string().optional(),
});

export const InspectionEvent = z.object({
  kind: z.literal('inspection'),
  ...base,
  id: Id,
  result: z.enum(['pass', 'fail']),
  measurements: z.array(z.object({ name: z.string().min(1), value: z.number().finite(), uom: z.string().optional() })).optional(),
  defects: z.array(z.string().min(1)).optional(),
  station: z.string().optional(),
  inspectorId: z.string().optional(),
});

export const ReadingEvent = z.object({
  kind: z.literal('reading'),
  ...base,
  equipmentId: z.string().min(1),
  parameter: z.string().min(1),
  value: z.number().finite(),
  uom: z.string().optional(),
});

export const MaintenanceEvent = z.object({
  kind: z.literal('maintenance'),
  ...base,
  equipmentId: z.string().min(1),
  type: z.enum(['maintenance', 'calibration', 'repair']),
  startTime: isoWithOffset,
  endTime: isoWithOffset.optional(),
  result: z.string().optional(),
});

export const PackEvent = z.object({
  kind: z.literal('pack'),
  ...base,
  parent: Id,
  children: z.array(Id),
  action: z.enum(['add', 'remove']).optional(),
});

export const ShipEvent = z.object({
  kind: z.literal('ship'),
  ...base,
  shipmentId: z.string().min(1),
  items: z.array(Id).min(1, 'must name at least one item'),
  customer: z.string().min(1),
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
