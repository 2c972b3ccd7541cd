/**
 * The embedded store's write path. A batch of events is planned (batch.ts), written in one
 * transaction (rows staged as CSV files and COPYed in; single-row updates for what already exists),
 * and only after the commit do the in-memory indexes learn of it.
 */
import type { CanonicalEvent } from '../../core/events.ts';
import { planBatch, type Stored } from '../batch.ts';
import type { ApplyResult } from '../port.ts';
import type { LinkRow, Projection, ReceiveRow } from '../projection.ts';
import { query, statements } from '../queries.ts';
import type { KuzuConnection } from './connection.ts';
import type { Cell } from './csv-stage.ts';
import { copyRows } from './load.ts';
import { eventHash } from './memory/flow-index.ts';
import { NAMED, type MemoryIndexes, type Named } from './memory/indexes.ts';

/**
 * Kuzu 0.11 failed a COMMIT (seen: its buffer pool was full) after entering some of the
 * transaction's keys in its primary-key index, and ROLLBACK did not take them out: writing those
 * events again reported "duplicated primary key" for keys no row holds. So a failed commit leaves
 * the store damaged, as a kill during a write does (adapter.ts `damaged`).
 */
export class CommitFailed extends Error {
  constructor(cause: unknown) {
    super(`the commit failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CommitFailed';
  }
}

/** Runs `work` in one write transaction: committed when it resolves, rolled back when it throws. Call inside `exclusive`. */
export async function transaction<T>(db: KuzuConnection, work: () => Promise<T>): Promise<T> {
  await db.raw('BEGIN TRANSACTION');
  try {
    const result = await work();
    try {
      await db.raw('COMMIT');
    } catch (e) {
      throw new CommitFailed(e);
    }
    return result;
  } catch (e) {
    // Also when COMMIT itself failed: the transaction must not stay open on the one connection.
    await db.raw('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Applies one batch of events. Call inside `exclusive`. */
export async function applyBatch(
  db: KuzuConnection,
  memory: MemoryIndexes,
  events: readonly CanonicalEvent[],
): Promise<ApplyResult> {
  const bloom = await memory.eventFilter(db);
  const stored = new Map<string, Stored>();
  for (const e of events) {
    if (stored.has(e.eventId) || !bloom.mightHave(e.eventId)) continue;
    const [row] = await db.run(query('kuzu', 'find-event'), { id: e.eventId });
    if (row) stored.set(e.eventId, { voided: Boolean(row.voided), payload: row.payload as string });
  }
  const plan = await planBatch(events, stored);
  const p = plan.projection;
  try {
    const created = await transaction(db, async () => {
      const names = await writeProjection(db, memory, p);
      for (const v of plan.voids) {
        for (const s of statements('kuzu', 'void-event')) await db.run(s, { id: v.eventId, payload: v.payload });
      }
      return names;
    });
    memory.learn(p, created);
    for (const v of plan.voids) memory.forget(v.drawn, v.eventId);
  } finally {
    // Before the write is acknowledged: a scope asked for after it must see it.
    memory.recalls.invalidate();
  }
  memory.addEvents(
    bloom,
    p.events.map((e) => e.id),
  );
  return { applied: p.events.length, duplicates: plan.duplicates, voided: plan.voided };
}

/** Writes a projection inside the open transaction; returns the names it created. */
async function writeProjection(db: KuzuConnection, memory: MemoryIndexes, p: Projection): Promise<Map<Named, string[]>> {
  const index = memory.index;
  const copy = (table: string, rows: Cell[][], options?: string) => copyRows(db, table, rows, options);
  const newItems: Cell[][] = [];
  const laterReceives: ReceiveRow[] = [];
  for (const it of p.items.values()) {
    const cur = index.itemState(it.id);
    const rec = p.receives.get(it.id);
    if (!cur) {
      newItems.push([
        it.id,
        it.kind,
        it.rank,
        it.container,
        rec?.material,
        rec?.qty,
        rec?.uom,
        rec?.supplier,
        rec?.supplierLot,
        rec?.key,
      ]);
      continue;
    }
    if (rec) laterReceives.push(rec);
    const rank = Math.max(cur.rank, it.rank);
    const container = cur.container || it.container;
    if (rank !== cur.rank || container !== cur.container) {
      await db.run(query('kuzu', 'update-item'), { id: it.id, kind: rank % 2 === 0 ? 'unit' : 'lot', rank, container });
    }
    it.rank = rank as typeof it.rank;
    it.container = container;
  }
  await copy('Item', newItems);
  // Receives of items that already existed go one by one (Kuzu plans UNWIND + MATCH as a scan).
  for (const r of laterReceives) await db.run(query('kuzu', 'set-receive'), { ...r, qty: String(r.qty) });

  const newOps: Cell[][] = [];
  for (const op of p.operations.values()) {
    if (index.has('operation', op.id)) await db.run(query('kuzu', 'update-operation'), { ...op });
    else newOps.push([op.id, op.step, op.station, op.startTime, op.endTime, op.result, op.key]);
  }
  await copy('Operation', newOps);
  await copy(
    'Shipment',
    [...p.shipments.values()].filter((s) => !index.has('shipment', s.id)).map((s) => [s.id, s.eventTime, s.eventId, s.qty]),
  );

  const created = new Map<Named, string[]>();
  const sources: Record<Named, Set<string>> = {
    Party: p.parties,
    WorkOrder: p.workOrders,
    Equipment: p.equipment,
    Operator: p.operators,
    Recipe: p.recipes,
  };
  for (const label of NAMED) {
    const known = memory.names.get(label)!;
    const fresh = [...sources[label]].filter((id) => !known.has(id));
    created.set(label, fresh);
    await copy(
      label,
      fresh.map((id) => [id]),
    );
  }

  await copy(
    'Event',
    p.events.map((e) => [e.id, e.kind, e.eventTime, e.recordTime, e.source, e.voided, e.epcisEventId, e.payload]),
  );
  await copy(
    'Inspection',
    p.inspections.map((i) => [i.id, i.result, JSON.stringify(i.defects), i.measurements, i.station, i.inspectorId, i.eventTime]),
  );
  await copy(
    'Maintenance',
    p.maintenance.map((m) => [m.id, m.type, m.startTime, m.endTime, m.result]),
  );
  await copy(
    'Reading',
    p.readings.map((r) => [r.id, r.parameter, r.value, r.uom, r.eventTime]),
  );

  await copy(
    'INPUT_TO',
    p.inputs.map((r) => [r.item, r.op, r.qty, r.uom, r.eventId, eventHash(r.eventId)]),
  );
  await copy(
    'OUTPUT',
    p.outputs.map((r) => [r.op, r.item, r.qty, r.uom, r.eventId, eventHash(r.eventId)]),
  );
  await copy(
    'PACKED_IN',
    p.packs.map((r) => [r.child, r.parent, r.eventId, r.eventTime, eventHash(r.eventId)]),
  );
  await copy(
    'SHIPPED_IN',
    p.shipped.map((r) => [r.item, r.shipment, r.eventId, eventHash(r.eventId)]),
  );
  // A shipment goes to its customer once, however many events name it.
  p.shipTo = dedupeLinks(p.shipTo).filter((l) => !index.hasEdge('shipment', l.from, 'party', l.to));
  const links: [string, LinkRow[], string][] = [
    ['`TO`', p.shipTo, ''],
    ['SUPPLIED_BY', p.suppliedBy, ''],
    ['`FOR`', p.opFor, ''],
    ['`ON`', p.opOn, ", from='Operation', to='Equipment'"],
    ['`BY`', p.opBy, ''],
    ['FOLLOWS', p.opFollows, ''],
    ['`OF`', p.inspections.map((i) => ({ from: i.id, to: i.item })), ''],
    ['`ON`', p.maintenance.map((m) => ({ from: m.id, to: m.equipment })), ", from='Maintenance', to='Equipment'"],
    ['MEASURED_ON', p.readings.map((r) => ({ from: r.id, to: r.equipment })), ''],
    ['MENTIONS', p.mentions, ''],
  ];
  for (const [rel, rows, options] of links)
    await copy(
      rel,
      rows.map((l) => [l.from, l.to]),
      options,
    );
  return created;
}

function dedupeLinks<T extends { from: string; to: string }>(rows: T[]): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = `${r.from}\u0000${r.to}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
