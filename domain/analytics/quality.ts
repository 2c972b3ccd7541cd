/**
 * Equipment and quality analytics over the facts the store returns (operations, their inputs and
 * outputs, the outputs' inspections, maintenance). Plain TypeScript: the store only reads.
 *
 * Definitions (the README repeats them):
 *  - an operation's time is its start when recorded, else its end;
 *  - an item is *processed* by an operation when it is one of its outputs (containers excluded);
 *  - it is *defective* for that operation when the operation's result is `fail` or the item failed
 *    an inspection at or after the operation's end;
 *  - a unit passes *first time* when its producing operation did not fail, its first inspection
 *    after production (if any) passed and it was never reworked; first-pass yield counts the units
 *    a non-rework operation produced;
 *  - shifts by time of day: early 06-14, late 14-22, night 22-06 (in UTC plus `utcOffsetMinutes`).
 */
import type { FlowFacts, InspectionFacts, MaintenanceFacts, OperationFacts, QualityFacts } from '../../cypher/port.ts';
import { fisherExact, rate } from './stats.ts';
import { ms, within } from './time.ts';

const HOUR = 3_600_000;

export interface Processed {
  op: OperationFacts;
  item: string;
  kind: 'lot' | 'unit';
  time: number;
  defective: boolean;
  /** Only for the units of non-rework operations: passed first time. */
  firstPass: boolean;
  rework: boolean;
  /** Defect codes of the failed inspections counted. */
  defects: string[];
  inputs: FlowFacts[];
}

export interface Range {
  from?: number;
  to?: number;
}

/** One row per (operation, output item) of the operations that ran in the range. */
export function processedItems(facts: QualityFacts, range: Range): Processed[] {
  const inspections = new Map<string, InspectionFacts[]>();
  for (const i of facts.inspections) {
    const list = inspections.get(i.item) ?? [];
    list.push(i);
    inspections.set(i.item, list);
  }
  for (const list of inspections.values()) list.sort((a, b) => ms(a.eventTime) - ms(b.eventTime));
  const flows = new Map<string, FlowFacts[]>();
  for (const f of facts.flows) {
    const list = flows.get(f.op) ?? [];
    list.push(f);
    flows.set(f.op, list);
  }
  const reworked = new Set<string>();
  for (const [, list] of flows)
    for (const f of list)
      if (f.direction === 'out' && list.some((g) => g.direction === 'in' && g.item === f.item)) reworked.add(f.item);

  const out: Processed[] = [];
  for (const op of facts.operations) {
    const time = ms(op.startTime ?? op.endTime);
    if (!within(ms(op.endTime), range.from, range.to)) continue;
    const list = flows.get(op.id) ?? [];
    const inputs = list.filter((f) => f.direction === 'in');
    for (const f of list) {
      if (f.direction !== 'out' || f.container) continue;
      const rework = inputs.some((i) => i.item === f.item);
      const after = (inspections.get(f.item) ?? []).filter((i) => ms(i.eventTime) >= ms(op.endTime));
      const failed = after.filter((i) => i.result === 'fail');
      const defective = op.result === 'fail' || failed.length > 0;
      const firstPass = op.result !== 'fail' && after[0]?.result !== 'fail' && !reworked.has(f.item);
      out.push({
        op,
        item: f.item,
        kind: f.kind,
        time,
        defective,
        firstPass,
        rework,
        defects: failed.flatMap((i) => i.defects),
        inputs,
      });
    }
  }
  return out;
}

export interface Bucket {
  label: string;
  fromHours: number | null;
  toHours: number | null;
  processed: number;
  defective: number;
  defectRate: number | null;
}
export interface WindowComparison {
  windowHours: number;
  processedBefore: number;
  defectiveBefore: number;
  defectRateBefore: number | null;
  processedAfter: number;
  defectiveAfter: number;
  defectRateAfter: number | null;
  /** Fisher's exact test, two-sided, on [[defective, good] before, [defective, good] after]. */
  pValue: number;
}
export interface MaintenanceEffect extends WindowComparison {
  maintenance: MaintenanceFacts;
}
export interface EquipmentCorrelation {
  equipment: string;
  processed: number;
  defective: number;
  defectRate: number | null;
  sinceMaintenance: Bucket[];
  sinceCalibration: Bucket[];
  maintenanceEvents: MaintenanceEffect[];
  /** Every event's before and after windows added up. */
  pooled: WindowComparison | null;
}

export const DEFAULT_BUCKET_HOURS = [8, 24, 72, 168];
export const DEFAULT_WINDOW_HOURS = 168;

const isCalibration = (m: MaintenanceFacts) => m.type === 'calibration';
const doneAt = (m: MaintenanceFacts) => ms(m.endTime ?? m.startTime);

function buckets(rows: { hours: number | null; defective: boolean }[], edges: number[]): Bucket[] {
  const bounds = [0, ...edges];
  const out: Bucket[] = bounds.map((lo, i) => {
    const hi = bounds[i + 1] ?? null;
    return {
      label: hi === null ? `${lo}h+` : `${lo}-${hi}h`,
      fromHours: lo,
      toHours: hi,
      processed: 0,
      defective: 0,
      defectRate: null,
    };
  });
  const never: Bucket = { label: 'never', fromHours: null, toHours: null, processed: 0, defective: 0, defectRate: null };
  for (const r of rows) {
    const b = r.hours === null ? never : [...out].reverse().find((x) => r.hours! >= x.fromHours!)!;
    b.processed++;
    if (r.defective) b.defective++;
  }
  for (const b of [...out, never]) b.defectRate = rate(b.defective, b.processed);
  return never.processed > 0 ? [...out, never] : out;
}

function compare(rows: Processed[], before: [number, number], after: [number, number], windowHours: number): WindowComparison {
  const count = ([lo, hi]: [number, number]) => {
    const inside = rows.filter((r) => r.time >= lo && r.time < hi);
    return [inside.length, inside.filter((r) => r.defective).length] as const;
  };
  const [nB, dB] = count(before);
  const [nA, dA] = count(after);
  return combine(windowHours, nB, dB, nA, dA);
}

function combine(windowHours: number, nB: number, dB: number, nA: number, dA: number): WindowComparison {
  return {
    windowHours,
    processedBefore: nB,
    defectiveBefore: dB,
    defectRateBefore: rate(dB, nB),
    processedAfter: nA,
    defectiveAfter: dA,
    defectRateAfter: rate(dA, nA),
    pValue: fisherExact(dB, nB - dB, dA, nA - dA),
  };
}

export interface CorrelationOptions extends Range {
  equipment?: string;
  bucketHours?: number[];
  windowHours?: number;
}

export function equipmentCorrelation(facts: QualityFacts, opts: CorrelationOptions): EquipmentCorrelation[] {
  const edges = opts.bucketHours ?? DEFAULT_BUCKET_HOURS;
  const maxWindow = (opts.windowHours ?? DEFAULT_WINDOW_HOURS) * HOUR;
  const rows = processedItems(facts, opts).filter(
    (r) => r.op.equipment && (!opts.equipment || r.op.equipment === opts.equipment),
  );
  const byEquipment = new Map<string, Processed[]>();
  for (const r of rows) {
    const list = byEquipment.get(r.op.equipment!) ?? [];
    list.push(r);
    byEquipment.set(r.op.equipment!, list);
  }
  if (opts.equipment && !byEquipment.has(opts.equipment)) byEquipment.set(opts.equipment, []);

  const out: EquipmentCorrelation[] = [];
  for (const [equipment, list] of [...byEquipment].sort(([a], [b]) => a.localeCompare(b))) {
    const events = facts.maintenance.filter((m) => m.equipment === equipment).sort((a, b) => ms(a.startTime) - ms(b.startTime));
    const since = (r: Processed, pick: (m: MaintenanceFacts) => boolean) => {
      let last: number | null = null;
      for (const m of events) if (pick(m) && doneAt(m) <= r.time) last = Math.max(last ?? -Infinity, doneAt(m));
      return last === null ? null : (r.time - last) / HOUR;
    };
    const effects: MaintenanceEffect[] = [];
    events.forEach((m, i) => {
      const start = ms(m.startTime);
      const end = doneAt(m);
      const prev = events[i - 1];
      const next = events[i + 1];
      // Equal windows either side, each at most half-way to the neighbouring event, so that the
      // windows of successive events never overlap (a whole cycle either side would compare like with like).
      const roomBefore = prev ? (start - doneAt(prev)) / 2 : maxWindow;
      const roomAfter = next ? (ms(next.startTime) - end) / 2 : maxWindow;
      const w = Math.max(0, Math.min(maxWindow, roomBefore, roomAfter));
      if (!within(start, opts.from, opts.to) && !within(end, opts.from, opts.to)) return;
      effects.push({ maintenance: m, ...compare(list, [start - w, start], [end, end + w], w / HOUR) });
    });
    const pooled = effects.length
      ? combine(
          effects.reduce((s, e) => s + e.windowHours, 0) / effects.length,
          effects.reduce((s, e) => s + e.processedBefore, 0),
          effects.reduce((s, e) => s + e.defectiveBefore, 0),
          effects.reduce((s, e) => s + e.processedAfter, 0),
          effects.reduce((s, e) => s + e.defectiveAfter, 0),
        )
      : null;
    const defective = list.filter((r) => r.defective).length;
    out.push({
      equipment,
      processed: list.length,
      defective,
      defectRate: rate(defective, list.length),
      sinceMaintenance: buckets(
        list.map((r) => ({ hours: since(r, (m) => !isCalibration(m)), defective: r.defective })),
        edges,
      ),
      sinceCalibration: buckets(
        list.map((r) => ({ hours: since(r, isCalibration), defective: r.defective })),
        edges,
      ),
      maintenanceEvents: effects,
      pooled,
    });
  }
  return out;
}

export type GroupBy = 'LINE' | 'SHIFT' | 'OPERATOR' | 'MATERIAL_LOT' | 'RECIPE' | 'EQUIPMENT';
export type TimeBucket = 'DAY' | 'WEEK';

export interface QualityPoint {
  group: string;
  bucket: string;
  units: number;
  defective: number;
  firstPass: number;
  defectRate: number | null;
  firstPassYield: number | null;
}
export interface QualityGroup {
  group: string;
  units: number;
  defective: number;
  firstPass: number;
  defectRate: number | null;
  firstPassYield: number | null;
  series: QualityPoint[];
}
export interface DefectCount {
  code: string;
  count: number;
  share: number;
  cumulativeShare: number;
}
export interface QualityStats {
  units: number;
  defective: number;
  firstPass: number;
  defectRate: number | null;
  firstPassYield: number | null;
  groups: QualityGroup[];
  defectPareto: DefectCount[];
}

export function shiftOf(localMs: number): 'early' | 'late' | 'night' {
  const h = new Date(localMs).getUTCHours();
  return h >= 6 && h < 14 ? 'early' : h >= 14 && h < 22 ? 'late' : 'night';
}

/** The day (YYYY-MM-DD) or the Monday starting the ISO week, of a local time. */
export function bucketOf(localMs: number, bucket: TimeBucket): string {
  const d = new Date(localMs);
  if (bucket === 'WEEK') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

const NONE = '(none)';

function groupsOf(r: Processed, by: GroupBy, localMs: number): string[] {
  switch (by) {
    case 'LINE':
      return [r.op.station || NONE];
    case 'SHIFT':
      return [shiftOf(localMs)];
    case 'OPERATOR':
      return [r.op.operator ?? NONE];
    case 'RECIPE':
      return [r.op.recipe ?? NONE];
    case 'EQUIPMENT':
      return [r.op.equipment ?? NONE];
    case 'MATERIAL_LOT': {
      const lots = [...new Set(r.inputs.filter((i) => i.kind === 'lot').map((i) => i.item))];
      return lots.length ? lots : [NONE];
    }
  }
}

export interface QualityOptions extends Range {
  groupBy: GroupBy;
  bucket: TimeBucket;
  utcOffsetMinutes?: number;
  step?: string;
}

export function qualityStats(facts: QualityFacts, opts: QualityOptions): QualityStats {
  const offset = (opts.utcOffsetMinutes ?? 0) * 60_000;
  // Units made (not reworked) are the population: a reworked unit is counted once, where it was made.
  const units = processedItems(facts, opts).filter(
    (r) => r.kind === 'unit' && !r.rework && !Number.isNaN(r.time) && (!opts.step || r.op.step === opts.step),
  );
  const groups = new Map<string, Map<string, QualityPoint>>();
  for (const r of units) {
    const local = r.time + offset;
    const bucket = bucketOf(local, opts.bucket);
    for (const g of groupsOf(r, opts.groupBy, local)) {
      const series = groups.get(g) ?? new Map<string, QualityPoint>();
      groups.set(g, series);
      const p = series.get(bucket) ?? {
        group: g,
        bucket,
        units: 0,
        defective: 0,
        firstPass: 0,
        defectRate: null,
        firstPassYield: null,
      };
      series.set(bucket, p);
      p.units++;
      if (r.defective) p.defective++;
      if (r.firstPass) p.firstPass++;
    }
  }
  const outGroups: QualityGroup[] = [...groups]
    .map(([group, series]) => {
      const points = [...series.values()].sort((a, b) => a.bucket.localeCompare(b.bucket));
      for (const p of points) {
        p.defectRate = rate(p.defective, p.units);
        p.firstPassYield = rate(p.firstPass, p.units);
      }
      const total = (k: 'units' | 'defective' | 'firstPass') => points.reduce((s, p) => s + p[k], 0);
      const n = total('units');
      return {
        group,
        units: n,
        defective: total('defective'),
        firstPass: total('firstPass'),
        defectRate: rate(total('defective'), n),
        firstPassYield: rate(total('firstPass'), n),
        series: points,
      };
    })
    .sort((a, b) => a.group.localeCompare(b.group));

  const codes = new Map<string, number>();
  for (const r of units) for (const c of r.defects) codes.set(c, (codes.get(c) ?? 0) + 1);
  const totalDefects = [...codes.values()].reduce((s, n) => s + n, 0);
  let cumulative = 0;
  const defectPareto = [...codes]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([code, count]) => {
      cumulative += count;
      return { code, count, share: count / totalDefects, cumulativeShare: cumulative / totalDefects };
    });
  const defective = units.filter((r) => r.defective).length;
  const firstPass = units.filter((r) => r.firstPass).length;
  return {
    units: units.length,
    defective,
    firstPass,
    defectRate: rate(defective, units.length),
    firstPassYield: rate(firstPass, units.length),
    groups: outGroups,
    defectPareto,
  };
}
