/**
 * The demo's reflow oven works on boards in place (the board goes in and no new item comes out).
 * When it drifts out of spec, the boards it reflowed meanwhile are what a recall must find by the
 * parameter and by the equipment window, what the equipment analytics charge its defects to, and
 * what the board's history shows with the oven's readings; and its calibrations date its work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../bin/demo.ts';
import { tempDir } from '../helpers/stores.ts';
import { waitFor } from '../helpers/wait.ts';

const BOARD = 'urn:epc:id:sgtin:4012345.022222.';
const PRODUCT = 'urn:epc:id:sgtin:4012345.011111.';

interface Scope {
  counts: { units: number };
  units: { nodes: { id: string }[] };
}
interface Op {
  id: string;
  step: string;
  role: string;
  startTime: string | null;
  endTime: string;
  equipment: string | null;
  parameters: { parameter: string; count: number; min: number; max: number; spec: { usl: number | null } | null }[];
}

describe('steps that work on a unit in place (the demo reflow oven)', () => {
  let demo: Demo;

  const ask = async <T>(query: string, variables?: Record<string, unknown>): Promise<T> => {
    const res = await fetch(demo.apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.devKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data: T; errors?: { message: string }[] };
    if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data;
  };
  const SCOPE =
    'query($c: RecallCriteria!) { recallScope(criteria: $c) { counts { units } units(first: 1000) { nodes { id } } } }';
  const scope = async (c: Record<string, unknown>) => (await ask<{ recallScope: Scope }>(SCOPE, { c })).recallScope;
  const history = async (id: string) =>
    (
      await ask<{ unitHistory: { operations: Op[] } }>(
        'query($id: ID!) { unitHistory(id: $id) { operations { id step role startTime endTime equipment parameters { parameter count min max spec { usl } } } } }',
        { id },
      )
    ).unitHistory.operations;

  let window: { from: string; to: string };

  beforeAll(async () => {
    demo = await startDemo({ port: 0, mqttPort: 0, dataDir: tempDir(), speed: 3, warn: () => undefined });
    // A few boards through the oven in spec, then a drift (out of spec for about 20 simulated seconds).
    await waitFor('boards made', () => demo.plant.produced() >= 6, 60_000);
    demo.plant.injectFault({ equipmentId: 'REFLOW-1', parameter: 'zone3_temp', kind: 'drift', durationMs: 30_000 });
    type A = { alarms: { raisedAt: string; clearedAt: string | null }[] };
    const alarms = async () => (await ask<A>('{ alarms(equipmentId: "REFLOW-1") { raisedAt clearedAt } }')).alarms;
    await waitFor('the oven alarm raised and cleared', async () => (await alarms()).some((a) => a.clearedAt !== null), 90_000);
    const [alarm] = await alarms();
    window = { from: alarm!.raisedAt, to: alarm!.clearedAt! };
    // The boards reflowed in the window pass AOI and assembly a few takts later.
    const made = demo.plant.produced();
    await waitFor('the last suspect boards assembled', () => demo.plant.produced() >= made + 6, 60_000);
    await waitFor(
      'a board failed AOI with a cold solder joint',
      async () => (await scope({ defectCode: 'COLD_SOLDER_JOINT' })).counts.units > 0,
      30_000,
    );
  }, 240_000);

  afterAll(async () => {
    await demo?.close();
  });

  it(
    'the parameter recall and the equipment-window recall find exactly the boards reflowed while out of spec, and what was made from them',
    { timeout: 180_000 },
    async () => {
      const all = (await scope({ material: 'bare PCB rev C' })).units.nodes.map((u) => u.id);
      const boards = all.filter((id) => id.startsWith(BOARD));
      expect(boards.length).toBeGreaterThan(10);
      const [from, to] = [Date.parse(window.from), Date.parse(window.to)];
      const reflowedInWindow: string[] = [];
      // Eight at a time: the plant goes on running meanwhile.
      for (let i = 0; i < boards.length; i += 8)
        for (const [b, ops] of await Promise.all(boards.slice(i, i + 8).map(async (b) => [b, await history(b)] as const))) {
          const reflow = ops.find((o) => o.step === 'reflow');
          if (!reflow) continue;
          expect(reflow).toMatchObject({ role: 'processed', equipment: 'REFLOW-1', startTime: expect.any(String) });
          if (Date.parse(reflow.startTime!) <= to && Date.parse(reflow.endTime) >= from) reflowedInWindow.push(b);
        }
      expect(reflowedInWindow.length).toBeGreaterThan(0);

      const byParameter = await scope({ parameter: { equipmentId: 'REFLOW-1', name: 'zone3_temp', min: 215, max: 225 } });
      const byWindow = await scope({ equipment: { id: 'REFLOW-1', ...window } });
      const ids = (s: Scope) => s.units.nodes.map((u) => u.id);
      expect(ids(byParameter).filter((id) => id.startsWith(BOARD))).toEqual(reflowedInWindow.sort());
      expect(ids(byWindow)).toEqual(ids(byParameter));
      // The finished products made from those boards are in the scope too.
      const products = ids(byParameter).filter((id) => id.startsWith(PRODUCT));
      expect(products.length).toBeGreaterThan(0);
      expect(products.map((p) => p.slice(PRODUCT.length)).every((s) => reflowedInWindow.includes(BOARD + s))).toBe(true);
    },
  );

  it('the unit history shows the reflow with the oven readings during it against the spec', async () => {
    const [board] = (await scope({ equipment: { id: 'REFLOW-1', ...window } })).units.nodes.filter((u) => u.id.startsWith(BOARD));
    const reflow = (await history(board!.id)).find((o) => o.step === 'reflow')!;
    const zone3 = reflow.parameters.find((p) => p.parameter === 'zone3_temp');
    expect(zone3).toMatchObject({ count: expect.any(Number), spec: { usl: 225 } });
    expect(reflow.parameters.map((p) => p.parameter)).toEqual(
      expect.arrayContaining(['conveyor_speed', 'zone1_temp', 'zone2_temp', 'zone3_temp']),
    );
  });

  it('REFLOW-1 is in the equipment analytics with its cold-solder defects, and its calibrations date its work', async () => {
    type C = {
      equipmentCorrelation: {
        equipmentId: string;
        processed: number;
        defective: number;
        sinceCalibration: { label: string; processed: number }[];
      }[];
    };
    // Up to the end of the out-of-spec window: the plant goes on making boards while the test asks.
    const { equipmentCorrelation } = await ask<C>(
      'query($to: String) { equipmentCorrelation(to: $to) { equipmentId processed defective sinceCalibration { label processed } } }',
      { to: window.to },
    );
    const oven = equipmentCorrelation.find((c) => c.equipmentId === 'REFLOW-1');
    expect(oven).toBeDefined();
    expect(oven!.processed).toBeGreaterThan(10);
    expect(oven!.defective).toBeGreaterThan(0);
    // Calibrated before the first board: every board it reflowed is dated from a calibration.
    expect(oven!.sinceCalibration.find((b) => b.label === 'never')).toBeUndefined();
    expect(oven!.sinceCalibration.reduce((n, b) => n + b.processed, 0)).toBe(oven!.processed);

    type Q = { qualityStats: { groups: { group: string; units: number; defective: number }[] } };
    const { qualityStats } = await ask<Q>(
      'query($to: String) { qualityStats(groupBy: EQUIPMENT, to: $to) { groups { group units defective } } }',
      { to: window.to },
    );
    const group = qualityStats.groups.find((g) => g.group === 'REFLOW-1');
    expect(group?.units).toBe(oven!.processed);
    expect(group!.defective).toBeGreaterThan(0);
    expect(group!.defective).toBe(oven!.defective);
  });
});
