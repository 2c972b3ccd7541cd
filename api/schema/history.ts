/**
 * Serial history for customer service: `unitHistory(id)` (a name clients depend on, docs/api.md) and
 * `unitHistoryByBarcode(barcode)` for a scanned GS1 barcode; `parseBarcode` shows what a scan reads as.
 */
import { TracegraphError } from '../../core/errors.ts';
import { parseGs1Barcode, type ParsedBarcode } from '../../core/gs1-barcode.ts';
import { digitalLinkToUrn, normaliseId } from '../../core/ids.ts';
import type { FlowFacts, InspectionFacts, PackFacts, ShipmentFacts, SpecRecord } from '../../cypher/port.ts';
import {
  loadHistory,
  operationParameters,
  type HistoryOperation,
  type HoldFacts,
  type ItemHistory,
  type ParameterSummary,
  type TimelineEntry,
} from '../../domain/analytics/history.ts';
import { builder, type ApiContext } from '../builder.ts';
import { SpecType } from './monitor.ts';

export const MAX_ID_LENGTH = 512;

/** Every spec version, read once per request however many operations a history shows. */
const specsByRequest = new WeakMap<object, Promise<SpecRecord[]>>();
function specVersions(ctx: ApiContext): Promise<SpecRecord[]> {
  let all = specsByRequest.get(ctx);
  if (!all) specsByRequest.set(ctx, (all = ctx.store.specs({ history: true })));
  return all;
}

/** One lot or unit id from a client, checked and normalised here at the boundary (Digital Link -> EPC URN). */
export function parseItemId(raw: string, name = 'id'): string {
  const s = String(raw).trim();
  if (s === '') throw new TracegraphError('BAD_INPUT', `\`${name}\` is empty: give a lot or unit id`);
  if (s.length > MAX_ID_LENGTH)
    throw new TracegraphError('BAD_INPUT', `\`${name}\` is ${s.length} characters long; an id has at most ${MAX_ID_LENGTH}`);
  if ([...s].some((c) => c < ' ' || c === '\u007f'))
    throw new TracegraphError(
      'BAD_INPUT',
      `\`${name}\` holds control characters: to look up a scanned barcode use unitHistoryByBarcode(barcode:)`,
    );
  if (s.startsWith('urn:epc:') && !/^urn:epc:(id|class|idpat):[a-z]+:[A-Za-z0-9.%*\-_:!'()+,;=]+$/.test(s))
    throw new TracegraphError('BAD_INPUT', `\`${name}\` ${JSON.stringify(s)} is not a well-formed EPC URN`);
  if (/^https?:\/\//i.test(s) && !digitalLinkToUrn(s))
    throw new TracegraphError(
      'BAD_INPUT',
      `\`${name}\` ${JSON.stringify(s)} is not a GS1 Digital Link (it needs /01/<GTIN>/21/<serial>, /01/<GTIN>/10/<lot> or /00/<SSCC>)`,
    );
  return normaliseId(s);
}

export const ItemStatusEnum = builder.enumType('ItemStatus', {
  description: 'held: under an active hold; failed: its latest inspection failed; shipped: it or a container holding it left.',
  values: { HELD: { value: 'held' }, FAILED: { value: 'failed' }, SHIPPED: { value: 'shipped' } } as const,
});

const Flow = builder.objectRef<FlowFacts>('HistoryFlow').implement({
  description: 'An input or output of an operation.',
  fields: (t) => ({
    id: t.exposeID('item'),
    kind: t.string({ description: 'lot, unit or container', resolve: (f) => (f.container ? 'container' : f.kind) }),
    qty: t.exposeFloat('qty', { nullable: true }),
    uom: t.exposeString('uom', { nullable: true }),
  }),
});

const Parameter = builder.objectRef<ParameterSummary>('ParameterSummary').implement({
  description:
    'Readings of one parameter on the equipment while the operation ran, beside the spec that applied (the version in force when it ended).',
  fields: (t) => ({
    parameter: t.exposeString('parameter'),
    uom: t.exposeString('uom', { nullable: true }),
    count: t.exposeInt('count'),
    min: t.exposeFloat('min'),
    max: t.exposeFloat('max'),
    mean: t.exposeFloat('mean'),
    spec: t.field({
      type: SpecType,
      nullable: true,
      description: "The spec of the operation's equipment and recipe in force when it ended; null when none applied",
      resolve: (p) => p.spec,
    }),
    inSpec: t.exposeBoolean('inSpec', {
      nullable: true,
      description: 'Whether min and max were inside the spec limits; null without a spec',
    }),
  }),
});

export const HistoryOperationRef = builder.objectRef<HistoryOperation>('HistoryOperation').implement({
  description: 'An operation the item went through: what ran it, what went in and came out, and the process parameters.',
  fields: (t) => ({
    id: t.exposeID('id'),
    role: t.exposeString('role', { description: 'produced, consumed or reworked (the item went in and came out)' }),
    step: t.exposeString('step'),
    station: t.exposeString('station'),
    startTime: t.exposeString('startTime', { nullable: true }),
    endTime: t.exposeString('endTime'),
    result: t.exposeString('result', { nullable: true }),
    equipment: t.exposeString('equipment', { nullable: true }),
    operator: t.exposeString('operator', { nullable: true }),
    recipe: t.exposeString('recipe', { nullable: true, description: 'The recipe id, which names its version' }),
    workOrder: t.exposeString('workOrder', { nullable: true }),
    inputs: t.field({ type: [Flow], resolve: (o) => o.inputs }),
    outputs: t.field({ type: [Flow], resolve: (o) => o.outputs }),
    parameters: t.field({
      type: [Parameter],
      description: 'min/max/mean per parameter of the equipment readings between startTime and endTime',
      resolve: async (o, _args, ctx) => operationParameters(ctx.store, o, await specVersions(ctx)),
    }),
  }),
});

const Measurement = builder.objectRef<InspectionFacts['measurements'][number]>('HistoryMeasurement').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    value: t.exposeFloat('value'),
    uom: t.string({ nullable: true, resolve: (m) => m.uom ?? null }),
  }),
});

export const InspectionRef = builder.objectRef<InspectionFacts>('HistoryInspection').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    result: t.exposeString('result'),
    defects: t.exposeStringList('defects'),
    measurements: t.field({ type: [Measurement], resolve: (i) => i.measurements }),
    station: t.exposeString('station', { nullable: true }),
    inspectorId: t.exposeString('inspectorId', { nullable: true }),
    eventTime: t.exposeString('eventTime'),
  }),
});

const Packing = builder.objectRef<PackFacts>('HistoryPacking').implement({
  description: 'One packing step: the item (or a container holding it) into a container.',
  fields: (t) => ({
    child: t.exposeID('child'),
    container: t.exposeID('parent'),
    eventTime: t.exposeString('eventTime', { nullable: true }),
  }),
});

export const ShipmentRef = builder.objectRef<ShipmentFacts>('HistoryShipment').implement({
  fields: (t) => ({
    id: t.exposeID('shipment'),
    item: t.exposeID('item', { description: 'What was shipped: the item itself or a container holding it' }),
    customer: t.exposeString('customer', { nullable: true }),
    eventTime: t.exposeString('eventTime', { nullable: true }),
  }),
});

const Hold = builder.objectRef<HoldFacts>('HistoryHold').implement({
  description: 'A hold placed on the item (placeHold), active or released.',
  fields: (t) => ({
    id: t.exposeID('id'),
    reason: t.exposeString('reason', { nullable: true }),
    placedAt: t.exposeString('placedAt'),
    releasedAt: t.exposeString('releasedAt', { nullable: true }),
  }),
});

const Timeline = builder.objectRef<TimelineEntry>('TimelineEntry').implement({
  description: 'One line of the history, in time order.',
  fields: (t) => ({
    time: t.exposeString('time'),
    type: t.exposeString('type', { description: 'OPERATION, INSPECTION, PACKED, SHIPPED or HOLD' }),
    ref: t.exposeID('ref', { description: 'The operation, inspection, container or shipment id' }),
    summary: t.exposeString('summary'),
  }),
});

const Barcode = builder.objectRef<ParsedBarcode>('ScannedBarcode').implement({
  description: 'What a GS1 barcode says, and the EPC URN it names.',
  fields: (t) => ({
    id: t.exposeID('id'),
    gtin: t.string({ nullable: true, resolve: (b) => b.gtin ?? null }),
    serial: t.string({ nullable: true, resolve: (b) => b.serial ?? null }),
    lot: t.string({ nullable: true, resolve: (b) => b.lot ?? null }),
    expiry: t.string({ nullable: true, description: 'AI 17 as YYYY-MM-DD', resolve: (b) => b.expiry ?? null }),
    sscc: t.string({ nullable: true, resolve: (b) => b.sscc ?? null }),
  }),
});

/** A history plus the lazily read backward trace (materials and sub-assemblies). */
type HistoryView = ItemHistory & { scanned?: ParsedBarcode };

export const UnitHistoryRef = builder.objectRef<HistoryView>('UnitHistory').implement({
  description: 'Everything recorded about one unit or lot: its device history record.',
  fields: (t) => ({
    id: t.id({ resolve: (h) => h.item.id }),
    kind: t.string({ description: 'lot, unit or container', resolve: (h) => (h.item.container ? 'container' : h.item.kind) }),
    status: t.field({ type: [ItemStatusEnum], resolve: (h) => h.status }),
    scanned: t.field({
      type: Barcode,
      nullable: true,
      description: 'The barcode it was looked up by',
      resolve: (h) => h.scanned ?? null,
    }),
    timeline: t.field({ type: [Timeline], resolve: (h) => h.timeline }),
    operations: t.field({ type: [HistoryOperationRef], resolve: (h) => h.operations }),
    materials: t.idList({
      description: 'Every lot it was made from, however far back',
      resolve: async (h, _a, ctx) => (await ctx.store.traceBackward([h.item.id])).lots,
    }),
    subAssemblies: t.idList({
      description: 'Every unit built into it, however far back (for a container: its contents)',
      resolve: async (h, _a, ctx) => {
        const t = await ctx.store.traceBackward([h.item.id]);
        return [...t.units, ...t.containers].sort();
      },
    }),
    inspections: t.field({ type: [InspectionRef], resolve: (h) => h.inspections }),
    holds: t.field({ type: [Hold], resolve: (h) => h.holds }),
    packing: t.field({ type: [Packing], resolve: (h) => h.containers }),
    shipments: t.field({ type: [ShipmentRef], resolve: (h) => h.shipments }),
  }),
});

builder.queryFields((t) => ({
  unitHistory: t.field({
    authScopes: { readHistory: true },
    type: UnitHistoryRef,
    description: 'The history of a unit (or lot): operations, materials, sub-assemblies, inspections, holds, packing, shipment.',
    args: { id: t.arg.id({ required: true, description: 'An EPC URN, a GS1 Digital Link URI or a plant id' }) },
    resolve: (_r, args, ctx) => loadHistory(ctx.store, parseItemId(args.id)),
  }),
  unitHistoryByBarcode: t.field({
    authScopes: { readHistory: true },
    type: UnitHistoryRef,
    description:
      'The history of the unit, lot or container a scanned GS1 barcode names: (01)+(21), (01)+(10) or (00), bracketed or raw with GS separators, or a Digital Link.',
    args: { barcode: t.arg.string({ required: true }) },
    resolve: async (_r, args, ctx) => {
      if (args.barcode.length > 1024) throw new TracegraphError('BAD_INPUT', 'barcode is longer than 1024 characters');
      const scanned = parseGs1Barcode(args.barcode);
      return { ...(await loadHistory(ctx.store, scanned.id)), scanned };
    },
  }),
  parseBarcode: t.field({
    authScopes: { readHistory: true },
    type: Barcode,
    description: 'What a GS1 barcode reads as, without looking anything up.',
    args: { barcode: t.arg.string({ required: true }) },
    resolve: (_r, args) => {
      if (args.barcode.length > 1024) throw new TracegraphError('BAD_INPUT', 'barcode is longer than 1024 characters');
      return parseGs1Barcode(args.barcode);
    },
  }),
}));
