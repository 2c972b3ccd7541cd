/**
 * equipmentCorrelation and qualityStats over real HTTP on every backend, on the synthetic plant
 * (whose assembly stations fail more the longer since their maintenance), checked against counts
 * taken straight from the generated events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanonicalEvent, type CanonicalEventInput } from '../../core/events.ts';
import { generatePlant } from '../../ingest/seed/plant.ts';
import { gql } from './client.ts';
import { startApiServer, type TestApi } from '../helpers/api-server.ts';
import { backends } from '../helpers/stores.ts';

const UNITS = 1000;
const raw: CanonicalEventInput[] = [...generatePlant({ units: UNITS })];
const fails = raw.filter(
  (e): e is Extract<CanonicalEventInput, { kind: 'inspection' }> => e.kind === 'inspection' && e.result === 'fail',
);
const failedUnits = new Set(fails.map((e) => e.id));
const defectCounts = new Map<string, number>();
for (const f of fails) for (const d of f.defects ?? []) defectCounts.set(d, (defectCounts.get(d) ?? 0) + 1);

const BUCKET = '{ label fromHours toHours processed defective defectRate }';
const COMPARISON =
  '{ windowHours processedBefore defectiveBefore defectRateBefore processedAfter defectiveAfter defectRateAfter pValue }';
const CORRELATION = `{ equipmentId processed defective defectRate sinceMaintenance ${BUCKET} sinceCalibration ${BUCKET}
  maintenanceEvents { id type startTime endTime comparison ${COMPARISON} } pooled ${COMPARISON} }`;
const RATES = 'units defective firstPass defectRate firstPassYield';
const STATS = `{ ${RATES} groups { group ${RATES} series { bucket ${RATES} } } defectPareto { code count share cumulativeShare } }`;

interface Comparison {
  windowHours: number;
  processedBefore: number;
  defectiveBefore: number;
  defectRateBefore: number | null;
  processedAfter: number;
  defectiveAfter: number;
  defectRateAfter: number | null;
  pValue: number;
}
interface Bucket {
  label: string;
  processed: number;
  defective: number;
}
interface Correlation {
  equipmentId: string;
  processed: number;
  defective: number;
  defectRate: number | null;
  sinceMaintenance: Bucket[];
  sinceCalibration: Bucket[];
  maintenanceEvents: { id: string; type: string; startTime: string; endTime: string | null; comparison: Comparison }[];
  pooled: Comparison | null;
}
interface Rates {
  units: number;
  defective: number;
  firstPass: number;
  defectRate: number | null;
  firstPassYield: number | null;
}
interface Stats extends Rates {
  groups: (Rates & { group: string; series: (Rates & { bucket: string })[] })[];
  defectPareto: { code: string; count: number; share: number; cumulativeShare: number }[];
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

for (const backend of backends()) {
  describe.skipIf(backend.skip)(`quality analytics API on ${backend.name}`, () => {
    let server: TestApi;
    beforeAll(async () => {
      server = await startApiServer(backend, { events: raw.map((e) => CanonicalEvent.parse(e)) });
    });
    afterAll(() => server?.close());

    /** Every argument as a variable; the ones not given are null (their defaults apply). */
    const correlation = async (variables: { eq?: string; from?: string; to?: string; buckets?: number[] }) => {
      const r = await gql<{ equipmentCorrelation: Correlation[] }>(
        server.url,
        `query($from: String, $to: String, $eq: ID, $buckets: [Float!]) {
          equipmentCorrelation(equipmentId: $eq, from: $from, to: $to, bucketHours: $buckets) ${CORRELATION} }`,
        variables,
      );
      expect(r.errors).toBeUndefined();
      return r.data!.equipmentCorrelation;
    };
    const stats = async (args: string) => {
      const r = await gql<{ qualityStats: Stats }>(server.url, `{ qualityStats(${args}) ${STATS} }`);
      expect(r.errors).toBeUndefined();
      return r.data!.qualityStats;
    };

    it('equipmentCorrelation finds that assembly stations fail more before maintenance than after, with sample sizes and p-values', async () => {
      const all = await correlation({ buckets: [0.25, 0.5, 0.75] });
      const by = Object.fromEntries(all.map((c) => [c.equipmentId, c]));
      expect(Object.keys(by).sort()).toEqual([
        'ASM-1',
        'ASM-2',
        'ASM-3',
        'ASM-4',
        'MIXER-1',
        'MIXER-2',
        'MIXER-3',
        'RWK-1',
        'SMT-1',
        'SMT-2',
      ]);
      const asm = ['ASM-1', 'ASM-2', 'ASM-3', 'ASM-4'].map((id) => by[id]!);
      for (const c of asm) {
        expect(c.processed).toBe(UNITS / 4);
        expect(c.defectRate).toBeCloseTo(c.defective / c.processed, 12);
        expect(c.maintenanceEvents.length).toBeGreaterThanOrEqual(2);
        expect(c.maintenanceEvents.every((m) => m.type === 'maintenance' && m.comparison.windowHours > 0)).toBe(true);
        const p = c.pooled!;
        expect(p.processedBefore).toBe(sum(c.maintenanceEvents.map((m) => m.comparison.processedBefore)));
        expect(p.defectiveAfter).toBe(sum(c.maintenanceEvents.map((m) => m.comparison.defectiveAfter)));
        expect(p.processedBefore).toBeGreaterThan(50);
        expect(p.processedAfter).toBeGreaterThan(50);
        expect(p.defectRateBefore!).toBeGreaterThan(p.defectRateAfter!);
        // buckets partition what the station processed
        expect(sum(c.sinceMaintenance.map((b) => b.processed))).toBe(c.processed);
        expect(c.sinceMaintenance.map((b) => b.label)).toEqual(['0-0.25h', '0.25-0.5h', '0.5-0.75h', '0.75h+', 'never']);
        expect(c.sinceCalibration).toEqual([
          { label: '0-0.25h', fromHours: 0, toHours: 0.25, processed: 0, defective: 0, defectRate: null },
          { label: '0.25-0.5h', fromHours: 0.25, toHours: 0.5, processed: 0, defective: 0, defectRate: null },
          { label: '0.5-0.75h', fromHours: 0.5, toHours: 0.75, processed: 0, defective: 0, defectRate: null },
          { label: '0.75h+', fromHours: 0.75, toHours: null, processed: 0, defective: 0, defectRate: null },
          {
            label: 'never',
            fromHours: null,
            toHours: null,
            processed: c.processed,
            defective: c.defective,
            defectRate: c.defectRate,
          },
        ]);
      }
      // every failed unit failed after assembly on one of the four stations
      expect(sum(asm.map((c) => c.defective))).toBe(failedUnits.size);
      expect(Math.min(...asm.map((c) => c.pooled!.pValue))).toBeLessThan(0.01);
      // no maintenance on the SMT lines: nothing to compare
      expect(by['SMT-1']).toMatchObject({ maintenanceEvents: [], pooled: null, defective: 0 });
      // mixers are calibrated: their lots fall into the calibration buckets
      expect(by['MIXER-1']!.sinceCalibration.find((b) => b.label === 'never')).toBeUndefined();
      expect(sum(by['MIXER-1']!.sinceCalibration.map((b) => b.processed))).toBe(by['MIXER-1']!.processed);
      // the rework station's output had failed before it was reworked, not after
      expect(by['RWK-1']!.processed).toBe(failedUnits.size);
      expect(by['RWK-1']!.defective).toBe(0);
    });

    it('equipmentCorrelation for one equipment and a time window; the default buckets', async () => {
      const [one] = await correlation({ eq: 'ASM-2' });
      expect(one?.equipmentId).toBe('ASM-2');
      expect(one?.sinceMaintenance.map((b) => b.label)).toEqual(['0-8h', '8-24h', '24-72h', '72-168h', '168h+', 'never']);
      const times = raw.map((e) => Date.parse(e.eventTime));
      const mid = new Date((Math.min(...times) + Math.max(...times)) / 2 + 500).toISOString();
      const [early] = await correlation({ eq: 'ASM-2', to: mid });
      const [late] = await correlation({ eq: 'ASM-2', from: mid });
      expect(early!.processed).toBeGreaterThan(0);
      expect(late!.processed).toBeGreaterThan(0);
      expect(early!.processed + late!.processed).toBe(one!.processed);
      const [none] = await correlation({ eq: 'NO-SUCH' });
      expect(none).toMatchObject({ equipmentId: 'NO-SUCH', processed: 0, defectRate: null, pooled: null });
    });

    it('qualityStats by recipe version: units, first-pass yield, defect rate and the defect Pareto match the events', async () => {
      const s = await stats('groupBy: RECIPE');
      expect(s.groups.map((g) => [g.group, g.units])).toEqual([
        ['RCP-ASM-1', UNITS / 2],
        ['RCP-ASM-2', UNITS / 2],
        ['RCP-SA-1', UNITS / 5],
      ]);
      const asm = await stats('groupBy: RECIPE, step: "assembly"');
      expect(asm).toMatchObject({ units: UNITS, defective: failedUnits.size, firstPass: UNITS - failedUnits.size });
      expect(asm.firstPassYield).toBeCloseTo(1 - failedUnits.size / UNITS, 12);
      expect(asm.defectRate).toBeCloseTo(failedUnits.size / UNITS, 12);
      expect(asm.groups[0]!.series).toEqual([{ bucket: '2026-01-01', ...rates(asm.groups[0]!) }]);
      expect(asm.defectPareto.map((d) => [d.code, d.count])).toEqual(
        [...defectCounts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)),
      );
      expect(asm.defectPareto.at(-1)!.cumulativeShare).toBeCloseTo(1, 12);
      expect(sum(asm.defectPareto.map((d) => d.share))).toBeCloseTo(1, 12);
    });

    it('qualityStats by line, shift, operator, equipment and material lot, by day or week', async () => {
      for (const groupBy of ['LINE', 'OPERATOR', 'EQUIPMENT', 'SHIFT']) {
        const s = await stats(`groupBy: ${groupBy}, step: "assembly"`);
        expect(sum(s.groups.map((g) => g.units)), groupBy).toBe(UNITS);
        expect(sum(s.groups.map((g) => g.defective)), groupBy).toBe(failedUnits.size);
      }
      expect((await stats('groupBy: LINE, step: "assembly"')).groups.map((g) => g.group)).toEqual([
        'ASM-1',
        'ASM-2',
        'ASM-3',
        'ASM-4',
      ]);
      // the run starts at midnight UTC and lasts about four hours: all night shift in UTC, night then
      // early at UTC+4, early then late at UTC+10
      expect((await stats('groupBy: SHIFT')).groups.map((g) => g.group)).toEqual(['night']);
      expect((await stats('groupBy: SHIFT, utcOffsetMinutes: 240')).groups.map((g) => g.group)).toEqual(['early', 'night']);
      expect((await stats('groupBy: SHIFT, utcOffsetMinutes: 600')).groups.map((g) => g.group)).toEqual(['early', 'late']);
      const lots = await stats('groupBy: MATERIAL_LOT, step: "assembly"');
      expect(lots.groups.every((g) => /^LOT-[SG]-/.test(g.group))).toBe(true);
      expect(sum(lots.groups.map((g) => g.units))).toBeGreaterThanOrEqual(UNITS);
      const week = await stats('groupBy: LINE, bucket: WEEK, step: "assembly"');
      expect(week.groups[0]!.series.map((p) => p.bucket)).toEqual(['2025-12-29']);
      const empty = await stats('groupBy: LINE, from: "2030-01-01"');
      expect(empty).toEqual({
        units: 0,
        defective: 0,
        firstPass: 0,
        defectRate: null,
        firstPassYield: null,
        groups: [],
        defectPareto: [],
      });
    });

    it('answers bad input with BAD_INPUT and a message that says what to change', async () => {
      const cases: [string, Record<string, unknown>, RegExp][] = [
        [
          'query($v: String) { qualityStats(groupBy: LINE, from: $v) { units } }',
          { v: 'yesterday' },
          /`from` is not a date-time/,
        ],
        ['query($v: String) { equipmentCorrelation(to: $v) { processed } }', { v: '2026-13-45' }, /`to` is not a date-time/],
        ['{ qualityStats(groupBy: LINE, from: "2026-02-01", to: "2026-01-01") { units } }', {}, /`from` is after `to`/],
        [
          'query($v: Float) { equipmentCorrelation(windowHours: $v) { processed } }',
          { v: -1 },
          /windowHours must be more than 0/,
        ],
        ['query($v: [Float!]) { equipmentCorrelation(bucketHours: $v) { processed } }', { v: [5, 2] }, /ascending/],
        ['query($v: Int) { qualityStats(groupBy: LINE, utcOffsetMinutes: $v) { units } }', { v: 10000 }, /-840 to 840/],
        ['query($v: QualityGroupBy!) { qualityStats(groupBy: $v) { units } }', { v: 'COLOR' }, /\$v/],
        ['query($v: Float) { equipmentCorrelation(windowHours: $v) { processed } }', { v: 'long' }, /\$v/],
      ];
      for (const [query, variables, message] of cases) {
        const r = await gql(server.url, query, variables);
        expect(r.errors?.[0], query).toMatchObject({
          message: expect.stringMatching(message),
          extensions: { code: 'BAD_INPUT' },
        });
      }
      const missing = await gql(server.url, '{ qualityStats { units } }');
      expect(missing.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });
  });
}

function rates(r: Rates): Rates {
  return {
    units: r.units,
    defective: r.defective,
    firstPass: r.firstPass,
    defectRate: r.defectRate,
    firstPassYield: r.firstPassYield,
  };
}
