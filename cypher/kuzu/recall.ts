/**
 * Recall scope, saved recalls and mass balance on the embedded store. Set lookups by id are slow in
 * Kuzu (`id IN $list` and UNWIND + MATCH scan), so a scope is answered from the trace index and the
 * operation cache, and Kuzu is queried per id only for small sets.
 */
import { balance, type LotFlows } from '../mass-balance.ts';
import type { MassBalance, RecallCriteria, RecallRecord, RecallScopeResult, RecallStore } from '../port.ts';
import { query, statements } from '../queries.ts';
import { computeRecallScope, newRecallRecord, parseRecallRow, type OpFacts, type RecallFacts } from '../recall.ts';
import type { KuzuConnection } from './connection.ts';
import type { MemoryIndexes } from './memory/indexes.ts';

export class KuzuRecalls implements RecallStore {
  constructor(
    private readonly db: KuzuConnection,
    private readonly memory: MemoryIndexes,
  ) {}

  private recallFacts(ops: Map<string, OpFacts>): RecallFacts {
    type Shipped = { shipment: string; customer: string | null };
    const ix = this.memory.index;
    return {
      traceForward: (ids) => Promise.resolve(ix.trace(ids, 'forward')),
      kinds: (items) => {
        const m = new Map<string, 'lot' | 'unit' | 'container'>();
        for (const id of items) {
          const k = ix.kindOf(id);
          if (k) m.set(id, k);
        }
        return Promise.resolve(m);
      },
      lotsOfMaterial: async (material) =>
        (await this.db.run(query('kuzu', 'recall-material'), { material })).map((r) => r.id as string),
      operationsBy: (who) =>
        Promise.resolve(
          [...ops.values()].filter(
            (o) =>
              (who.equipment === undefined || o.equipment === who.equipment) &&
              (who.operator === undefined || o.operator === who.operator),
          ),
        ),
      outputsOf: (operations) => Promise.resolve(operations.flatMap((op) => ix.neighbours('operation', op, 'out', 'item'))),
      readings: async (equipment, name) =>
        (await this.db.run(query('kuzu', 'recall-readings'), { equipment: equipment ?? '', name })).map((r) => ({
          equipment: r.equipment as string,
          value: Number(r.value),
          time: Date.parse(r.time as string),
        })),
      failedWith: async (code) =>
        (await this.db.run(query('kuzu', 'recall-defect'), { quoted: JSON.stringify(code) })).map((r) => r.id as string),
      producers: (units) => {
        const m = new Map<string, OpFacts>();
        for (const u of units) {
          let best: OpFacts | undefined;
          for (const id of ix.neighbours('item', u, 'in', 'operation')) {
            const op = ops.get(id);
            if (op && (!best || op.end > best.end)) best = op;
          }
          if (best) m.set(u, best);
        }
        return Promise.resolve(m);
      },
      unitsMadeAt: (station, from, to) => {
        const list = this.memory.operations.stationIndex(ops).get(station) ?? [];
        // First operation ending at or after `from` (binary search), then up to `to`.
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (list[mid]!.end < from) lo = mid + 1;
          else hi = mid;
        }
        const out: { op: OpFacts; units: string[] }[] = [];
        for (let i = lo; i < list.length && list[i]!.end <= to; i++) {
          const op = list[i]!;
          out.push({ op, units: ix.neighbours('operation', op.id, 'out', 'item').filter((id) => ix.kindOf(id) === 'unit') });
        }
        return Promise.resolve(out);
      },
      shipmentsOf: (items) => {
        // The index walks each unit's containers up to the pallet on every call; the units of a
        // scope share a few hundred cases and pallets, so each container's shipments are looked up
        // once per scope (this was ~40% of a supplier-lot scope's time).
        const byContainer = new Map<string, Shipped[]>();
        const out = new Map<string, Shipped[]>();
        for (const id of items) {
          const next = ix.neighbours('item', id, 'out', 'item');
          const direct = ix.neighbours('item', id, 'out', 'shipment');
          let list: Shipped[] = direct.length ? ix.shipmentsOf(id) : [];
          if (!direct.length)
            for (const c of next) {
              if (ix.kindOf(c) !== 'container') continue;
              let s = byContainer.get(c);
              if (!s) byContainer.set(c, (s = ix.shipmentsOf(c)));
              list = list.length ? list.concat(s) : s;
            }
          out.set(id, list);
        }
        return Promise.resolve(out);
      },
    };
  }

  recallScope(criteria: RecallCriteria): Promise<RecallScopeResult> {
    return this.memory.recalls.scope(criteria, () =>
      this.db.exclusive(async () => computeRecallScope(this.recallFacts(await this.memory.operations.load(this.db)), criteria)),
    );
  }

  massBalance(lots: readonly string[]): Promise<MassBalance[]> {
    return this.db.exclusive(async () => {
      const out: MassBalance[] = [];
      for (const id of lots) {
        const l: LotFlows = { id, received: null, produced: [], consumed: [] };
        let found = false;
        for (const text of statements('kuzu', 'mass-balance'))
          for (const r of await this.db.run(text, { id })) {
            found = true;
            if (r.receiveKey) l.received = { qty: Number(r.qty), uom: r.uom as string };
            if (r.op === null) continue;
            const flow = {
              qty: r.flowQty === null ? null : Number(r.flowQty),
              uom: (r.flowUom as string | null) ?? null,
              op: r.op as string,
            };
            (r.dir === 'in' ? l.produced : l.consumed).push(flow);
          }
        if (found) out.push(balance(l));
      }
      return out;
    });
  }

  saveRecall(recall: Omit<RecallRecord, 'id' | 'createdAt'>): Promise<RecallRecord> {
    return this.db.exclusive(async () => {
      const r = newRecallRecord(recall);
      await this.db.run(query('kuzu', 'recall-save'), {
        ...r,
        criteria: JSON.stringify(r.criteria),
        counts: JSON.stringify(r.counts),
        createdBy: r.createdBy ?? '',
      });
      return r;
    });
  }

  listRecalls(): Promise<RecallRecord[]> {
    return this.db.exclusive(async () => (await this.db.run(query('kuzu', 'recall-list'))).map((r) => parseRecallRow(r)));
  }
}
