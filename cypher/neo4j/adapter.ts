/**
 * The Neo4j GraphStore (5.26 LTS) through neo4j-driver. A batch is one managed write
 * transaction (the driver retries it on transient errors), so nothing is reported as applied
 * that was not committed. Traces are Cypher expansions that the planner runs breadth-first with
 * pruning; a test EXPLAINs them so that no rewrite can fall back to path enumeration.
 */
import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';
import type { CanonicalEvent } from '../../core/events.ts';
import type { Neo4jConfig } from '../../core/config.ts';
import { TracegraphError } from '../../core/errors.ts';
import { planBatch, type Stored } from '../batch.ts';
import type { Projection } from '../projection.ts';
import type {
  ApplyResult,
  FlowQuantity,
  GraphStore,
  ItemRecord,
  ItemStatusFacts,
  MassBalance,
  NeighbourFacts,
  QualityFacts,
  ReadingFacts,
  RecallCriteria,
  RecallRecord,
  RecallScopeResult,
  StoreStats,
  TraceQuantities,
  TraceResult,
} from '../port.ts';
import { computeRecallScope, flowsInTrace, newRecallRecord, parseRecallRow, shipmentUnits, traceEventItems } from '../recall.ts';
import type { OpFacts, RecallFacts } from '../recall.ts';
import { balance } from '../mass-balance.ts';
import type { HoldFilter, HoldRecord, PlaceHold, ReleaseHold } from '../port.ts';
import { holdFromRow, holdItems, holdNotReleasable, unknownItems } from '../holds.ts';
import type { AlarmFilter, AlarmRecord, ClearAlarm, NewSpec, SpecFilter, SpecRecord } from '../port.ts';
import { alarmFromRow, alarmLimit, alarmParams, selectSpecs, specFromRow, specKey, specParams } from '../specs-alarms.ts';
import {
  flowFacts,
  inspectionFacts,
  itemFacts,
  maintenanceFacts,
  neighbourFacts,
  packFacts,
  readingFacts,
  shipmentFacts,
  statusFacts,
  uniqueBy,
  uniqueOperations,
  type RawRow,
} from '../history-rows.ts';
import { query, statements } from '../queries.ts';
import { PROFILE, profile } from '../profile.ts';

export type Neo4jOptions = Neo4jConfig;

type Params = Record<string, unknown>;

const NAMED = ['Party', 'WorkOrder', 'Equipment', 'Operator', 'Recipe'] as const;
const LINKS: [keyof Projection, string, string, string][] = [
  ['shipTo', 'Shipment', 'TO', 'Party'],
  ['suppliedBy', 'Item', 'SUPPLIED_BY', 'Party'],
  ['opFor', 'Operation', 'FOR', 'WorkOrder'],
  ['opOn', 'Operation', 'ON', 'Equipment'],
  ['opBy', 'Operation', 'BY', 'Operator'],
  ['opFollows', 'Operation', 'FOLLOWS', 'Recipe'],
];

/** Rows are sent in slices so that one huge batch does not become one huge Bolt message. */
const SLICE = 5_000;

export class Neo4jStore implements GraphStore {
  readonly backend = 'neo4j' as const;
  private readonly database: string;
  private readonly timeoutMs: number;

  private constructor(
    private readonly driver: Driver,
    private readonly opts: Neo4jOptions,
  ) {
    this.database = opts.database ?? 'neo4j';
    this.timeoutMs = opts.timeoutMs ?? 60_000;
  }

  static async open(opts: Neo4jOptions): Promise<Neo4jStore> {
    const auth = opts.password !== undefined ? neo4j.auth.basic(opts.user ?? 'neo4j', opts.password) : undefined;
    let driver: Driver;
    try {
      driver = neo4j.driver(opts.uri, auth, {
        maxConnectionPoolSize: opts.maxPoolSize ?? 50,
        connectionAcquisitionTimeout: opts.timeoutMs ?? 60_000,
        maxTransactionRetryTime: opts.timeoutMs ?? 60_000,
        disableLosslessIntegers: true,
        logging: { level: 'error', logger: () => undefined },
      });
    } catch (e) {
      throw new TracegraphError('CONFIG', `TRACEGRAPH_NEO4J_URI ${opts.uri} is not a Neo4j URI (${(e as Error).message})`, {
        cause: e,
      });
    }
    try {
      await driver.verifyConnectivity({ database: opts.database ?? 'neo4j' });
    } catch (e) {
      await driver.close();
      const code = (e as { code?: string }).code ?? '';
      if (code.includes('Unauthorized') || code.includes('Security'))
        throw new TracegraphError(
          'STORE_AUTH',
          `Neo4j at ${opts.uri} refused the credentials (check TRACEGRAPH_NEO4J_USER / TRACEGRAPH_NEO4J_PASSWORD)`,
          { cause: e },
        );
      throw new TracegraphError(
        'STORE_UNAVAILABLE',
        `cannot reach Neo4j at ${opts.uri}: ${(e as Error).message.split('\n')[0]}`,
        {
          cause: e,
        },
      );
    }
    const store = new Neo4jStore(driver, opts);
    const s = store.session('WRITE');
    try {
      for (const text of statements('neo4j', 'schema')) await s.run(text);
    } catch (e) {
      await driver.close();
      throw wrapError(e, opts.uri);
    } finally {
      await s.close();
    }
    return store;
  }

  private session(mode: 'READ' | 'WRITE' = 'WRITE') {
    return this.driver.session({
      database: this.database,
      defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
    });
  }

  /** One managed transaction (the driver retries it on transient errors), errors made readable. */
  private async tx<T>(mode: 'READ' | 'WRITE', work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    const s = this.session(mode);
    try {
      return await (mode === 'READ'
        ? s.executeRead(work, { timeout: this.timeoutMs })
        : s.executeWrite(work, { timeout: this.timeoutMs }));
    } catch (e) {
      throw wrapError(e, this.opts.uri);
    } finally {
      await s.close();
    }
  }

  async applyEvents(events: readonly CanonicalEvent[]): Promise<ApplyResult> {
    if (events.length === 0) return { applied: 0, duplicates: 0, voided: 0 };
    // The lookup and the writes share one transaction: a concurrent writer of the same eventId
    // makes one of the two fail on the Event constraint and retry, seeing the other's event.
    return this.tx('WRITE', async (tx) => {
      const ids = [...new Set(events.map((e) => e.eventId))];
      const found = await tx.run(query('neo4j', 'find-events'), { ids });
      const stored = new Map<string, Stored>(
        found.records.map((r) => [
          r.get('id') as string,
          { voided: Boolean(r.get('voided')), payload: r.get('payload') as string },
        ]),
      );
      const plan = planBatch(events, stored);
      await writeProjection(tx, plan.projection);
      for (const v of plan.voids)
        for (const s of statements('neo4j', 'void-event')) await tx.run(s, { id: v.eventId, payload: v.payload });
      return { applied: plan.projection.events.length, duplicates: plan.duplicates, voided: plan.voided };
    });
  }

  traceForward(ids: readonly string[]): Promise<TraceResult> {
    return this.trace(ids, 'forward');
  }

  traceBackward(ids: readonly string[]): Promise<TraceResult> {
    return this.trace(ids, 'backward');
  }

  private trace(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceResult> {
    return this.tx('READ', async (tx) => {
      const res = await tx.run(query('neo4j', direction === 'forward' ? 'trace-forward' : 'trace-backward'), { ids: [...ids] });
      const out: TraceResult = { lots: [], units: [], containers: [], shipments: [], customers: [] };
      const reached: string[] = [];
      for (const r of res.records) {
        const id = r.get('id') as string;
        reached.push(id);
        (r.get('container') ? out.containers : r.get('kind') === 'unit' ? out.units : out.lots).push(id);
      }
      if (direction === 'forward') {
        const shipped = await tx.run(query('neo4j', 'trace-shipments'), { ids: [...new Set([...ids, ...reached])] });
        out.shipments = [...new Set(shipped.records.map((r) => r.get('shipment') as string))];
        out.customers = [
          ...new Set(shipped.records.map((r) => r.get('customer') as string | null).filter((c): c is string => !!c)),
        ];
      }
      for (const k of Object.keys(out) as (keyof TraceResult)[]) out[k].sort();
      return out;
    });
  }

  /** The plan Neo4j would use for a trace query (for the no-path-enumeration test). */
  async explainTrace(direction: 'forward' | 'backward'): Promise<string[]> {
    const s = this.session('READ');
    try {
      const res = await s.run('EXPLAIN ' + query('neo4j', direction === 'forward' ? 'trace-forward' : 'trace-backward'), {
        ids: ['x'],
      });
      const ops: string[] = [];
      const walk = (p: { operatorType: string; children: unknown[] } | false | undefined) => {
        if (!p) return;
        ops.push(p.operatorType);
        for (const c of p.children) walk(c as { operatorType: string; children: unknown[] });
      };
      walk(res.summary.plan as { operatorType: string; children: unknown[] } | false);
      return ops;
    } finally {
      await s.close();
    }
  }

  // ---- Recall scope, quantities, mass balance, trace events (issue 4 item 1, issue 7 item 6) ----

  private async rows(text: string, params: Params = {}): Promise<Record<string, unknown>[]> {
    return this.tx('READ', async (tx) =>
      (await tx.run(text, params)).records.map((r) => r.toObject() as Record<string, unknown>),
    );
  }

  private async shipmentsOfItems(
    items: readonly string[],
  ): Promise<Map<string, { shipment: string; customer: string | null }[]>> {
    const m = new Map<string, { shipment: string; customer: string | null }[]>(items.map((id) => [id, []]));
    for (const r of await this.rows(query('neo4j', 'recall-shipments'), { ids: [...items] }))
      m.get(r.item as string)!.push({ shipment: r.shipment as string, customer: (r.customer as string | null) ?? null });
    return m;
  }

  private recallFacts(): RecallFacts {
    const facts = (r: Record<string, unknown>): OpFacts => {
      const end = Date.parse(r.endTime as string);
      return {
        id: r.id as string,
        step: r.step as string,
        station: r.station as string,
        start: r.startTime ? Date.parse(r.startTime as string) : end,
        end,
        equipment: (r.equipment as string | null | undefined) ?? null,
        operator: (r.operator as string | null | undefined) ?? null,
        recipe: (r.recipe as string | null | undefined) ?? null,
      };
    };
    return {
      traceForward: (ids) => this.traceForward(ids),
      kinds: async (items) => {
        const m = new Map<string, 'lot' | 'unit' | 'container'>();
        for (const r of await this.rows(query('neo4j', 'recall-kinds'), { ids: [...items] }))
          m.set(r.id as string, r.container ? 'container' : r.kind === 'unit' ? 'unit' : 'lot');
        return m;
      },
      lotsOfMaterial: async (material) =>
        (await this.rows(query('neo4j', 'recall-material'), { material })).map((r) => r.id as string),
      operationsBy: async (who) => {
        const [rel, label, id] =
          who.equipment !== undefined ? ['ON', 'Equipment', who.equipment] : ['BY', 'Operator', who.operator!];
        return (await this.rows(query('neo4j', 'recall-operations-by', { Rel: rel, Label: label }), { id })).map(facts);
      },
      outputsOf: async (ops) => (await this.rows(query('neo4j', 'recall-outputs'), { ids: [...ops] })).map((r) => r.id as string),
      readings: async (equipment, name) =>
        (await this.rows(query('neo4j', 'recall-readings'), { equipment: equipment ?? '', name })).map((r) => ({
          equipment: r.equipment as string,
          value: Number(r.value),
          time: Date.parse(r.time as string),
        })),
      failedWith: async (code) => (await this.rows(query('neo4j', 'recall-defect'), { code })).map((r) => r.id as string),
      producers: async (units) => {
        const m = new Map<string, OpFacts>();
        for (const r of await this.rows(query('neo4j', 'recall-producers'), { ids: [...units] })) {
          const op = facts(r);
          const prev = m.get(r.unit as string);
          if (!prev || op.end > prev.end) m.set(r.unit as string, op);
        }
        return m;
      },
      unitsMadeAt: async (station, from, to) =>
        (await this.rows(query('neo4j', 'recall-made-at'), { station }))
          .map((r) => ({ op: facts(r), units: r.units as string[] }))
          .filter(({ op }) => op.end >= from && op.end <= to),
      shipmentsOf: (items) => this.shipmentsOfItems(items),
    };
  }

  recallScope(criteria: RecallCriteria): Promise<RecallScopeResult> {
    return computeRecallScope(this.recallFacts(), criteria);
  }

  async traceQuantities(ids: readonly string[], direction: 'forward' | 'backward'): Promise<TraceQuantities> {
    const t = await this.trace(ids, direction);
    const inTrace = new Set([...ids, ...t.lots, ...t.units, ...t.containers]);
    const rows = (await this.rows(query('neo4j', `recall-flows-${direction}`), { ids: [...inTrace] })).map((r): FlowQuantity => ({
      from: r.from as string,
      operation: r.operation as string,
      to: r.to as string,
      qty: (r.qty as number | null) ?? null,
      uom: (r.uom as string | null) ?? null,
      outQty: (r.outQty as number | null) ?? null,
      outUom: (r.outUom as string | null) ?? null,
    }));
    let shipments: TraceQuantities['shipments'] = [];
    if (direction === 'forward') {
      const kinds = await this.recallFacts().kinds([...ids, ...t.units]);
      shipments = shipmentUnits(await this.shipmentsOfItems([...kinds].filter(([, k]) => k === 'unit').map(([id]) => id)));
    }
    return { flows: flowsInTrace(rows, inTrace, direction), shipments };
  }

  async traceEvents(ids: readonly string[], direction: 'forward' | 'backward'): Promise<string[]> {
    const t = await this.trace(ids, direction);
    const items = await traceEventItems(ids, t, direction, async (all) =>
      (await this.rows(query('neo4j', 'recall-containers'), { ids: all })).map((r) => r.id as string),
    );
    return (await this.rows(query('neo4j', 'trace-events'), { ids: [...items] })).map((r) => r.id as string).sort();
  }

  async massBalance(lots: readonly string[]): Promise<MassBalance[]> {
    const rows = await this.rows(query('neo4j', 'mass-balance'), { ids: [...lots] });
    const byId = new Map(rows.map((r) => [r.id as string, r]));
    type Flow = { qty: number | null; uom: string | null; op: string | null };
    const flows = (v: unknown) =>
      (v as Flow[])
        .filter((f): f is Flow & { op: string } => f.op !== null)
        .map((f) => ({ qty: f.qty ?? null, uom: f.uom ?? null, op: f.op }));
    return lots.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      return [
        balance({
          id,
          received: r.receiveKey ? { qty: Number(r.qty), uom: r.uom as string } : null,
          produced: flows(r.produced),
          consumed: flows(r.consumed),
        }),
      ];
    });
  }

  async saveRecall(recall: Omit<RecallRecord, 'id' | 'createdAt'>): Promise<RecallRecord> {
    const r = newRecallRecord(recall);
    await this.tx('WRITE', (tx) =>
      tx.run(query('neo4j', 'recall-save'), { ...r, criteria: JSON.stringify(r.criteria), counts: JSON.stringify(r.counts) }),
    );
    return r;
  }

  async listRecalls(): Promise<RecallRecord[]> {
    return (await this.rows(query('neo4j', 'recall-list'))).map(parseRecallRow);
  }
  // ---- end of recall block ----
  // --- holds ---
  async placeHold(req: PlaceHold): Promise<HoldRecord> {
    const items = await holdItems(this, req);
    await this.tx('WRITE', async (tx) => {
      const known = new Set<string>();
      for (let i = 0; i < items.length; i += SLICE) {
        const res = await tx.run(query('neo4j', 'hold-known-items'), { ids: items.slice(i, i + SLICE) });
        for (const r of res.records) known.add(r.get('id') as string);
      }
      const missing = items.filter((id) => !known.has(id));
      if (missing.length) throw unknownItems(missing);
      await tx.run(query('neo4j', 'hold-create'), { id: req.id, reason: req.reason, by: req.by, at: req.at });
      for (let i = 0; i < items.length; i += SLICE)
        await tx.run(query('neo4j', 'hold-link'), { id: req.id, items: items.slice(i, i + SLICE) });
    });
    return (await this.holds({ id: req.id }))[0]!;
  }

  async releaseHold(req: ReleaseHold): Promise<HoldRecord> {
    const released = await this.tx('WRITE', async (tx) => {
      const res = await tx.run(query('neo4j', 'hold-release'), { id: req.id, by: req.by, at: req.at, meaning: req.meaning });
      return res.records.length > 0;
    });
    const [found] = await this.holds({ id: req.id });
    if (!released) throw holdNotReleasable(req.id, found);
    return found!;
  }

  holds(filter: HoldFilter = {}): Promise<HoldRecord[]> {
    return this.tx('READ', async (tx) => {
      const res = await tx.run(query('neo4j', 'hold-list'), {
        id: filter.id ?? null,
        status: filter.status ?? null,
        item: filter.item ?? null,
      });
      return res.records.map((r) => holdFromRow((k) => r.get(k)));
    });
  }
  // --- end holds ---
  // --- specs and alarms ---
  async saveSpec(spec: NewSpec): Promise<SpecRecord> {
    // Read and write in one transaction; a concurrent change of the same key that takes the same
    // version fails on the spec_id constraint instead of overwriting.
    return this.tx('WRITE', async (tx) => {
      const res = await tx.run(query('neo4j', 'spec-version'), { key: specKey(spec) });
      const saved: SpecRecord = { ...spec, version: Number(res.records[0]?.get('version') ?? 0) + 1 };
      await tx.run(query('neo4j', 'spec-create'), { ...specParams(saved), version: neo4j.int(saved.version) });
      return saved;
    });
  }

  async specs(filter: SpecFilter = {}): Promise<SpecRecord[]> {
    const rows = await this.rows(query('neo4j', 'spec-list'));
    return selectSpecs(
      rows.map((r) => specFromRow((k) => r[k])),
      filter,
    );
  }

  async openAlarm(alarm: AlarmRecord): Promise<AlarmRecord> {
    const params = alarmParams(alarm);
    await this.tx('WRITE', async (tx) => {
      await tx.run(query('neo4j', 'alarm-create'), {
        ...params,
        specVersion: alarm.specVersion === null ? null : neo4j.int(alarm.specVersion),
      });
      await tx.run(query('neo4j', 'alarm-link'), { id: alarm.id, equipmentId: alarm.equipmentId });
    });
    return alarm;
  }

  async clearAlarm(req: ClearAlarm): Promise<AlarmRecord | null> {
    const cleared = await this.tx(
      'WRITE',
      async (tx) => (await tx.run(query('neo4j', 'alarm-clear'), { ...req })).records.length > 0,
    );
    if (!cleared) return null;
    return (await this.alarmList({ id: req.id }))[0] ?? null;
  }

  alarms(filter: AlarmFilter = {}): Promise<AlarmRecord[]> {
    return this.alarmList(filter);
  }

  private async alarmList(filter: AlarmFilter & { id?: string }): Promise<AlarmRecord[]> {
    const rows = await this.rows(query('neo4j', 'alarm-list'), {
      id: filter.id ?? null,
      status: filter.status ?? null,
      equipmentId: filter.equipmentId ?? null,
      parameter: filter.parameter ?? null,
      from: filter.from ?? null,
      to: filter.to ?? null,
      limit: neo4j.int(alarmLimit(filter)),
    });
    return rows.map((r) => alarmFromRow((k) => r[k]));
  }
  // --- end specs and alarms ---

  // --- Serial history, genealogy and quality analytics (history-, genealogy-, equipment-*.cypher) ---

  /** Rows of every statement in a query file, as plain objects, in one read transaction. */
  private rowsOf(tx: ManagedTransaction, name: string, params: Params): Promise<RawRow[][]> {
    return Promise.all(
      statements('neo4j', name).map(async (text) => (await tx.run(text, params)).records.map((r) => r.toObject() as RawRow)),
    );
  }

  itemRecord(id: string): Promise<ItemRecord | null> {
    return this.tx('READ', async (tx) => {
      const item = (await this.rowsOf(tx, 'history-item', { id }))[0]?.[0];
      if (!item) return null;
      const [ops] = await this.rowsOf(tx, 'history-operations', { id });
      const [flows] = await this.rowsOf(tx, 'history-flows', { id });
      const [inspections] = await this.rowsOf(tx, 'history-inspections', { id });
      const [containers] = await this.rowsOf(tx, 'history-containers', { id });
      const [shipments] = await this.rowsOf(tx, 'history-shipments', { id });
      return {
        item: itemFacts(item),
        operations: uniqueOperations(ops!),
        flows: flows!.map(flowFacts),
        inspections: inspections!.map(inspectionFacts),
        containers: uniqueBy(containers!.map(packFacts), (p) => `${p.child}\u0000${p.parent}`),
        shipments: uniqueBy(shipments!.map(shipmentFacts), (s) => `${s.item}\u0000${s.shipment}`),
      };
    });
  }

  neighbours(ids: readonly string[], direction: 'up' | 'down'): Promise<NeighbourFacts[]> {
    const unique = [...new Set(ids)];
    return this.tx('READ', async (tx) => {
      const [flows, packed, shipped] = await this.rowsOf(tx, `genealogy-${direction}`, { ids: unique });
      return neighbourFacts(unique, flows!, packed!, shipped ?? []);
    });
  }

  itemStatus(ids: readonly string[]): Promise<ItemStatusFacts[]> {
    return this.tx('READ', async (tx) =>
      (await this.rowsOf(tx, 'genealogy-status', { ids: [...new Set(ids)] }))[0]!.map(statusFacts),
    );
  }

  readings(equipment: string, from: string, to: string): Promise<ReadingFacts[]> {
    return this.tx('READ', async (tx) =>
      (await this.rowsOf(tx, 'history-readings', { equipment, from, to }))[0]!.map(readingFacts),
    );
  }

  qualityFacts(from: string, to: string): Promise<QualityFacts> {
    return this.tx('READ', async (tx) => {
      const [ops] = await this.rowsOf(tx, 'equipment-operations', { from, to });
      const [flows] = await this.rowsOf(tx, 'equipment-flows', { from, to });
      const [inspections] = await this.rowsOf(tx, 'equipment-inspections', { from, to });
      const [maintenance] = await this.rowsOf(tx, 'equipment-maintenance', {});
      return {
        operations: uniqueOperations(ops!),
        flows: flows!.map(flowFacts),
        inspections: inspections!.map(inspectionFacts),
        maintenance: maintenance!.map(maintenanceFacts),
      };
    });
  }

  // --- end of history, genealogy and analytics ---

  ping(): Promise<void> {
    return this.tx('READ', async (tx) => {
      await tx.run(query('neo4j', 'ping'));
    });
  }

  stats(): Promise<StoreStats> {
    return this.tx('READ', async (tx) => {
      const nodes: Record<string, number> = {};
      for (const r of (await tx.run(query('neo4j', 'stats-nodes'))).records) nodes[r.get('label') as string] = Number(r.get('n'));
      const relationships: Record<string, number> = {};
      for (const r of (await tx.run(query('neo4j', 'stats-rels'))).records)
        relationships[r.get('type') as string] = Number(r.get('n'));
      return { backend: 'neo4j' as const, events: nodes.Event ?? 0, nodes, relationships };
    });
  }

  /** Deletes every node: for tests and the bench, which share one server. */
  async clear(): Promise<void> {
    const s = this.session('WRITE');
    try {
      await s.run('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
    } finally {
      await s.close();
    }
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

async function runSliced(tx: ManagedTransaction, text: string, key: string, rows: unknown[]): Promise<void> {
  for (let i = 0; i < rows.length; i += SLICE) {
    const t0 = PROFILE ? performance.now() : 0;
    await tx.run(text, { [key]: rows.slice(i, i + SLICE) } as Params);
    if (PROFILE) profile(text, performance.now() - t0);
  }
}

async function writeProjection(tx: ManagedTransaction, p: Projection): Promise<void> {
  const q = (name: string, fill?: Record<string, string>) => query('neo4j', name, fill);
  await runSliced(tx, q('create-events'), 'rows', p.events);
  await runSliced(tx, q('merge-items'), 'rows', [...p.items.values()]);
  await runSliced(tx, q('set-receives'), 'rows', [...p.receives.values()]);
  await runSliced(tx, q('merge-operations'), 'rows', [...p.operations.values()]);
  await runSliced(tx, q('merge-shipments'), 'rows', [...p.shipments.values()]);
  const named: Record<(typeof NAMED)[number], Set<string>> = {
    Party: p.parties,
    WorkOrder: p.workOrders,
    Equipment: p.equipment,
    Operator: p.operators,
    Recipe: p.recipes,
  };
  for (const label of NAMED) await runSliced(tx, q('merge-named', { Label: label }), 'ids', [...named[label]]);
  await runSliced(tx, q('create-inputs'), 'rows', p.inputs);
  await runSliced(tx, q('create-outputs'), 'rows', p.outputs);
  await runSliced(tx, q('create-packed-in'), 'rows', p.packs);
  await runSliced(tx, q('create-shipped-in'), 'rows', p.shipped);
  for (const [key, from, rel, to] of LINKS)
    await runSliced(tx, q('merge-link', { From: from, Rel: rel, To: to }), 'rows', p[key] as unknown[]);
  await runSliced(tx, q('create-inspections'), 'rows', p.inspections);
  await runSliced(tx, q('create-maintenance'), 'rows', p.maintenance);
  await runSliced(tx, q('create-readings'), 'rows', p.readings);
  await runSliced(tx, q('trace-events-mentions'), 'rows', p.mentions);
}

function wrapError(e: unknown, uri: string): TracegraphError {
  if (e instanceof TracegraphError) return e;
  const code = (e as { code?: string }).code ?? '';
  const msg = (e as Error).message?.split('\n')[0] ?? String(e);
  if (code === 'ServiceUnavailable' || code === 'SessionExpired')
    return new TracegraphError('STORE_UNAVAILABLE', `Neo4j at ${uri} is unavailable: ${msg}`, { cause: e });
  if (code.includes('Unauthorized') || code.includes('Security'))
    return new TracegraphError('STORE_AUTH', `Neo4j at ${uri} refused the credentials`, { cause: e });
  return new TracegraphError('STORE_QUERY', `Neo4j query failed (${code}): ${msg}`, { cause: e });
}
