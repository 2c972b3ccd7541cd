/**
 * Serial history (a device history record): what the store recorded about one lot or unit,
 * put in the order a person reads it. Readings are summarised per operation on demand.
 */
import { TracegraphError } from '../../core/errors.ts';
import type {
  FlowFacts,
  GraphStore,
  InspectionFacts,
  ItemFacts,
  ItemRecord,
  OperationFacts,
  PackFacts,
  ReadingFacts,
  ShipmentFacts,
  SpecRecord,
} from '../../cypher/port.ts';
import { applicableSpec } from '../specs.ts';
import { looseBounds, ms } from './time.ts';

export type ItemStatus = 'held' | 'failed' | 'shipped';

export interface HistoryOperation extends OperationFacts {
  /** What the operation did to this item: made it, used it up, or took it in and gave it back (rework). */
  role: 'produced' | 'consumed' | 'reworked';
  inputs: FlowFacts[];
  outputs: FlowFacts[];
}

export interface TimelineEntry {
  time: string;
  type: 'OPERATION' | 'INSPECTION' | 'PACKED' | 'SHIPPED' | 'HOLD';
  ref: string;
  summary: string;
}

/** Holds are not written by any event kind yet: the list is always empty until they are. */
export interface HoldFacts {
  id: string;
  reason: string | null;
  placedAt: string;
  releasedAt: string | null;
}

export interface ItemHistory {
  item: ItemFacts;
  status: ItemStatus[];
  operations: HistoryOperation[];
  inspections: InspectionFacts[];
  containers: PackFacts[];
  shipments: ShipmentFacts[];
  holds: HoldFacts[];
  timeline: TimelineEntry[];
}

export interface ParameterSummary {
  parameter: string;
  uom: string | null;
  count: number;
  min: number;
  max: number;
  mean: number;
  /**
   * The spec that applied to the operation (domain/specs.ts: its equipment and recipe),
   * in the version in force when it ended; null when none did.
   */
  spec: SpecRecord | null;
  /** Whether every reading (min and max) was inside the spec's limits; null without a spec. */
  inSpec: boolean | null;
}

const byTime =
  <T>(time: (x: T) => string | null) =>
  (a: T, b: T) =>
    (ms(time(a)) || 0) - (ms(time(b)) || 0);

/** When an operation ran, for ordering: its start when recorded, else its end. */
export const operationTime = (o: OperationFacts): string => o.startTime ?? o.endTime;

/** An item's status: failed when its latest inspection failed, shipped when it or a container holding it was. */
export function itemStatus(inspections: { result: string; eventTime: string }[], shipped: boolean): ItemStatus[] {
  const out: ItemStatus[] = [];
  const latest = [...inspections].sort(byTime((i) => i.eventTime)).at(-1);
  if (latest?.result === 'fail') out.push('failed');
  if (shipped) out.push('shipped');
  return out;
}

export function assembleHistory(rec: ItemRecord): ItemHistory {
  const id = rec.item.id;
  const operations: HistoryOperation[] = rec.operations
    .map((o) => {
      const inputs = rec.flows.filter((f) => f.op === o.id && f.direction === 'in');
      const outputs = rec.flows.filter((f) => f.op === o.id && f.direction === 'out');
      const isIn = inputs.some((f) => f.item === id);
      const isOut = outputs.some((f) => f.item === id);
      const role: HistoryOperation['role'] = isIn && isOut ? 'reworked' : isOut ? 'produced' : 'consumed';
      return { ...o, role, inputs, outputs };
    })
    .sort(byTime(operationTime));
  const inspections = [...rec.inspections].sort(byTime((i) => i.eventTime));
  const containers = [...rec.containers].sort(byTime((c) => c.eventTime));
  const shipments = [...rec.shipments].sort(byTime((s) => s.eventTime));
  const timeline: TimelineEntry[] = [
    ...operations.map((o) => ({
      time: operationTime(o),
      type: 'OPERATION' as const,
      ref: o.id,
      summary: `${o.role} by ${o.step} at ${o.station}${o.equipment ? ` on ${o.equipment}` : ''}${o.result ? ` (${o.result})` : ''}`,
    })),
    ...inspections.map((i) => ({
      time: i.eventTime,
      type: 'INSPECTION' as const,
      ref: i.id,
      summary: `inspection ${i.result}${i.station ? ` at ${i.station}` : ''}${i.defects.length ? `: ${i.defects.join(', ')}` : ''}`,
    })),
    ...containers
      .filter((c) => c.eventTime)
      .map((c) => ({
        time: c.eventTime!,
        type: 'PACKED' as const,
        ref: c.parent,
        summary: `${c.child} packed into ${c.parent}`,
      })),
    ...shipments
      .filter((s) => s.eventTime)
      .map((s) => ({
        time: s.eventTime!,
        type: 'SHIPPED' as const,
        ref: s.shipment,
        summary: `shipped in ${s.shipment}${s.item !== id ? ` (in ${s.item})` : ''}${s.customer ? ` to ${s.customer}` : ''}`,
      })),
  ].sort(byTime((e) => e.time));
  return {
    item: rec.item,
    status: itemStatus(inspections, shipments.length > 0),
    operations,
    inspections,
    containers,
    shipments,
    holds: [],
    timeline,
  };
}

/** The history of a lot or unit, or NOT_FOUND with what to check. */
export async function loadHistory(store: GraphStore, id: string): Promise<ItemHistory> {
  const rec = await store.itemRecord(id);
  if (!rec)
    throw new TracegraphError(
      'NOT_FOUND',
      `no lot or unit ${JSON.stringify(id)} is recorded: check the serial (an EPC URN, a GS1 Digital Link or a plant id)`,
    );
  const history = assembleHistory(rec);
  // Holds are graph nodes of their own (placeHold), read beside the item's record.
  const holds = await store.holds({ item: id });
  history.holds = holds.map((h) => ({ id: h.id, reason: h.reason, placedAt: h.placedAt, releasedAt: h.releasedAt }));
  if (holds.some((h) => h.status === 'active')) history.status = ['held', ...history.status];
  return history;
}

/** min/max/mean per parameter of the readings taken during [from, to]. */
export function summariseReadings(readings: ReadingFacts[], from: number, to: number): ParameterSummary[] {
  const by = new Map<string, ParameterSummary & { sum: number }>();
  for (const r of readings) {
    const t = ms(r.eventTime);
    if (!(t >= from && t <= to)) continue;
    const s = by.get(r.parameter);
    if (!s) {
      by.set(r.parameter, {
        parameter: r.parameter,
        uom: r.uom,
        count: 1,
        min: r.value,
        max: r.value,
        mean: r.value,
        sum: r.value,
        spec: null,
        inSpec: null,
      });
      continue;
    }
    s.count++;
    s.sum += r.value;
    s.min = Math.min(s.min, r.value);
    s.max = Math.max(s.max, r.value);
    s.mean = s.sum / s.count;
  }
  return [...by.values()].map(({ sum: _sum, ...s }) => s).sort((a, b) => a.parameter.localeCompare(b.parameter));
}

/**
 * Readings on the operation's equipment while it ran (start to end; an instant when no start is
 * recorded), each parameter beside its spec. `specs` is every spec version (specs({ history: true })).
 */
export async function operationParameters(
  store: GraphStore,
  o: OperationFacts,
  specs: readonly SpecRecord[] = [],
): Promise<ParameterSummary[]> {
  if (!o.equipment) return [];
  const from = ms(o.startTime ?? o.endTime);
  const to = ms(o.endTime);
  if (Number.isNaN(from) || Number.isNaN(to)) return [];
  const [lo, hi] = looseBounds(from, to);
  return summariseReadings(await store.readings(o.equipment, lo, hi), from, to).map((p) => {
    const spec = applicableSpec(specs, { parameter: p.parameter, equipmentId: o.equipment, recipeId: o.recipe }, to);
    const inSpec = spec ? (spec.lsl === null || p.min >= spec.lsl) && (spec.usl === null || p.max <= spec.usl) : null;
    return { ...p, spec, inSpec };
  });
}
