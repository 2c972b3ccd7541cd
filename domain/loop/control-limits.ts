/**
 * Control limits as records people set: estimated from a baseline window of readings (I-MR, sigma
 * from the mean moving range) or given as centre and sigma, frozen with who/when/why and a version
 * (domain/spc `freezeLimits`), signed like a spec change, stored in the graph and audited. The
 * monitor judges each live reading against the current limits of its equipment and parameter with
 * the record's rule set; `controlChart` and `capabilityOf` answer over a window of history.
 */
import { z } from 'zod';
import { TracegraphError } from '../../core/errors.ts';
import type { ControlLimitRecord, GraphStore, ReadingFacts } from '../../cypher/port.ts';
import { looseBounds, ms, within } from '../analytics/time.ts';
import type { AuditTrail } from '../audit/trail.ts';
import type { Signer } from '../auth/signatures.ts';
import { publishControlLimitsChanged, type LiveBus } from '../live/bus.ts';
import {
  applyRules,
  capability,
  chartPoints,
  freezeLimits,
  individualsLimits,
  QCC_CONVENTIONS,
  RULE_IDS,
  sampleSd,
  mean,
  withDisplayLimits,
  type Capability,
  type ControlLimits,
  type FrozenControlLimits,
  type RuleId,
  type RuleSetConfig,
  type StreamJudge,
} from '../spc/index.ts';
import { applicableSpec } from '../specs.ts';

export const MAX_BASELINE_READINGS = 100_000;

/** What a person gives to set limits: a baseline window, or the centre and sigma directly. */
export const ControlLimitsInput = z
  .object({
    parameter: z.string().trim().min(1).max(128),
    equipmentId: z.string().trim().min(1).max(128),
    baselineFrom: z.string().optional(),
    baselineTo: z.string().optional(),
    center: z.number().finite().optional(),
    sigma: z.number().finite().positive('sigma must be above 0').optional(),
    rules: z.array(z.enum(RULE_IDS)).min(1, 'name at least one rule, e.g. ["we1", "nelson2"]').default(['we1', 'we4']),
    reason: z.string().trim().min(1, 'control limits need a reason (e.g. "baseline after PM")').max(500),
  })
  .superRefine((v, ctx) => {
    const given = v.center !== undefined || v.sigma !== undefined;
    const window = v.baselineFrom !== undefined || v.baselineTo !== undefined;
    if (given === window)
      ctx.addIssue({ code: 'custom', message: 'give either a baseline window (baselineFrom, baselineTo) or center and sigma' });
    if (given && (v.center === undefined || v.sigma === undefined))
      ctx.addIssue({ code: 'custom', message: 'give both center and sigma' });
    if (window && (v.baselineFrom === undefined || v.baselineTo === undefined))
      ctx.addIssue({ code: 'custom', message: 'give both baselineFrom and baselineTo' });
  });
export type ControlLimitsInput = z.input<typeof ControlLimitsInput>;

/** The stored definition: the frozen limits and the rule set that judges them. */
interface Definition {
  limits: FrozenControlLimits;
  movingRange: ControlLimits;
  rules: RuleSetConfig;
}

/** The frozen limits and rules of a record, as the monitor's stream judge. */
export function judgeOf(record: ControlLimitRecord): StreamJudge {
  const d = JSON.parse(record.definition) as Definition;
  return { limits: d.limits, movingRange: d.movingRange, rules: d.rules };
}

export function rulesOf(record: ControlLimitRecord): readonly RuleId[] {
  return (JSON.parse(record.definition) as Definition).rules.rules;
}

async function readingsIn(
  store: Pick<GraphStore, 'readings'>,
  equipmentId: string,
  parameter: string,
  from: number | undefined,
  to: number | undefined,
): Promise<ReadingFacts[]> {
  const [lo, hi] = looseBounds(from, to);
  return (await store.readings(equipmentId, lo, hi))
    .filter((r) => r.parameter === parameter && within(ms(r.eventTime), from, to))
    .sort((a, b) => ms(a.eventTime) - ms(b.eventTime));
}

function instant(name: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new TracegraphError('BAD_INPUT', `${name} is not an ISO 8601 time: ${s}`);
  return t;
}

/** Computes, freezes, signs, stores and audits new control limits; tells the monitor. */
export async function setControlLimits(
  s: {
    store: Pick<GraphStore, 'readings' | 'saveControlLimits' | 'controlLimits'>;
    audit: Pick<AuditTrail, 'append'>;
    live?: LiveBus;
  },
  sign: Signer,
  input: { limits: ControlLimitsInput; meaning?: string | null },
): Promise<ControlLimitRecord> {
  const r = ControlLimitsInput.safeParse(input.limits);
  if (!r.success)
    throw new TracegraphError('BAD_INPUT', `control limits not set: ${r.error.issues.map((i) => i.message).join('; ')}`);
  const v = r.data;
  let limits: { individuals: ControlLimits; movingRange: ControlLimits };
  let baseline = 'given centre and sigma';
  if (v.center !== undefined && v.sigma !== undefined) {
    const common = {
      sigma: v.sigma,
      sigmaEstimator: null,
      rate: null,
      conventions: QCC_CONVENTIONS,
      baseline: { count: 0, excluded: [] },
    };
    limits = {
      individuals: withDisplayLimits({ ...common, chart: 'individuals', mean: v.center, subgroupSize: 1 }),
      movingRange: withDisplayLimits({ ...common, chart: 'movingRange', mean: null, subgroupSize: 2 }),
    };
  } else {
    const from = instant('baselineFrom', v.baselineFrom);
    const to = instant('baselineTo', v.baselineTo);
    const values = (await readingsIn(s.store, v.equipmentId, v.parameter, from, to)).map((x) => x.value);
    if (values.length < 20)
      throw new TracegraphError(
        'BAD_INPUT',
        `the baseline holds ${values.length} readings of ${v.parameter} on ${v.equipmentId}; at least 20 are needed: widen the window`,
      );
    limits = individualsLimits(values.slice(-MAX_BASELINE_READINGS));
    baseline = `${values.length} readings ${v.baselineFrom} .. ${v.baselineTo}`;
  }
  const key = `${v.parameter} on ${v.equipmentId}`;
  const [previous] = await s.store.controlLimits({ parameter: v.parameter, equipmentId: v.equipmentId });
  const sig = await sign({ meaning: input.meaning ?? 'approved control limits', target: `control limits ${key}` });
  const frozen = freezeLimits(
    limits.individuals,
    { parameter: key, setBy: sig.signer, setAt: sig.signedAt, reason: v.reason },
    previous ? { ...(JSON.parse(previous.definition) as Definition).limits, version: previous.version } : undefined,
  );
  const definition: Definition = { limits: frozen, movingRange: limits.movingRange, rules: { rules: v.rules } };
  const saved = await s.store.saveControlLimits({
    parameter: v.parameter,
    equipmentId: v.equipmentId,
    center: frozen.center!,
    lcl: frozen.lcl!,
    ucl: frozen.ucl!,
    sigma: frozen.sigma!,
    definition: JSON.stringify(definition),
    setBy: sig.signer,
    setAt: sig.signedAt,
    reason: v.reason,
  });
  await s.audit.append({
    actor: sig.signer,
    action: 'spc.limits',
    target: `control limits ${key}`,
    details: {
      version: saved.version,
      center: saved.center,
      lcl: saved.lcl,
      ucl: saved.ucl,
      rules: v.rules,
      baseline,
      reason: v.reason,
      signatureSeq: sig.auditSeq,
    },
  });
  if (s.live) publishControlLimitsChanged(s.live, saved);
  return saved;
}

export interface ChartPointOut {
  eventTime: string;
  value: number;
  movingRange: number | null;
  beyondLimits: 'above' | 'below' | null;
  /** Rules that flag this point. */
  rules: RuleId[];
}

export interface ControlChart {
  parameter: string;
  equipmentId: string;
  /** The current limits, or null when none are set (then center/lcl/ucl are estimated from the window: phase I). */
  limits: ControlLimitRecord | null;
  center: number | null;
  lcl: number | null;
  ucl: number | null;
  points: ChartPointOut[];
  signals: { rule: RuleId; index: number; eventTime: string; value: number }[];
}

/** The individuals chart of a window of readings against the current limits (or the window's own). */
export async function controlChart(
  store: Pick<GraphStore, 'readings' | 'controlLimits'>,
  q: { parameter: string; equipmentId: string; from?: number; to?: number },
): Promise<ControlChart> {
  const readings = await readingsIn(store, q.equipmentId, q.parameter, q.from, q.to);
  const [record] = await store.controlLimits({ parameter: q.parameter, equipmentId: q.equipmentId });
  const values = readings.map((r) => r.value);
  let judge: { limits: ControlLimits; rules: RuleSetConfig } | null = null;
  if (record) judge = judgeOf(record);
  else if (values.length >= 2) judge = { limits: individualsLimits(values).individuals, rules: { rules: ['we1', 'we4'] } };
  if (!judge)
    return {
      parameter: q.parameter,
      equipmentId: q.equipmentId,
      limits: null,
      center: null,
      lcl: null,
      ucl: null,
      points: [],
      signals: [],
    };
  const points = chartPoints(
    judge.limits,
    values.map((value) => ({ value })),
  );
  const signals = applyRules(points, judge.rules);
  const byPoint = new Map<number, RuleId[]>();
  for (const sg of signals) byPoint.set(sg.index, [...(byPoint.get(sg.index) ?? []), sg.rule]);
  return {
    parameter: q.parameter,
    equipmentId: q.equipmentId,
    limits: record ?? null,
    center: judge.limits.center,
    lcl: judge.limits.lcl,
    ucl: judge.limits.ucl,
    points: readings.map((r, i) => ({
      eventTime: r.eventTime,
      value: r.value,
      movingRange: i === 0 ? null : Math.abs(r.value - readings[i - 1]!.value),
      beyondLimits: points[i]!.beyondLimits,
      rules: byPoint.get(i) ?? [],
    })),
    signals: signals.map((sg) => ({
      rule: sg.rule,
      index: sg.index,
      eventTime: readings[sg.index]!.eventTime,
      value: readings[sg.index]!.value,
    })),
  };
}

export interface CapabilityResult extends Capability {
  n: number;
  mean: number;
  sigmaWithin: number;
  sigmaOverall: number;
  lsl: number | null;
  usl: number | null;
  specVersion: number;
}

/** Cp/Cpk (within sigma from the moving range) and Pp/Ppk over a window, against the spec in force. */
export async function capabilityOf(
  store: Pick<GraphStore, 'readings' | 'specs'>,
  q: { parameter: string; equipmentId: string; from?: number; to?: number },
): Promise<CapabilityResult> {
  const readings = await readingsIn(store, q.equipmentId, q.parameter, q.from, q.to);
  const spec = applicableSpec(await store.specs({ parameter: q.parameter }), {
    parameter: q.parameter,
    equipmentId: q.equipmentId,
    recipeId: null,
  });
  if (!spec)
    throw new TracegraphError(
      'NOT_FOUND',
      `no spec for ${q.parameter} on ${q.equipmentId}: capability needs its limits (changeSpec)`,
    );
  const values = readings.map((r) => r.value);
  if (values.length < 2)
    throw new TracegraphError(
      'BAD_INPUT',
      `${values.length} readings of ${q.parameter} on ${q.equipmentId} in the window; capability needs at least 2`,
    );
  const sigmaWithin = individualsLimits(values).individuals.sigma!;
  const sigmaOverall = sampleSd(values);
  const mu = mean(values);
  const cap = capability({
    mean: mu,
    sigmaWithin: sigmaWithin > 0 ? sigmaWithin : null,
    sigmaOverall: sigmaOverall > 0 ? sigmaOverall : null,
    n: values.length,
    spec: { lsl: spec.lsl, usl: spec.usl, target: spec.target },
  });
  return {
    ...cap,
    n: values.length,
    mean: mu,
    sigmaWithin,
    sigmaOverall,
    lsl: spec.lsl,
    usl: spec.usl,
    specVersion: spec.version,
  };
}
