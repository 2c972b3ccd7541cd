/**
 * The quality loop over GraphQL: control charts and capability (domain/loop/control-limits.ts),
 * control limits set with a signature, alarm acknowledgement, the interlock, the versioned quality
 * configuration (signed changes) and equipment due dates; and the calibration status of each
 * operation in a unit's history.
 */
import { TracegraphError } from '../../core/errors.ts';
import type { ControlLimitRecord } from '../../cypher/port.ts';
import { parseInstant } from '../../domain/analytics/time.ts';
import { requireSignature } from '../../domain/auth/signatures.ts';
import { acknowledgeAlarm } from '../../domain/loop/alarms.ts';
import { changeQualityConfig, type QualityConfigVersion } from '../../domain/loop/config.ts';
import {
  capabilityOf,
  controlChart,
  rulesOf,
  setControlLimits,
  type CapabilityResult,
  type ChartPointOut,
  type ControlChart,
} from '../../domain/loop/control-limits.ts';
import { calibrationAt, dueStates, type DueState } from '../../domain/loop/equipment.ts';
import type { InterlockAnswer, InterlockReason } from '../../domain/loop/interlock.ts';
import type { IndexEstimate } from '../../domain/spc/index.ts';
import { builder, type ApiContext } from '../builder.ts';
import { HistoryOperationRef } from './history.ts';
import { AlarmType } from './live.ts';

function loop(ctx: ApiContext): NonNullable<ApiContext['loop']> {
  if (!ctx.loop) throw new TracegraphError('INTERNAL', 'the quality loop services are not in the API context');
  return ctx.loop;
}

function window(args: { from?: string | null; to?: string | null }): { from?: number; to?: number } {
  const from = parseInstant('from', args.from);
  const to = parseInstant('to', args.to);
  if (from !== undefined && to !== undefined && from > to)
    throw new TracegraphError('BAD_INPUT', '`from` is after `to`: swap them');
  return { from, to };
}

const ControlLimitsType = builder.objectRef<ControlLimitRecord>('ControlLimits').implement({
  description: 'One version of the control limits of a parameter on one piece of equipment: frozen, signed, never changed.',
  fields: (t) => ({
    parameter: t.exposeString('parameter'),
    equipmentId: t.exposeID('equipmentId', { nullable: true }),
    version: t.exposeInt('version'),
    center: t.exposeFloat('center'),
    lcl: t.exposeFloat('lcl'),
    ucl: t.exposeFloat('ucl'),
    sigma: t.exposeFloat('sigma'),
    rules: t.stringList({ resolve: (c) => [...rulesOf(c)], description: 'the run rules that raise alarms, e.g. we1, nelson2' }),
    setBy: t.exposeString('setBy'),
    setAt: t.exposeString('setAt', { description: 'ISO 8601, UTC: the time of the signature' }),
    reason: t.exposeString('reason'),
  }),
});

const ChartPointType = builder.objectRef<ChartPointOut>('ControlChartPoint').implement({
  fields: (t) => ({
    eventTime: t.exposeString('eventTime'),
    value: t.exposeFloat('value'),
    movingRange: t.exposeFloat('movingRange', { nullable: true }),
    beyondLimits: t.exposeString('beyondLimits', { nullable: true, description: 'above, below or null' }),
    rules: t.stringList({ resolve: (p) => p.rules, description: 'rules that flag this point' }),
  }),
});

const SignalType = builder.objectRef<ControlChart['signals'][number]>('ControlChartSignal').implement({
  fields: (t) => ({
    rule: t.exposeString('rule'),
    index: t.exposeInt('index'),
    eventTime: t.exposeString('eventTime'),
    value: t.exposeFloat('value'),
  }),
});

const ControlChartType = builder.objectRef<ControlChart>('ControlChart').implement({
  description:
    'An individuals chart of readings in a window against the current control limits (or, without any, the window\u2019s own).',
  fields: (t) => ({
    parameter: t.exposeString('parameter'),
    equipmentId: t.exposeID('equipmentId'),
    limits: t.field({ type: ControlLimitsType, nullable: true, resolve: (c) => c.limits }),
    center: t.exposeFloat('center', { nullable: true }),
    lcl: t.exposeFloat('lcl', { nullable: true }),
    ucl: t.exposeFloat('ucl', { nullable: true }),
    points: t.field({ type: [ChartPointType], resolve: (c) => c.points }),
    signals: t.field({ type: [SignalType], resolve: (c) => c.signals }),
  }),
});

const IndexType = builder.objectRef<IndexEstimate>('CapabilityIndex').implement({
  fields: (t) => ({
    value: t.exposeFloat('value'),
    lower: t.exposeFloat('lower', { nullable: true, description: '95% confidence interval' }),
    upper: t.exposeFloat('upper', { nullable: true }),
  }),
});

const idx = (name: 'cp' | 'cpk' | 'cpl' | 'cpu' | 'cpm' | 'pp' | 'ppk' | 'ppl' | 'ppu' | 'ppm') =>
  ({ type: IndexType, nullable: true, resolve: (c: CapabilityResult) => c[name] }) as const;

const CapabilityType = builder.objectRef<CapabilityResult>('Capability').implement({
  description:
    'Process capability (within sigma from the moving range) and performance (overall sigma) against the spec in force.',
  fields: (t) => ({
    n: t.exposeInt('n'),
    mean: t.exposeFloat('mean'),
    sigmaWithin: t.exposeFloat('sigmaWithin'),
    sigmaOverall: t.exposeFloat('sigmaOverall'),
    lsl: t.exposeFloat('lsl', { nullable: true }),
    usl: t.exposeFloat('usl', { nullable: true }),
    specVersion: t.exposeInt('specVersion'),
    cp: t.field(idx('cp')),
    cpk: t.field(idx('cpk')),
    cpl: t.field(idx('cpl')),
    cpu: t.field(idx('cpu')),
    cpm: t.field(idx('cpm')),
    pp: t.field(idx('pp')),
    ppk: t.field(idx('ppk')),
    ppl: t.field(idx('ppl')),
    ppu: t.field(idx('ppu')),
    ppm: t.field(idx('ppm')),
    expectedBelowLsl: t.exposeFloat('expectedBelowLsl', { nullable: true }),
    expectedAboveUsl: t.exposeFloat('expectedAboveUsl', { nullable: true }),
  }),
});

const ReasonType = builder.objectRef<InterlockReason>('InterlockReason').implement({
  fields: (t) => ({ code: t.exposeString('code'), message: t.exposeString('message') }),
});

const InterlockType = builder.objectRef<InterlockAnswer>('InterlockAnswer').implement({
  description: 'May the item enter the step? With every reason it may not.',
  fields: (t) => ({
    allow: t.exposeBoolean('allow'),
    reasons: t.field({ type: [ReasonType], resolve: (a) => a.reasons }),
    checkedAt: t.exposeString('checkedAt'),
  }),
});

const ConfigVersionType = builder.objectRef<QualityConfigVersion>('QualityConfigVersion').implement({
  description:
    'One version of the quality configuration: alarm policies, routings, recipe releases, stations, equipment intervals, qualifications.',
  fields: (t) => ({
    version: t.exposeInt('version'),
    config: t.string({ resolve: (v) => JSON.stringify(v.config), description: 'the configuration as JSON' }),
    setBy: t.exposeString('setBy'),
    setAt: t.exposeString('setAt'),
    reason: t.exposeString('reason'),
    signatureSeq: t.exposeInt('signatureSeq', { nullable: true, description: 'the audit entry of the signature' }),
  }),
});

const DueType = builder.objectRef<DueState>('EquipmentDue').implement({
  description: 'When a configured calibration or maintenance of an equipment falls due.',
  fields: (t) => ({
    equipmentId: t.exposeID('equipmentId'),
    kind: t.exposeString('kind', { description: 'calibration or maintenance' }),
    intervalDays: t.exposeFloat('intervalDays'),
    lastAt: t.exposeString('lastAt', { nullable: true }),
    dueAt: t.exposeString('dueAt', { nullable: true }),
    overdue: t.exposeBoolean('overdue'),
  }),
});

const CalibrationType = builder.objectRef<ReturnType<typeof calibrationAt>>('CalibrationStatus').implement({
  fields: (t) => ({
    status: t.exposeString('status', { description: 'in-calibration, overdue or not-tracked' }),
    lastAt: t.exposeString('lastAt', { nullable: true }),
    dueAt: t.exposeString('dueAt', { nullable: true }),
  }),
});

builder.objectField(HistoryOperationRef, 'calibration', (t) =>
  t.field({
    type: CalibrationType,
    nullable: true,
    description: 'The calibration status of its equipment when it ran (null without equipment)',
    resolve: async (o, _args, ctx) => {
      if (!o.equipment) return null;
      const facts = await ctx.store.qualityFacts('\uffff', '\uffff');
      return calibrationAt(loop(ctx).config.current().config, facts.maintenance, o.equipment, Date.parse(o.endTime));
    },
  }),
);

const LimitsInputType = builder.inputType('ControlLimitsInput', {
  description: 'Limits from a baseline window of readings (baselineFrom, baselineTo), or a given center and sigma.',
  fields: (t) => ({
    parameter: t.string({ required: true }),
    equipmentId: t.id({ required: true }),
    baselineFrom: t.string(),
    baselineTo: t.string(),
    center: t.float(),
    sigma: t.float(),
    rules: t.stringList({ description: 'run rules: we1..we4, nelson1..nelson8 (default we1, we4)' }),
    reason: t.string({ required: true }),
  }),
});

const chartArgs = (t: Parameters<Parameters<typeof builder.queryFields>[0]>[0]) => ({
  parameter: t.arg.string({ required: true }),
  equipmentId: t.arg.id({ required: true }),
  from: t.arg.string({ description: 'ISO 8601' }),
  to: t.arg.string({ description: 'ISO 8601' }),
});

builder.queryFields((t) => ({
  controlChart: t.field({
    type: ControlChartType,
    authScopes: { readMonitor: true },
    args: chartArgs(t),
    resolve: (_r, args, ctx) =>
      controlChart(ctx.store, { parameter: args.parameter, equipmentId: String(args.equipmentId), ...window(args) }),
  }),
  capability: t.field({
    type: CapabilityType,
    authScopes: { readMonitor: true },
    args: chartArgs(t),
    resolve: (_r, args, ctx) =>
      capabilityOf(ctx.store, { parameter: args.parameter, equipmentId: String(args.equipmentId), ...window(args) }),
  }),
  controlLimits: t.field({
    type: [ControlLimitsType],
    description: 'The current control limits of every parameter and equipment, or with history every version.',
    authScopes: { readMonitor: true },
    args: { parameter: t.arg.string(), equipmentId: t.arg.id(), history: t.arg.boolean({ defaultValue: false }) },
    resolve: (_r, args, ctx) =>
      ctx.store.controlLimits({
        parameter: args.parameter ?? undefined,
        equipmentId: args.equipmentId ?? undefined,
        history: args.history ?? false,
      }),
  }),
  interlock: t.field({
    type: InterlockType,
    description: 'May this item enter this step at this station? Every refusal is recorded in the audit trail.',
    authScopes: { capture: true, readMonitor: true },
    args: {
      item: t.arg.id({ required: true }),
      step: t.arg.string({ required: true }),
      station: t.arg.string({ required: true }),
      operator: t.arg.string(),
      recipeId: t.arg.id(),
    },
    resolve: (_r, args, ctx) =>
      loop(ctx).interlock.check({
        item: String(args.item),
        step: args.step,
        station: args.station,
        operator: args.operator ?? undefined,
        recipeId: args.recipeId ?? undefined,
      }),
  }),
  qualityConfig: t.field({
    type: ConfigVersionType,
    description: 'The quality configuration in force (version 0: none set).',
    authScopes: { readMonitor: true, spec: true },
    resolve: (_r, _a, ctx) => loop(ctx).config.current(),
  }),
  equipmentDue: t.field({
    type: [DueType],
    description: 'Calibration and maintenance due dates of every equipment with a configured interval.',
    authScopes: { readMonitor: true },
    resolve: async (_r, _a, ctx) =>
      dueStates(loop(ctx).config.current().config, (await ctx.store.qualityFacts('\uffff', '\uffff')).maintenance, Date.now()),
  }),
}));

builder.mutationFields((t) => ({
  acknowledgeAlarm: t.withAuth({ readMonitor: true }).field({
    type: AlarmType,
    description: 'Acknowledges an alarm with a comment (recorded in the audit trail); stops its escalation.',
    args: { id: t.arg.id({ required: true }), comment: t.arg.string({ required: true }) },
    resolve: (_r, args, ctx) => acknowledgeAlarm(ctx, { id: String(args.id), comment: args.comment, by: ctx.principal.name }),
  }),
  setControlLimits: t.withAuth({ spec: true }).field({
    type: ControlLimitsType,
    description: 'Freezes a new version of control limits. Needs your password again: it is an electronic signature.',
    args: {
      limits: t.arg({ type: LimitsInputType, required: true }),
      password: t.arg.string({ required: true }),
      meaning: t.arg.string(),
    },
    resolve: (_r, args, ctx) =>
      setControlLimits(ctx, (what) => requireSignature(ctx, { ...what, password: args.password }), {
        limits: {
          parameter: args.limits.parameter,
          equipmentId: String(args.limits.equipmentId),
          baselineFrom: args.limits.baselineFrom ?? undefined,
          baselineTo: args.limits.baselineTo ?? undefined,
          center: args.limits.center ?? undefined,
          sigma: args.limits.sigma ?? undefined,
          rules: (args.limits.rules ?? undefined) as never,
          reason: args.limits.reason,
        },
        meaning: args.meaning,
      }),
  }),
  changeQualityConfig: t.withAuth({ spec: true }).field({
    type: ConfigVersionType,
    description:
      'Writes a new version of the quality configuration (JSON: alarmPolicies, routings, recipeReleases, stations, equipment, qualifications). Signed.',
    args: {
      config: t.arg.string({ required: true, description: 'the whole configuration as JSON' }),
      reason: t.arg.string({ required: true }),
      password: t.arg.string({ required: true }),
      meaning: t.arg.string(),
    },
    resolve: (_r, args, ctx) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(args.config);
      } catch (e) {
        throw new TracegraphError('BAD_INPUT', `config is not JSON: ${(e as Error).message}`);
      }
      return changeQualityConfig(
        { config: loop(ctx).config, audit: ctx.audit },
        (what) => requireSignature(ctx, { ...what, password: args.password }),
        { config: parsed, reason: args.reason, meaning: args.meaning },
      );
    },
  }),
}));
