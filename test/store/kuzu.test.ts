/** What only the embedded store has: its in-memory trace index, rebuilt from disk. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import kuzu from 'kuzu';
import { afterAll, describe, expect, it } from 'vitest';
import { CanonicalEvent } from '../../core/events.ts';
import { KuzuStore } from '../../cypher/kuzu/adapter.ts';
import type { TraceResult } from '../../cypher/port.ts';
import { statements } from '../../cypher/queries.ts';
import { applyInBatches } from '../../ingest/batches.ts';
import { generatePlant, typicalSupplierLots, typicalUnits } from '../../ingest/seed/plant.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/stores.ts';
import { op, pack, ship } from '../helpers/events.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const dir = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};

/** Kuzu's SHORTEST cannot say whether a start reaches itself (a rework loop); compare without starts. */
const withoutStarts = (t: TraceResult, starts: string[]): TraceResult =>
  Object.fromEntries(
    Object.entries(t).map(([k, v]) => [k, (v as string[]).filter((id) => !starts.includes(id))]),
  ) as unknown as TraceResult;

describe('embedded store (Kuzu)', () => {
  const plant = { units: 2000, seed: 3 };
  const data = dir();

  it('answers traces from its index exactly as its own recursive Cypher query does', async () => {
    const store = await KuzuStore.open({ dataDir: data });
    await applyInBatches(
      store,
      [...generatePlant(plant)].map((e) => CanonicalEvent.parse(e)),
      { batchSize: 500 },
    );
    for (const lot of typicalSupplierLots(plant, 3)) {
      const fast = await store.traceForward([lot]);
      expect(fast.units.length).toBeGreaterThan(10);
      expect(withoutStarts(fast, [lot])).toEqual(withoutStarts(await store.traceInCypher([lot], 'forward'), [lot]));
    }
    for (const unit of typicalUnits(plant, 3)) {
      const fast = await store.traceBackward([unit]);
      expect(fast.lots.length).toBeGreaterThan(2);
      expect(withoutStarts(fast, [unit])).toEqual(withoutStarts(await store.traceInCypher([unit], 'backward'), [unit]));
    }
    await store.close();
  });

  it('rebuilds the same traces from disk after a restart', async () => {
    const lots = typicalSupplierLots(plant, 2);
    const units = typicalUnits(plant, 2);
    const first = await KuzuStore.open({ dataDir: data });
    const before = [await first.traceForward(lots), await first.traceBackward(units), await first.stats()];
    await first.close();
    const again = await KuzuStore.open({ dataDir: data });
    expect([await again.traceForward(lots), await again.traceBackward(units), await again.stats()]).toEqual(before);
    // and dedupe survives the restart too
    const r = await again.applyEvents([...generatePlant(plant)].slice(0, 100).map((e) => CanonicalEvent.parse(e)));
    expect(r.applied).toBe(0);
    await again.close();
  });

  it('answers trace quantities and events from memory as its Kuzu queries do: as written, after corrections, after a restart', async () => {
    const d = dir();
    const events = [...generatePlant(plant)].map((e) => CanonicalEvent.parse(e));
    let store = await KuzuStore.open({ dataDir: d });
    await applyInBatches(store, events, { batchSize: 500 });
    const lots = typicalSupplierLots(plant, 2);
    const starts = [
      ...lots.map((id) => [id, 'forward'] as const),
      ...typicalUnits(plant, 2).map((id) => [id, 'backward'] as const),
    ];
    const same = async () => {
      for (const [id, direction] of starts) {
        const q = await store.traceQuantities([id], direction);
        expect(q.flows.length).toBeGreaterThan(3);
        expect(q).toEqual(await store.traceQuantitiesInCypher([id], direction));
        const e = await store.traceEvents([id], direction);
        expect(e.length).toBeGreaterThan(3);
        expect(e).toEqual(await store.traceEventsInCypher([id], direction));
      }
    };
    await same();
    // Declare in error an assembly that the first lot reaches, and a pack of one of its units.
    const reached = await store.traceForward([lots[0]!]);
    const inTrace = new Set([lots[0]!, ...reached.lots, ...reached.units]);
    const asm = events.find((e) => e.kind === 'operation' && e.step === 'assembly' && e.inputs.some((i) => inTrace.has(i.id)))!;
    const packed = events.find((e) => e.kind === 'pack' && e.children.some((c) => inTrace.has(c)))!;
    const declared = { declarationTime: '2027-01-01T00:00:00Z', reason: 'incorrect_data' };
    const r = await store.applyEvents([asm, packed].map((e) => ({ ...e, errorDeclaration: declared })));
    expect(r.voided).toBe(2);
    expect(await store.traceEvents([lots[0]!], 'forward')).not.toContain(asm.eventId);
    await same();
    await store.close();
    store = await KuzuStore.open({ dataDir: d });
    await same();
    await store.close();
  });

  it('ids with commas and quotes survive a restart (the index reloads through CSV)', async () => {
    const d = dir();
    const weird = ['LOT "A", 1', `U'1,"x"`];
    let s = await KuzuStore.open({ dataDir: d });
    await s.applyEvents([op('w1', [weird[0]!], [weird[1]!], 'unit'), ship('w2', 'S,1', [weird[1]!], 'C "q", 2')]);
    // An EPCIS event is reported by its eventID, read back from its own column after a restart.
    await s.applyEvents([{ ...pack('w3', 'CASE "1"', [weird[1]!]), context: { epcisEventId: 'urn:uuid:a,"b"' } }]);
    const before = await s.traceForward([weird[0]!]);
    expect(before).toMatchObject({ units: [weird[1]], shipments: ['S,1'], customers: ['C "q", 2'] });
    const events = await s.traceEvents([weird[0]!], 'forward');
    expect(events).toEqual(['urn:uuid:a,"b"', 'w1', 'w2']);
    await s.close();
    s = await KuzuStore.open({ dataDir: d });
    expect(await s.traceForward([weird[0]!])).toEqual(before);
    expect(await s.traceEvents([weird[0]!], 'forward')).toEqual(events);
    expect((await s.applyEvents([op('w1', [weird[0]!], [weird[1]!], 'unit')])).duplicates).toBe(1);
    await s.close();
  });

  it('traces a 300-hop chain with its Cypher query too (the 30-hop default cap is lifted)', async () => {
    const store = await KuzuStore.open({ dataDir: dir() });
    await store.applyEvents(Array.from({ length: 150 }, (_, i) => op(`c-${i}`, [`K${i}`], [`K${i + 1}`])));
    expect((await store.traceInCypher(['K0'], 'forward')).lots).toHaveLength(150);
    await store.close();
  });

  it('keeps working on a database made before some relationship tables were stored forward only', async () => {
    const d = dir();
    // The schema as it was: every relationship table stored in both directions.
    const old = statements('kuzu', 'schema').map((s) => s.replace(/\s*WITH \(storage_direction = 'fwd'\)/, ''));
    expect(old.join()).not.toContain('storage_direction');
    const db = new kuzu.Database(join(d, 'graph.kuzu'));
    const conn = new kuzu.Connection(db);
    for (const s of old) {
      const r = await conn.query(s);
      for (const x of Array.isArray(r) ? r : [r]) x.close();
    }
    await conn.close();
    await db.close();
    const events = [...generatePlant(plant)].slice(0, 3000).map((e) => CanonicalEvent.parse(e));
    let store = await KuzuStore.open({ dataDir: d });
    await applyInBatches(store, events, { batchSize: 1000 });
    const [lot] = typicalSupplierLots(plant, 1);
    const trace = await store.traceForward([lot!]);
    const named = await store.traceEvents([lot!], 'forward');
    expect(named.length).toBeGreaterThan(3);
    expect(named).toEqual(await store.traceEventsInCypher([lot!], 'forward'));
    await store.close();
    store = await KuzuStore.open({ dataDir: d });
    expect([await store.traceForward([lot!]), await store.traceEvents([lot!], 'forward')]).toEqual([trace, named]);
    expect((await store.applyEvents(events.slice(0, 10))).duplicates).toBe(10);
    await store.close();
  });

  it('takes the same events in batches of any size, each event and item once, on the small buffer pool tests ask for', async () => {
    // ~4 KB per stored event: a commit into the Event table's partly filled node group needs about
    // 3 times the bytes already in it, more than 64 MiB from ~6,000 such events on. With 64 MiB
    // the commit failed, Kuzu kept some of its keys in the primary-key index, and the batch offered
    // again reported a duplicated primary key.
    const count = 8000;
    const refs = Array.from({ length: 10 }, (_, k) => ({ type: 'po', id: `purchase-order-${k}-`.padEnd(380, 'x') }));
    const events = Array.from({ length: count }, (_, i) =>
      CanonicalEvent.parse({
        kind: 'scan',
        eventId: `batch-size-${i}`,
        eventTime: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
        id: `urn:epc:id:sgtin:4012345.011111.B${String(i).padStart(9, '0')}`,
        station: 'S1',
        context: { bizTransactions: refs },
      }),
    );
    for (const batchSize of [1000, 500]) {
      const store = await KuzuStore.open({ dataDir: dir(), bufferMb: 64 });
      try {
        const totals = await applyInBatches(store, events, { batchSize });
        expect(totals).toMatchObject({ seen: count, applied: count, duplicates: 0 });
        const stats = await store.stats();
        expect([stats.events, stats.nodes.Item, stats.relationships.MENTIONS]).toEqual([count, count, count]);
        expect((await store.applyEvents(events)).duplicates).toBe(count);
      } finally {
        await store.close();
      }
    }
  }, 120_000);

  it('says which directory it could not open when another process holds it', async () => {
    const d = dir();
    const a = await KuzuStore.open({ dataDir: d });
    const child = await runCli(['stats', '--data', d]);
    await a.close();
    expect(child.code).toBe(1);
    expect(child.stderr.trim().split('\n')).toHaveLength(1);
    expect(child.stderr).toContain(`cannot open the embedded graph in ${d}`);
  });
});
