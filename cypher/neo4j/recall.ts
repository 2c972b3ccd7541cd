/** Recall scope, saved recalls and mass balance on Neo4j: the facts a scope needs are indexed Cypher lookups. */
import { balance } from '../mass-balance.ts';
import type { MassBalance, RecallCriteria, RecallRecord, RecallScopeResult, RecallStore, TraceStore } from '../port.ts';
import { query } from '../queries.ts';
import { computeRecallScope, newRecallRecord, parseRecallRow, type OpFacts, type RecallFacts } from '../recall.ts';
import type { Neo4jConnection } from './connection.ts';
import { itemKinds, shipmentsOfItems } from './trace.ts';

export class Neo4jRecalls implements RecallStore {
  constructor(
    private readonly conn: Neo4jConnection,
    private readonly traces: Pick<TraceStore, 'traceForward'>,
  ) {}

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
    const rows = this.conn.rows.bind(this.conn);
    return {
      traceForward: (ids) => this.traces.traceForward(ids),
      kinds: (items) => itemKinds(this.conn, items),
      lotsOfMaterial: async (material) =>
        (await rows(query('neo4j', 'recall-material'), { material })).map((r) => r.id as string),
      operationsBy: async (who) => {
        const [rel, label, id] =
          who.equipment !== undefined ? ['ON', 'Equipment', who.equipment] : ['BY', 'Operator', who.operator!];
        return (await rows(query('neo4j', 'recall-operations-by', { Rel: rel, Label: label }), { id })).map(facts);
      },
      outputsOf: async (ops) => (await rows(query('neo4j', 'recall-outputs'), { ids: [...ops] })).map((r) => r.id as string),
      readings: async (equipment, name) =>
        (await rows(query('neo4j', 'recall-readings'), { equipment: equipment ?? '', name })).map((r) => ({
          equipment: r.equipment as string,
          value: Number(r.value),
          time: Date.parse(r.time as string),
        })),
      failedWith: async (code) => (await rows(query('neo4j', 'recall-defect'), { code })).map((r) => r.id as string),
      producers: async (units) => {
        const m = new Map<string, OpFacts>();
        for (const r of await rows(query('neo4j', 'recall-producers'), { ids: [...units] })) {
          const op = facts(r);
          const prev = m.get(r.unit as string);
          if (!prev || op.end > prev.end) m.set(r.unit as string, op);
        }
        return m;
      },
      unitsMadeAt: async (station, from, to) =>
        (await rows(query('neo4j', 'recall-made-at'), { station }))
          .map((r) => ({ op: facts(r), units: r.units as string[] }))
          .filter(({ op }) => op.end >= from && op.end <= to),
      shipmentsOf: (items) => shipmentsOfItems(this.conn, items),
    };
  }

  recallScope(criteria: RecallCriteria): Promise<RecallScopeResult> {
    return computeRecallScope(this.recallFacts(), criteria);
  }

  async massBalance(lots: readonly string[]): Promise<MassBalance[]> {
    const rows = await this.conn.rows(query('neo4j', 'mass-balance'), { ids: [...lots] });
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
    await this.conn.tx('WRITE', (tx) =>
      tx.run(query('neo4j', 'recall-save'), { ...r, criteria: JSON.stringify(r.criteria), counts: JSON.stringify(r.counts) }),
    );
    return r;
  }

  async listRecalls(): Promise<RecallRecord[]> {
    return (await this.conn.rows(query('neo4j', 'recall-list'))).map(parseRecallRow);
  }
}
