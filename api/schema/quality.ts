/**
 * Equipment and quality analytics: `equipmentCorrelation` (a name clients depend on, docs/api.md) and
 * `qualityStats` (first-pass yield, defect rates by group over time, defect Pareto).
 */
import { TracegraphError } from '../../core/errors.ts';
import {
  DEFAULT_BUCKET_HOURS,
  DEFAULT_WINDOW_HOURS,
  equipmentCorrelation,
  qualityStats,
  type Bucket,
  type DefectCount,
  type EquipmentCorrelation,
  type MaintenanceEffect,
  type QualityGroup,
  type QualityPoint,
  type QualityStats,
  type WindowComparison,
} from '../../domain/analytics/quality.ts';
import { looseBounds, parseInstant } from '../../domain/analytics/time.ts';
import type { GraphStore, QualityFacts } from '../../cypher/port.ts';
import { builder } from '../builder.ts';
import type { ObjectFieldBuilder } from '@pothos/core';

const BucketRef = builder.objectRef<Bucket>('TimeSinceBucket').implement({
  description:
    'Items processed while the time since the last maintenance (or calibration) was in [fromHours, toHours); `never` when there was none before.',
  fields: (t) => ({
    label: t.exposeString('label'),
    fromHours: t.exposeFloat('fromHours', { nullable: true }),
    toHours: t.exposeFloat('toHours', { nullable: true }),
    processed: t.exposeInt('processed'),
    defective: t.exposeInt('defective'),
    defectRate: t.exposeFloat('defectRate', { nullable: true }),
  }),
});

const Comparison = builder.objectRef<WindowComparison>('BeforeAfter').implement({
  description: 'Defect rates in equal windows before and after maintenance, with the sample sizes and a significance test.',
  fields: (t) => ({
    windowHours: t.exposeFloat('windowHours', { description: 'Length of each of the two equal windows' }),
    processedBefore: t.exposeInt('processedBefore'),
    defectiveBefore: t.exposeInt('defectiveBefore'),
    defectRateBefore: t.exposeFloat('defectRateBefore', { nullable: true }),
    processedAfter: t.exposeInt('processedAfter'),
    defectiveAfter: t.exposeInt('defectiveAfter'),
    defectRateAfter: t.exposeFloat('defectRateAfter', { nullable: true }),
    pValue: t.exposeFloat('pValue', { description: "Fisher's exact test, two-sided" }),
  }),
});

const Effect = builder.objectRef<MaintenanceEffect>('MaintenanceEffect').implement({
  description:
    'One maintenance or calibration event and the defect rates in equal windows before its start and after its end (each window stops at the neighbouring event).',
  fields: (t) => ({
    id: t.id({ resolve: (e) => e.maintenance.id }),
    type: t.string({ resolve: (e) => e.maintenance.type }),
    startTime: t.string({ resolve: (e) => e.maintenance.startTime }),
    endTime: t.string({ nullable: true, resolve: (e) => e.maintenance.endTime }),
    comparison: t.field({ type: Comparison, resolve: (e) => e }),
  }),
});

const Correlation = builder.objectRef<EquipmentCorrelation>('EquipmentCorrelation').implement({
  fields: (t) => ({
    equipmentId: t.exposeID('equipment'),
    processed: t.exposeInt('processed', { description: 'Items (lots and units, not containers) output by operations on it' }),
    defective: t.exposeInt('defective', { description: 'Of those: operation result fail, or a failed inspection afterwards' }),
    defectRate: t.exposeFloat('defectRate', { nullable: true }),
    sinceMaintenance: t.field({ type: [BucketRef], resolve: (c) => c.sinceMaintenance }),
    sinceCalibration: t.field({ type: [BucketRef], resolve: (c) => c.sinceCalibration }),
    maintenanceEvents: t.field({ type: [Effect], resolve: (c) => c.maintenanceEvents }),
    pooled: t.field({ type: Comparison, nullable: true, description: "All events' windows added up", resolve: (c) => c.pooled }),
  }),
});

const GroupBy = builder.enumType('QualityGroupBy', {
  description:
    'LINE is the station; SHIFT is early 06-14, late 14-22, night 22-06; MATERIAL_LOT is each lot that went into the operation that made the unit.',
  values: ['LINE', 'SHIFT', 'OPERATOR', 'MATERIAL_LOT', 'RECIPE', 'EQUIPMENT'] as const,
});
const TimeBucketEnum = builder.enumType('TimeBucket', {
  description: 'DAY, or WEEK starting on Monday',
  values: ['DAY', 'WEEK'] as const,
});

interface Rates {
  units: number;
  defective: number;
  firstPass: number;
  defectRate: number | null;
  firstPassYield: number | null;
}
type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
const rateFields = <T extends Rates>(t: ObjectFieldBuilder<Types, T>) => ({
  units: t.int({ resolve: (x) => x.units }),
  defective: t.int({ resolve: (x) => x.defective }),
  firstPass: t.int({ resolve: (x) => x.firstPass }),
  defectRate: t.float({ nullable: true, resolve: (x) => x.defectRate }),
  firstPassYield: t.float({ nullable: true, resolve: (x) => x.firstPassYield }),
});

const Point = builder.objectRef<QualityPoint>('QualityPoint').implement({
  fields: (t) => ({
    bucket: t.exposeString('bucket', { description: 'YYYY-MM-DD: the day, or the Monday of the week' }),
    ...rateFields(t),
  }),
});
const Group = builder.objectRef<QualityGroup>('QualityGroup').implement({
  fields: (t) => ({
    group: t.exposeString('group'),
    ...rateFields(t),
    series: t.field({ type: [Point], resolve: (g) => g.series }),
  }),
});
const Defect = builder.objectRef<DefectCount>('DefectCount').implement({
  fields: (t) => ({
    code: t.exposeString('code'),
    count: t.exposeInt('count'),
    share: t.exposeFloat('share'),
    cumulativeShare: t.exposeFloat('cumulativeShare'),
  }),
});
const Stats = builder.objectRef<QualityStats>('QualityStats').implement({
  description:
    'Units made in the window (rework not counted again): first-pass yield and defect rate, by group and over time, and the defect Pareto.',
  fields: (t) => ({
    ...rateFields(t),
    groups: t.field({ type: [Group], resolve: (s) => s.groups }),
    defectPareto: t.field({ type: [Defect], resolve: (s) => s.defectPareto }),
  }),
});

function range(fromRaw: string | null | undefined, toRaw: string | null | undefined) {
  const from = parseInstant('from', fromRaw);
  const to = parseInstant('to', toRaw);
  if (from !== undefined && to !== undefined && from > to)
    throw new TracegraphError('BAD_INPUT', '`from` is after `to`: swap them');
  return { from, to };
}

function facts(store: GraphStore, from: number | undefined, to: number | undefined): Promise<QualityFacts> {
  const [lo, hi] = looseBounds(from, to);
  return store.qualityFacts(lo, hi);
}

builder.queryFields((t) => ({
  equipmentCorrelation: t.field({
    authScopes: { readMonitor: true },
    type: [Correlation],
    description:
      'Per equipment: defect rate of what it processed against time since maintenance and calibration, and before vs after each event.',
    args: {
      equipmentId: t.arg.id({ description: 'One equipment; all when omitted' }),
      from: t.arg.string({ description: 'ISO 8601; operations that ended at or after it' }),
      to: t.arg.string({ description: 'ISO 8601; operations that ended at or before it' }),
      windowHours: t.arg.float({ defaultValue: DEFAULT_WINDOW_HOURS, description: 'Longest before/after window, hours' }),
      bucketHours: t.arg.floatList({
        description: `Bucket edges in hours, ascending (default ${DEFAULT_BUCKET_HOURS.join(', ')})`,
      }),
    },
    resolve: async (_r, args, ctx) => {
      const { from, to } = range(args.from, args.to);
      const windowHours = args.windowHours ?? DEFAULT_WINDOW_HOURS;
      if (!(windowHours > 0 && windowHours <= 24 * 366))
        throw new TracegraphError('BAD_INPUT', `windowHours must be more than 0 and at most ${24 * 366}, got ${windowHours}`);
      const bucketHours = args.bucketHours ?? DEFAULT_BUCKET_HOURS;
      if (bucketHours.length > 20 || bucketHours.some((h, i) => !(h > 0) || (i > 0 && h <= bucketHours[i - 1]!)))
        throw new TracegraphError(
          'BAD_INPUT',
          'bucketHours must be at most 20 positive numbers in ascending order, e.g. [8, 24, 72, 168]',
        );
      const equipment = args.equipmentId?.trim() || undefined;
      return equipmentCorrelation(await facts(ctx.store, from, to), { from, to, equipment, windowHours, bucketHours });
    },
  }),
  qualityStats: t.field({
    authScopes: { readMonitor: true },
    type: Stats,
    args: {
      groupBy: t.arg({ type: GroupBy, required: true }),
      bucket: t.arg({ type: TimeBucketEnum, defaultValue: 'DAY' }),
      from: t.arg.string({ description: 'ISO 8601' }),
      to: t.arg.string({ description: 'ISO 8601' }),
      step: t.arg.string({ description: 'Only units made by this step (e.g. assembly)' }),
      utcOffsetMinutes: t.arg.int({ defaultValue: 0, description: "The plant's offset from UTC, for shifts and days" }),
    },
    resolve: async (_r, args, ctx) => {
      const { from, to } = range(args.from, args.to);
      const offset = args.utcOffsetMinutes ?? 0;
      if (offset < -840 || offset > 840)
        throw new TracegraphError('BAD_INPUT', `utcOffsetMinutes must be from -840 to 840, got ${offset}`);
      return qualityStats(await facts(ctx.store, from, to), {
        from,
        to,
        groupBy: args.groupBy,
        bucket: args.bucket ?? 'DAY',
        utcOffsetMinutes: offset,
        step: args.step ?? undefined,
      });
    },
  }),
}));
