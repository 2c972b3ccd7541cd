import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanonicalEvent, type CanonicalEventInput } from '../../core/events.ts';
import { loadPostgres, pgBinDir, startPostgres, traceBackwardPg, traceForwardPg, type PgServer } from '../../bench/postgres.ts';
import { generatePlant, typicalSupplierLots, typicalUnits } from '../../ingest/seed/plant.ts';
import { buildFlowIndex, sortTrace, traceRef, type FlowIndex } from './reference.ts';

// Without PostgreSQL a developer's run skips this file; CI must have it, so there it fails.
const missing = !pgBinDir() && process.env.CI !== 'true';
const title = missing ? 'postgres bench (skipped: no PostgreSQL server binaries; apt-get install postgresql)' : 'postgres bench';

describe.skipIf(missing)(title, () => {
  const plant = { units: 2000 };
  let server: PgServer;
  let events: CanonicalEventInput[];
  let ix: FlowIndex;

  beforeAll(async () => {
    events = [...generatePlant(plant)];
    ix = buildFlowIndex(events);
    server = await startPostgres();
    const stats = await loadPostgres(
      server.client,
      events.map((e) => CanonicalEvent.parse(e)),
    );
    expect(stats.events).toBe(events.length);
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  const firstOf = (pred: (e: CanonicalEventInput) => string | undefined) => {
    for (const e of events) {
      const id = pred(e);
      if (id) return id;
    }
    throw new Error('no such event in the plant');
  };

  it('traceForwardPg matches the in-memory trace for supplier lots, a merged lot and several ids at once', async () => {
    const lots = typicalSupplierLots(plant, 3);
    const merged = firstOf((e) => (e.kind === 'operation' && e.step === 'merge' ? e.outputs[0]?.id : undefined));
    for (const ids of [...lots.map((l) => [l]), [merged], lots]) {
      const pg = sortTrace(await traceForwardPg(server.client, ids));
      expect(pg).toEqual(traceRef(ix, ids, 'forward'));
      expect(pg.units.length).toBeGreaterThan(0);
    }
  });

  it('traceBackwardPg matches the in-memory trace for shipped units and a pallet', async () => {
    const pallet = firstOf((e) => (e.kind === 'pack' && e.parent.startsWith('PAL-') ? e.parent : undefined));
    for (const ids of [...typicalUnits(plant, 3).map((u) => [u]), [pallet]]) {
      const pg = sortTrace(await traceBackwardPg(server.client, ids));
      expect(pg).toEqual(traceRef(ix, ids, 'backward'));
      expect(pg.lots.some((l) => l.startsWith('LOT-R-'))).toBe(true);
    }
  });

  it('a reworked unit is in its own forward trace (the rework loop), an untouched one is not', async () => {
    const reworked = firstOf((e) => (e.kind === 'operation' && e.step === 'rework' ? e.inputs[0]?.id : undefined));
    const fwd = await traceForwardPg(server.client, [reworked]);
    expect(fwd.units).toContain(reworked);
    expect(sortTrace(fwd)).toEqual(traceRef(ix, [reworked], 'forward'));
    const reworkedAll = new Set(events.flatMap((e) => (e.kind === 'operation' && e.step === 'rework' ? [e.inputs[0]!.id] : [])));
    const plain = typicalUnits(plant, 10).find((u) => !reworkedAll.has(u))!;
    expect((await traceForwardPg(server.client, [plain])).units).not.toContain(plain);
  });

  it('an unknown id traces to nothing', async () => {
    expect(await traceForwardPg(server.client, ['NO-SUCH-LOT'])).toEqual({
      lots: [],
      units: [],
      containers: [],
      shipments: [],
      customers: [],
    });
  });

  it('loadPostgres skips repeated and voided events, undoes unpacking and reads kinds from EPC ids', async () => {
    // Runs last: it replaces the plant with a handful of events.
    const t = '2026-02-01T08:00:00Z';
    const lgtin = 'urn:epc:class:lgtin:4012345.012345.L1';
    const sgtin = 'urn:epc:id:sgtin:4012345.012345.1001';
    const sscc = 'urn:epc:id:sscc:4012345.0000000001';
    const raw: CanonicalEventInput[] = [
      {
        kind: 'operation',
        eventId: 'a',
        eventTime: t,
        operationId: 'op1',
        step: 's',
        station: 'x',
        inputs: [{ id: lgtin }],
        outputs: [{ id: sgtin }],
      },
      {
        kind: 'operation',
        eventId: 'a',
        eventTime: t,
        operationId: 'op1',
        step: 's',
        station: 'x',
        inputs: [{ id: 'DUP' }],
        outputs: [{ id: sgtin }],
      },
      {
        kind: 'operation',
        eventId: 'b',
        eventTime: t,
        operationId: 'op2',
        step: 's',
        station: 'x',
        inputs: [{ id: 'VOID' }],
        outputs: [{ id: sgtin }],
        errorDeclaration: { declarationTime: t, reason: 'wrong lot scanned' },
      },
      { kind: 'pack', eventId: 'c', eventTime: t, parent: sscc, children: [sgtin, 'SN-X'] },
      { kind: 'pack', eventId: 'd', eventTime: t, parent: sscc, children: ['SN-X'], action: 'remove' },
    ];
    const stats = await loadPostgres(
      server.client,
      raw.map((e) => CanonicalEvent.parse(e)),
    );
    expect(stats).toMatchObject({ events: 5, shipped: 0 });
    expect(await traceForwardPg(server.client, [lgtin])).toEqual({
      lots: [],
      units: [sgtin],
      containers: [sscc],
      shipments: [],
      customers: [],
    });
    expect(await traceBackwardPg(server.client, [sscc])).toEqual({
      lots: [lgtin],
      units: [sgtin],
      containers: [],
      shipments: [],
      customers: [],
    });
  });
});
