/**
 * A deterministic synthetic plant: the canonical events of a factory that mixes supplier
 * material, splits and merges the mixes, builds sub-assemblies, assembles, inspects, reworks,
 * packs and ships. Used by tests, the demo and the benchmark, so it must be reproducible
 * (same units + seed -> same events, byte for byte) and stream (a 1,000,000-unit plant is
 * ~550,000 events; nothing here holds more than one mix worth of them).
 *
 * Shape, from `units` (U), tuned so that a 1,000,000-unit plant matches the one in
 * docs/performance.md (2,000 supplier lots, 20,000 mixes, 200,000 assembly operations, a supplier lot
 * reaching ~3,000 units forward):
 *
 *   supplier lots (6 materials) --mix--> mix lot --split--> 2..4 sub-lots --(merge)--> feed lots
 *   PCB + IC supplier lots --subassembly--> 10 sub-assembly units (SA-...) per operation
 *   feed lot + one sub-assembly --assembly--> 5 units (SN-...)
 *   unit --(inspection fail, more often the longer since its station's maintenance; rework: same
 *   unit in and out, inspection pass)-->
 *   20 units -> CASE, 20 cases -> PAL, 2 pallets (or 3 loose cases) -> SHP to a CUST
 *
 * Every supplier lot of a material is consumed by a contiguous window of consumers (a lot is
 * used until it runs out), and a consumer that straddles the end of one lot takes from the next
 * one too, as on a real line. Window size sets how far a supplier lot reaches.
 */
import type { CanonicalEventInput } from '../../core/events.ts';
import { seededRandom } from '../../core/random.ts';

export interface PlantOptions {
  units: number;
  seed?: number;
}

/** Distributes Omit over the union, so `kind` still narrows the remaining fields. */
type Body<E> = E extends unknown ? Omit<E, 'eventId' | 'eventTime'> : never;
type EventBody = Body<CanonicalEventInput>;

const UNITS_PER_ASSEMBLY = 5;
const SUBASSEMBLIES_PER_OP = 10;
const UNITS_PER_MIX = 50;
/** Units one supplier lot ends up in: 1,000,000 / 3,000 * 6 materials ~ 2,000 lots. */
const UNITS_PER_SUPPLIER_LOT = 3000;
const UNITS_PER_CASE = 20;
const CASES_PER_PALLET = 20;
const PALLETS_PER_SHIPMENT = 2;
const LOOSE_CASES_PER_SHIPMENT = 3;
const LOOSE_CASE_RATE = 0.05;
/**
 * Assembly stations wear: each gets maintenance after this many of its operations, and its units
 * fail end-of-line test more often the longer since (from ASM_FAIL_FRESH to ASM_FAIL_FRESH +
 * ASM_FAIL_WORN, quadratic in operations since; ~3.9% on average), so the equipment analytics
 * have a real signal to find.
 */
const ASM_MAINTENANCE_EVERY = 20;
const ASM_MAINTENANCE_MS = 10 * 60_000;
const ASM_FAIL_FRESH = 0.005;
const ASM_FAIL_WORN = 0.11;
const SAMPLE_INSPECTION_RATE = 0.1;
const MERGE_RATE = 0.2;
const KG_PER_UNIT = 0.25;
const START = Date.UTC(2026, 0, 1);

interface Material {
  code: string;
  uom: string;
  suppliers: readonly [string, string];
}
const MIX_MATERIALS: readonly Material[] = [
  { code: 'RESIN', uom: 'kg', suppliers: ['Acme Resins', 'Borealis Polymers'] },
  { code: 'HARDENER', uom: 'kg', suppliers: ['Acme Resins', 'Chemtura'] },
  { code: 'FILLER', uom: 'kg', suppliers: ['Silica Works', 'Quarzwerke'] },
  { code: 'PIGMENT', uom: 'kg', suppliers: ['Colorant AG', 'Huntsman'] },
];
const SUBASSEMBLY_MATERIALS: readonly Material[] = [
  { code: 'PCB', uom: 'ea', suppliers: ['Shenzhen Boards', 'Eurocircuits'] },
  { code: 'IC', uom: 'ea', suppliers: ['Microchip', 'STMicro'] },
];
const DEFECTS = ['D-SEAL', 'D-SOLDER', 'D-SCRATCH', 'D-TORQUE'] as const;

export interface PlantShape {
  units: number;
  supplierLots: number;
  lotsPerMaterial: number;
  materials: number;
  mixes: number;
  assemblyOps: number;
  subassemblies: number;
  subassemblyOps: number;
  cases: number;
  customers: number;
}

/** The counts that follow from `units` alone (splits, merges and rework are drawn at random). */
export function plantShape(units: number): PlantShape {
  if (!Number.isInteger(units) || units < 1) throw new RangeError(`units must be a positive integer, got ${units}`);
  const lotsPerMaterial = Math.max(3, Math.round(units / UNITS_PER_SUPPLIER_LOT));
  const materials = MIX_MATERIALS.length + SUBASSEMBLY_MATERIALS.length;
  const assemblyOps = Math.ceil(units / UNITS_PER_ASSEMBLY);
  return {
    units,
    supplierLots: lotsPerMaterial * materials,
    lotsPerMaterial,
    materials,
    mixes: Math.max(4, Math.round(units / UNITS_PER_MIX)),
    assemblyOps,
    subassemblies: assemblyOps,
    subassemblyOps: Math.ceil(assemblyOps / SUBASSEMBLIES_PER_OP),
    cases: Math.ceil(units / UNITS_PER_CASE),
    customers: Math.min(50, Math.max(3, Math.round(units / 20000))),
  };
}

const ZEROS = '0000000000';
/** Zero-padded decimal; cheaper than padStart, and it runs several times per event. */
const pad = (n: number, width: number) => {
  const s = String(n);
  return s.length >= width ? s : ZEROS.slice(0, width - s.length) + s;
};

/**
 * `2026-01-01T08:00:05Z` for a whole-second UTC time. Date#toISOString costs ~1.5 µs here, most
 * of generating an event; the clock only moves forward, so the date part is cached per day.
 */
let cachedDay = NaN;
let cachedPrefix = '';
function isoSeconds(ms: number): string {
  const day = Math.floor(ms / 86_400_000) * 86_400_000;
  if (day !== cachedDay) {
    cachedDay = day;
    cachedPrefix = new Date(day).toISOString().slice(0, 11);
  }
  const s = Math.floor((ms - day) / 1000);
  return `${cachedPrefix}${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}Z`;
}

/**
 * Lot indexes consumer `j` of `consumers` takes from a material with `lots` lots: its share of the
 * material is [j, j+1) * lots/consumers, so it takes every lot that interval touches.
 */
function lotWindow(j: number, consumers: number, lots: number): number[] {
  const from = Math.floor((j * lots) / consumers);
  const to = Math.min(lots - 1, Math.ceil(((j + 1) * lots) / consumers) - 1);
  const out: number[] = [];
  for (let i = from; i <= Math.max(from, to); i++) out.push(i);
  return out;
}

export function* generatePlant(opts: PlantOptions): Generator<CanonicalEventInput> {
  const shape = plantShape(opts.units);
  const U = shape.units;
  const rng = seededRandom(opts.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

  // Events are buffered per step and yielded between steps; eventTime only ever moves forward.
  const buf: CanonicalEventInput[] = [];
  let seq = 0;
  let clock = START;
  const now = () => isoSeconds(clock);
  const emit = (body: EventBody): void => {
    // Fills in the fresh literal rather than copying it: a copy per event was a third of the time.
    const e = body as CanonicalEventInput;
    e.eventId = `seed-${++seq}`;
    e.eventTime = now();
    buf.push(e);
    clock += 1000 * (1 + Math.floor(rng() * 29));
  };
  const shift = () => Math.floor((clock - START) / 28_800_000) % 3; // three 8-hour shifts
  const operator = (station: number) => `OPR-${pad(shift() * 8 + (station % 8) + 1, 3)}`;

  // Supplier lots are received the first time a consumer needs them, and named in that order.
  const lotIds = new Map<string, string>();
  let receivedLots = 0;
  const supplierLot = (m: Material, index: number): string => {
    const key = `${m.code}/${index}`;
    let id = lotIds.get(key);
    if (!id) {
      id = `LOT-R-${pad(++receivedLots, 6)}`;
      lotIds.set(key, id);
      const supplier = m.suppliers[index % 2]!;
      emit({
        kind: 'receive',
        lot: id,
        material: m.code,
        qty: m.uom === 'kg' ? 1000 : 5000,
        uom: m.uom,
        supplier,
        supplierLot: `${supplier.slice(0, 3).toUpperCase()}-${pad(index + 1, 5)}`,
      });
    }
    return id;
  };
  const consume = (m: Material, j: number, consumers: number, total: number) => {
    const window = lotWindow(j, consumers, shape.lotsPerMaterial);
    return window.map((i) => ({ id: supplierLot(m, i), qty: +(total / window.length).toFixed(3), uom: m.uom }));
  };

  let opSeq = 0;
  const opId = () => `OP-${pad(++opSeq, 7)}`;
  let subLotSeq = 0;
  let mergeSeq = 0;
  let saSeq = 0;
  let serial = 0;
  const saPool: string[] = [];

  // Sub-assembly operations run just in time: one whenever assembly has used up the last batch.
  let saOps = 0;
  const subassemble = () => {
    const k = saOps++;
    const n = Math.min(SUBASSEMBLIES_PER_OP, shape.subassemblies - saSeq);
    const outputs = Array.from({ length: n }, () => ({ id: `SA-${pad(++saSeq, 7)}`, type: 'unit' as const, qty: 1, uom: 'ea' }));
    const inputs = SUBASSEMBLY_MATERIALS.flatMap((m) => consume(m, k, shape.subassemblyOps, n));
    emit({
      kind: 'operation',
      operationId: opId(),
      step: 'subassembly',
      station: `SMT-${(k % 2) + 1}`,
      equipmentId: `SMT-${(k % 2) + 1}`,
      operatorId: operator(k % 2),
      recipeId: 'RCP-SA-1',
      inputs,
      outputs,
    });
    saPool.push(...outputs.map((o) => o.id));
  };

  // Packing and shipping: cases fill up from finished units, pallets from cases.
  let caseSeq = 0;
  let palletSeq = 0;
  let shipSeq = 0;
  let openCase: string[] = [];
  let openPallet: string[] = [];
  let loose: string[] = [];
  let dock: string[] = [];
  const customers = Array.from({ length: shape.customers }, (_, i) => `CUST-${pad(i + 1, 2)}`);
  const ship = (items: string[], qty: number) =>
    emit({ kind: 'ship', shipmentId: `SHP-${pad(++shipSeq, 6)}`, items, customer: pick(customers), qty });
  const closePallet = () => {
    if (openPallet.length === 0) return;
    const pallet = `PAL-${pad(++palletSeq, 6)}`;
    emit({ kind: 'pack', parent: pallet, children: openPallet, action: 'add' });
    openPallet = [];
    dock.push(pallet);
  };
  const closeCase = () => {
    if (openCase.length === 0) return;
    const box = `CASE-${pad(++caseSeq, 6)}`;
    emit({ kind: 'pack', parent: box, children: openCase, action: 'add' });
    openCase = [];
    // A few cases go out loose (small orders) instead of on a pallet.
    if (rng() < LOOSE_CASE_RATE) loose.push(box);
    else if (openPallet.push(box) === CASES_PER_PALLET) closePallet();
  };
  const dispatch = (force: boolean) => {
    if (dock.length >= PALLETS_PER_SHIPMENT || (force && dock.length > 0)) {
      ship(dock, dock.length * CASES_PER_PALLET * UNITS_PER_CASE);
      dock = [];
    }
    if (loose.length >= LOOSE_CASES_PER_SHIPMENT || (force && loose.length > 0)) {
      ship(loose, loose.length * UNITS_PER_CASE);
      loose = [];
    }
  };

  const finish = (unit: string, wo: string, failRate: number) => {
    const r = rng();
    if (r < failRate) {
      // Fails end-of-line test, is reworked (the same unit in and out: a loop), then passes.
      emit({
        kind: 'inspection',
        id: unit,
        result: 'fail',
        station: 'EOL-1',
        defects: [pick(DEFECTS)],
        measurements: [{ name: 'leak_rate', value: +(2 + rng() * 3).toFixed(2), uom: 'Pa.m3/s' }],
        inspectorId: operator(5),
      });
      emit({
        kind: 'operation',
        operationId: opId(),
        step: 'rework',
        station: 'RWK-1',
        equipmentId: 'RWK-1',
        operatorId: operator(6),
        workOrder: wo,
        inputs: [{ id: unit, qty: 1, uom: 'ea' }],
        outputs: [{ id: unit, type: 'unit', qty: 1, uom: 'ea' }],
        result: 'pass',
      });
      emit({ kind: 'inspection', id: unit, result: 'pass', station: 'EOL-1', inspectorId: operator(5) });
    } else if (r < failRate + SAMPLE_INSPECTION_RATE) {
      emit({
        kind: 'inspection',
        id: unit,
        result: 'pass',
        station: 'EOL-1',
        measurements: [{ name: 'leak_rate', value: +(rng() * 1.5).toFixed(2), uom: 'Pa.m3/s' }],
        inspectorId: operator(5),
      });
    }
    if (openCase.push(unit) === UNITS_PER_CASE) closeCase();
    dispatch(false);
  };

  /** Assembly operations per station since its last maintenance, staggered so that stations are not serviced together. */
  const asmSince = [0, 1, 2, 3].map((s) => (s * ASM_MAINTENANCE_EVERY) / 4);
  let pendingMerge: string | undefined;
  for (let j = 0; j < shape.mixes; j++) {
    const mixer = `MIXER-${(j % 3) + 1}`;
    const mixLot = `LOT-M-${pad(j + 1, 6)}`;
    const opsFrom = Math.floor((j * shape.assemblyOps) / shape.mixes);
    const opsTo = Math.floor(((j + 1) * shape.assemblyOps) / shape.mixes);
    const mixKg = Math.max(1, (opsTo - opsFrom) * UNITS_PER_ASSEMBLY) * KG_PER_UNIT * 1.04;
    const inputs = MIX_MATERIALS.flatMap((m, i) => consume(m, j, shape.mixes, +(mixKg * [0.55, 0.2, 0.2, 0.05][i]!).toFixed(3)));
    if (j % 500 === 0) {
      const startTime = new Date(clock - 3_600_000).toISOString(); // an hour's calibration, just finished
      emit({ kind: 'maintenance', equipmentId: mixer, type: 'calibration', startTime, endTime: now(), result: 'ok' });
    }
    // The temperature is read while the mix runs (between its start and its end).
    const mixStart = now();
    emit({ kind: 'reading', equipmentId: mixer, parameter: 'temperature', value: +(60 + rng() * 5).toFixed(2), uom: 'Cel' });
    emit({
      kind: 'operation',
      operationId: opId(),
      step: 'mix',
      station: `MIX-${(j % 3) + 1}`,
      workOrder: `WO-M-${pad(Math.floor(j / 100) + 1, 5)}`,
      equipmentId: mixer,
      operatorId: operator(j % 3),
      recipeId: 'RCP-MIX-A',
      startTime: mixStart,
      inputs,
      outputs: [{ id: mixLot, type: 'lot', qty: +mixKg.toFixed(3), uom: 'kg' }],
    });
    emit({
      kind: 'inspection',
      id: mixLot,
      result: 'pass',
      station: 'QC-LAB',
      measurements: [{ name: 'viscosity', value: +(1200 + rng() * 200).toFixed(1), uom: 'mPa.s' }],
    });

    // Split the mix into 2..4 sub-lots (totes that go to different lines).
    const parts = 2 + Math.floor(rng() * 3);
    const subLots = Array.from({ length: parts }, () => `LOT-S-${pad(++subLotSeq, 6)}`);
    emit({
      kind: 'operation',
      operationId: opId(),
      step: 'split',
      station: 'SPLIT-1',
      operatorId: operator(3),
      inputs: [{ id: mixLot, qty: +mixKg.toFixed(3), uom: 'kg' }],
      outputs: subLots.map((id) => ({ id, type: 'lot' as const, qty: +(mixKg / parts).toFixed(3), uom: 'kg' })),
    });

    // Merge the tote held back from the previous mix with this mix's first one.
    const feeds: string[] = [];
    let rest = subLots;
    if (pendingMerge) {
      const merged = `LOT-G-${pad(++mergeSeq, 6)}`;
      emit({
        kind: 'operation',
        operationId: opId(),
        step: 'merge',
        station: 'MERGE-1',
        operatorId: operator(4),
        inputs: [
          { id: pendingMerge, uom: 'kg' },
          { id: subLots[0]!, uom: 'kg' },
        ],
        outputs: [{ id: merged, type: 'lot', uom: 'kg' }],
      });
      feeds.push(merged);
      rest = subLots.slice(1);
      pendingMerge = undefined;
    }
    // Hold one tote back for merging (always after the first mix, so small plants have a merge).
    if (j < shape.mixes - 1 && rest.length >= 2 && (j === 0 || rng() < MERGE_RATE)) pendingMerge = rest[rest.length - 1];
    feeds.push(...rest.filter((id) => id !== pendingMerge));

    // Assembly: this mix's share of assembly operations, spread over its feed lots in order.
    const count = opsTo - opsFrom;
    for (let i = opsFrom; i < opsTo; i++) {
      if (saPool.length === 0) subassemble();
      const feed = feeds[Math.floor(((i - opsFrom) * feeds.length) / count)]!;
      const station = i % 4;
      if (asmSince[station]! >= ASM_MAINTENANCE_EVERY) {
        const startTime = now();
        clock += ASM_MAINTENANCE_MS;
        emit({
          kind: 'maintenance',
          equipmentId: `ASM-${station + 1}`,
          type: 'maintenance',
          startTime,
          endTime: now(),
          result: 'ok',
        });
        asmSince[station] = 0;
      }
      const worn = asmSince[station]! / ASM_MAINTENANCE_EVERY;
      const failRate = ASM_FAIL_FRESH + ASM_FAIL_WORN * worn * worn;
      asmSince[station]!++;
      const n = Math.min(UNITS_PER_ASSEMBLY, U - serial);
      const wo = `WO-${pad(Math.floor(serial / 1000) + 1, 5)}`;
      const units: string[] = [];
      const outputs: { id: string; type: 'unit'; qty: number; uom: string }[] = [];
      for (let u = 0; u < n; u++) {
        const id = `SN-${pad(++serial, 7)}`;
        units.push(id);
        outputs.push({ id, type: 'unit', qty: 1, uom: 'ea' });
      }
      emit({
        kind: 'operation',
        operationId: opId(),
        step: 'assembly',
        station: `ASM-${(i % 4) + 1}`,
        workOrder: wo,
        equipmentId: `ASM-${(i % 4) + 1}`,
        operatorId: operator(i % 4),
        // The assembly recipe moves to its second version halfway through the run.
        recipeId: i < shape.assemblyOps / 2 ? 'RCP-ASM-1' : 'RCP-ASM-2',
        inputs: [
          { id: feed, qty: +(n * KG_PER_UNIT).toFixed(3), uom: 'kg' },
          { id: saPool.shift()!, qty: 1, uom: 'ea' },
        ],
        outputs,
        result: 'pass',
      });
      for (const unit of units) finish(unit, wo, failRate);
    }
    yield* buf;
    buf.length = 0;
  }
  // End of the run: close what is open and ship everything.
  closeCase();
  closePallet();
  dispatch(true);
  yield* buf;
}

const spread = <T>(xs: readonly T[], k: number): T[] => {
  // k evenly spaced picks from the middle 80%, away from the start-up and run-out edges.
  if (xs.length <= k) return [...xs];
  const lo = Math.floor(xs.length * 0.1);
  const span = Math.max(k, Math.floor(xs.length * 0.8));
  return Array.from({ length: k }, (_, i) => xs[Math.min(xs.length - 1, lo + Math.floor(((i + 0.5) * span) / k))]!);
};

/** k supplier lots that were consumed (so they reach units), evenly spread over the run. */
export function typicalSupplierLots(opts: PlantOptions, k: number): string[] {
  const received: string[] = [];
  const used = new Set<string>();
  for (const e of generatePlant(opts)) {
    if (e.kind === 'receive') received.push(e.lot);
    else if (e.kind === 'operation') for (const i of e.inputs) if (i.id.startsWith('LOT-R-')) used.add(i.id);
  }
  return spread(
    received.filter((id) => used.has(id)),
    k,
  );
}

/** k finished units (not sub-assemblies) that were shipped, evenly spread over the run. */
export function typicalUnits(opts: PlantOptions, k: number): string[] {
  const candidates = spread(
    Array.from({ length: opts.units }, (_, i) => i + 1),
    k,
  ).map((n) => `SN-${pad(n, 7)}`);
  // Follow each candidate up its containers (unit -> case -> pallet) to a shipment.
  const holder = new Map<string, string>();
  const shipped = new Set<string>();
  const watched = new Set(candidates);
  for (const e of generatePlant(opts)) {
    if (e.kind === 'pack') {
      for (const c of e.children)
        if (watched.has(c)) {
          holder.set(c, e.parent);
          watched.add(e.parent);
        }
    } else if (e.kind === 'ship') for (const i of e.items) shipped.add(i);
  }
  const top = (id: string): string => {
    for (let h = holder.get(id); h; h = holder.get(id)) id = h;
    return id;
  };
  return candidates.filter((id) => shipped.has(top(id)));
}
