/**
 * Shewhart charts: individuals / moving range, X-bar with R or S, and p, np, c, u for inspection
 * results. Each `...Limits` function estimates limits from a baseline window (phase I); `chartPoints`
 * applies any limits unchanged to any points (phase II, or the baseline itself); the `...Chart`
 * functions do both and run the rules.
 */
import { TracegraphError } from '../../core/errors.ts';
import { c4, d2 } from './constants.ts';
import { QCC_CONVENTIONS, type SigmaEstimator, type SpcConventions } from './conventions.ts';
import { limitsAt, withDisplayLimits, type ControlLimits } from './limits.ts';
import { applyRules, type RuleSetConfig, type RulePoint, type Signal } from './rules.ts';

/** The baseline window: data indices [from, to), minus `exclude` (e.g. points with an assignable cause). */
export interface BaselineWindow {
  readonly from?: number;
  readonly to?: number;
  readonly exclude?: readonly number[];
}

export interface LimitOptions {
  readonly conventions?: SpcConventions;
  readonly baseline?: BaselineWindow;
  readonly sigmaEstimator?: SigmaEstimator;
}

function bad(message: string): TracegraphError {
  return new TracegraphError('BAD_INPUT', message);
}

function checkFinite(values: readonly number[], what: string): void {
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw bad(`${what}[${i}] is ${v}; every value must be a finite number`);
  });
}

/** Indices of the baseline, in order. */
function baselineIndices(length: number, window: BaselineWindow | undefined): number[] {
  const from = window?.from ?? 0;
  const to = window?.to ?? length;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > length || from >= to) {
    throw bad(`baseline window [${from}, ${to}) does not fit ${length} data points`);
  }
  const skip = new Set(window?.exclude ?? []);
  const out: number[] = [];
  for (let i = from; i < to; i++) if (!skip.has(i)) out.push(i);
  return out;
}

export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (n - 1). */
export function sampleSd(values: readonly number[]): number {
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - 1));
}

export function rangeOf(values: readonly number[]): number {
  return Math.max(...values) - Math.min(...values);
}

/** |x_i - x_(i-1)| for i = 1..n-1. */
export function movingRanges(values: readonly number[]): number[] {
  return values.slice(1).map((v, i) => Math.abs(v - (values[i] as number)));
}

function conventionsOf(options: LimitOptions | undefined): SpcConventions {
  const conv = options?.conventions ?? QCC_CONVENTIONS;
  if (!(conv.nSigmas > 0)) throw bad(`nSigmas must be positive, got ${conv.nSigmas}`);
  if (conv.factors === 'table' && conv.nSigmas !== 3) {
    throw bad(`printed limit factors are 3-sigma factors; use factors: 'computed' for nSigmas = ${conv.nSigmas}`);
  }
  return conv;
}

function excludedFrom(length: number, window: BaselineWindow | undefined): number[] {
  return [...(window?.exclude ?? [])].filter((i) => i >= 0 && i < length).sort((a, b) => a - b);
}

// Individuals / moving range.

export interface IndividualsLimits {
  readonly individuals: ControlLimits;
  readonly movingRange: ControlLimits;
}

/**
 * I-MR limits from the baseline values. With points excluded, the moving ranges run over the
 * remaining sequence (the neighbours of a removed point become adjacent), as qcc recomputes.
 * Sigma: 'movingRange' (MR-bar / d2(2), default), 'overallSd' or 'overallSdC4'.
 */
export function individualsLimits(values: readonly number[], options?: LimitOptions): IndividualsLimits {
  checkFinite(values, 'values');
  const conventions = conventionsOf(options);
  const idx = baselineIndices(values.length, options?.baseline);
  if (idx.length < 2) throw bad(`an individuals baseline needs at least 2 values, got ${idx.length}`);
  const base = idx.map((i) => values[i] as number);
  const estimator = options?.sigmaEstimator ?? 'movingRange';
  let sigma: number;
  if (estimator === 'movingRange') sigma = mean(movingRanges(base)) / d2(2, conventions.d2);
  else if (estimator === 'overallSd') sigma = sampleSd(base);
  else if (estimator === 'overallSdC4') sigma = sampleSd(base) / c4(base.length, conventions.c4);
  else throw bad(`the individuals chart estimates sigma by movingRange, overallSd or overallSdC4, not ${estimator}`);
  const common = {
    sigma,
    sigmaEstimator: estimator,
    rate: null,
    conventions,
    baseline: { count: idx.length, excluded: excludedFrom(values.length, options?.baseline) },
  };
  return {
    individuals: withDisplayLimits({ ...common, chart: 'individuals', mean: mean(base), subgroupSize: 1 }),
    movingRange: withDisplayLimits({ ...common, chart: 'movingRange', mean: null, subgroupSize: 2 }),
  };
}

// X-bar with R or S.

export interface SubgroupStatistics {
  readonly sizes: number[];
  readonly means: number[];
  readonly ranges: number[];
  readonly stdDevs: number[];
}

export function subgroupStatistics(subgroups: readonly (readonly number[])[]): SubgroupStatistics {
  subgroups.forEach((g, i) => {
    if (g.length < 1) throw bad(`subgroup ${i} is empty`);
    checkFinite(g, `subgroups[${i}]`);
  });
  return {
    sizes: subgroups.map((g) => g.length),
    means: subgroups.map((g) => mean(g)),
    ranges: subgroups.map((g) => (g.length > 1 ? rangeOf(g) : NaN)),
    stdDevs: subgroups.map((g) => (g.length > 1 ? sampleSd(g) : NaN)),
  };
}

/** Within-subgroup sigma of the given subgroups. */
export function withinSigma(
  subgroups: readonly (readonly number[])[],
  estimator: SigmaEstimator,
  conventions: SpcConventions,
): number {
  const st = subgroupStatistics(subgroups);
  if (st.sizes.some((n) => n < 2) && (estimator === 'rBar' || estimator === 'sBar' || estimator === 'pooledSd')) {
    throw bad(`sigma by ${estimator} needs every subgroup to hold at least 2 values`);
  }
  switch (estimator) {
    case 'rBar':
      // Equal sizes: R-bar / d2(n). Unequal: the mean of R_i / d2(n_i).
      return mean(st.ranges.map((r, i) => r / d2(st.sizes[i] as number, conventions.d2)));
    case 'sBar':
      return mean(st.stdDevs.map((s, i) => s / c4(st.sizes[i] as number, conventions.c4)));
    case 'pooledSd': {
      let ss = 0;
      let df = 0;
      st.stdDevs.forEach((s, i) => {
        const w = (st.sizes[i] as number) - 1;
        ss += w * s * s;
        df += w;
      });
      return Math.sqrt(ss / df) / c4(df + 1, conventions.c4);
    }
    case 'overallSd':
      return sampleSd(subgroups.flat());
    case 'overallSdC4': {
      const all = subgroups.flat();
      return sampleSd(all) / c4(all.length, conventions.c4);
    }
    case 'movingRange':
      throw bad('movingRange estimates sigma for individuals; for subgroups use rBar, sBar, pooledSd or overallSd');
  }
}

export interface XbarRLimits {
  readonly xbar: ControlLimits;
  readonly range: ControlLimits;
}

export interface XbarSLimits {
  readonly xbar: ControlLimits;
  readonly stdDev: ControlLimits;
}

function subgroupLimits(
  subgroups: readonly (readonly number[])[],
  options: LimitOptions | undefined,
  defaultEstimator: SigmaEstimator,
  spread: 'range' | 'stdDev',
): { xbar: ControlLimits; spread: ControlLimits } {
  const conventions = conventionsOf(options);
  const idx = baselineIndices(subgroups.length, options?.baseline);
  const base = idx.map((i) => subgroups[i] as readonly number[]);
  const estimator = options?.sigmaEstimator ?? defaultEstimator;
  const sigma = withinSigma(base, estimator, conventions);
  const sizes = new Set(base.map((g) => g.length));
  const subgroupSize = sizes.size === 1 ? (base[0] as readonly number[]).length : null;
  // The grand mean weights each value equally (equal sizes: the mean of the subgroup means).
  const all = base.flat();
  const common = {
    sigma,
    sigmaEstimator: estimator,
    rate: null,
    subgroupSize,
    conventions,
    baseline: { count: idx.length, excluded: excludedFrom(subgroups.length, options?.baseline) },
  };
  return {
    xbar: withDisplayLimits({ ...common, chart: 'xbar', mean: mean(all) }),
    spread: withDisplayLimits({ ...common, chart: spread, mean: null }),
  };
}

/** X-bar and R limits; sigma by R-bar / d2 unless told otherwise. */
export function xbarRLimits(subgroups: readonly (readonly number[])[], options?: LimitOptions): XbarRLimits {
  const { xbar, spread } = subgroupLimits(subgroups, options, 'rBar', 'range');
  return { xbar, range: spread };
}

/** X-bar and S limits; sigma by s-bar / c4 unless told otherwise. */
export function xbarSLimits(subgroups: readonly (readonly number[])[], options?: LimitOptions): XbarSLimits {
  const { xbar, spread } = subgroupLimits(subgroups, options, 'sBar', 'stdDev');
  return { xbar, stdDev: spread };
}

// Attributes.

/** One inspected sample: nonconforming units (p, np) or nonconformities (c, u), and its size. */
export interface AttributeSample {
  readonly count: number;
  readonly size: number;
}

function checkSamples(samples: readonly AttributeSample[], unitsAreItems: boolean): void {
  samples.forEach((s, i) => {
    if (!Number.isFinite(s.count) || s.count < 0) throw bad(`sample ${i}: count must be >= 0, got ${s.count}`);
    if (!Number.isFinite(s.size) || s.size <= 0) throw bad(`sample ${i}: size must be > 0, got ${s.size}`);
    if (unitsAreItems && s.count > s.size) throw bad(`sample ${i}: ${s.count} nonconforming out of ${s.size} inspected`);
  });
}

function attributeLimits(
  chart: 'p' | 'np' | 'c' | 'u',
  samples: readonly AttributeSample[],
  options: LimitOptions | undefined,
): ControlLimits {
  checkSamples(samples, chart === 'p' || chart === 'np');
  const conventions = conventionsOf(options);
  const idx = baselineIndices(samples.length, options?.baseline);
  const base = idx.map((i) => samples[i] as AttributeSample);
  const sizes = new Set(base.map((s) => s.size));
  if (chart === 'np' && sizes.size > 1) throw bad('an np chart needs one sample size; use a p chart for varying sizes');
  let count = 0;
  let size = 0;
  for (const s of base) {
    count += s.count;
    size += s.size;
  }
  // p-bar and u-bar weight by size (total count / total inspected); c-bar is the mean count.
  const rate = chart === 'c' ? count / base.length : count / size;
  const subgroupSize = sizes.size === 1 ? (base[0] as AttributeSample).size : null;
  return withDisplayLimits({
    chart,
    mean: null,
    sigma: null,
    sigmaEstimator: null,
    rate,
    subgroupSize: chart === 'c' ? null : subgroupSize,
    conventions,
    baseline: { count: idx.length, excluded: excludedFrom(samples.length, options?.baseline) },
  });
}

/** Fraction nonconforming; sizes may vary (limits then vary per point). */
export const pLimits = (samples: readonly AttributeSample[], options?: LimitOptions): ControlLimits =>
  attributeLimits('p', samples, options);
/** Number nonconforming, one sample size. */
export const npLimits = (samples: readonly AttributeSample[], options?: LimitOptions): ControlLimits =>
  attributeLimits('np', samples, options);
/** Nonconformities per inspection unit of constant size. */
export const cLimits = (counts: readonly number[], options?: LimitOptions): ControlLimits =>
  attributeLimits(
    'c',
    counts.map((count) => ({ count, size: 1 })),
    options,
  );
/** Nonconformities per unit; sizes may vary. */
export const uLimits = (samples: readonly AttributeSample[], options?: LimitOptions): ControlLimits =>
  attributeLimits('u', samples, options);

// Applying limits.

export interface ChartStatistic {
  readonly value: number;
  /** Subgroup size (X-bar, R, S, p, np, u); not needed for individuals, MR and c. */
  readonly size?: number;
}

export interface ChartPoint extends RulePoint {
  readonly index: number;
  readonly size: number | null;
  readonly lcl: number;
  readonly ucl: number;
  /** 'I' inside the baseline window, 'II' after it (before it: also 'II', judged by the same limits). */
  readonly phase: 'I' | 'II';
  readonly beyondLimits: 'above' | 'below' | null;
}

/**
 * Judges statistics against fixed limits. Beyond-limit is strict (a point exactly on a limit is in).
 * `baseline` marks which points were phase I; the limits are used unchanged for all points.
 */
export function chartPoints(limits: ControlLimits, stats: readonly ChartStatistic[], baseline?: BaselineWindow): ChartPoint[] {
  const from = baseline?.from ?? 0;
  const to = baseline?.to ?? (baseline ? stats.length : 0);
  return stats.map((s, index) => {
    if (!Number.isFinite(s.value)) throw bad(`point ${index} is ${s.value}; chart values must be finite`);
    const at = limitsAt(limits, s.size);
    const beyondLimits = s.value > at.ucl ? 'above' : s.value < at.lcl ? 'below' : null;
    return {
      index,
      value: s.value,
      size: s.size ?? null,
      center: at.center,
      sigma: at.sigma,
      lcl: at.lcl,
      ucl: at.ucl,
      phase: index >= from && index < to ? 'I' : 'II',
      beyondLimits,
    };
  });
}

export interface ChartResult {
  readonly limits: ControlLimits;
  readonly points: ChartPoint[];
  readonly signals: Signal[];
}

export interface ChartOptions extends LimitOptions {
  readonly rules?: RuleSetConfig;
}

function judged(limits: ControlLimits, stats: ChartStatistic[], options: ChartOptions | undefined): ChartResult {
  const baseline = options?.baseline ?? {};
  const points = chartPoints(limits, stats, { from: baseline.from ?? 0, to: baseline.to ?? stats.length });
  // Points left out of the baseline are still plotted and judged, as qcc does with phase-II data.
  return { limits, points, signals: options?.rules ? applyRules(points, options.rules) : [] };
}

/** I-MR chart over all values, limits from the baseline window; rules judge the individuals chart. */
export function individualsChart(
  values: readonly number[],
  options?: ChartOptions,
): { individuals: ChartResult; movingRange: ChartResult } {
  const limits = individualsLimits(values, options);
  const mr = movingRanges(values);
  const mrResult = judged(
    limits.movingRange,
    mr.map((value) => ({ value })),
    { ...options, rules: undefined },
  );
  // The first value has no moving range: MR point j belongs to value j + 1, and takes its phase.
  const from = options?.baseline?.from ?? 0;
  const to = options?.baseline?.to ?? values.length;
  const mrPoints = mrResult.points.map((p) => {
    const index = p.index + 1;
    return { ...p, index, phase: index >= from && index < to ? ('I' as const) : ('II' as const) };
  });
  return {
    individuals: judged(
      limits.individuals,
      values.map((value) => ({ value })),
      options,
    ),
    movingRange: { ...mrResult, points: mrPoints },
  };
}

/** An X-bar chart judged by the rules and its spread chart (R or S) beside it, unjudged. */
function subgroupCharts(
  xbarLimits: ControlLimits,
  spreadLimits: ControlLimits,
  sizes: readonly number[],
  means: readonly number[],
  spreads: readonly number[],
  options?: ChartOptions,
): { xbar: ChartResult; spread: ChartResult } {
  const sized = (values: readonly number[]) => values.map((value, i) => ({ value, size: sizes[i] as number }));
  return {
    xbar: judged(xbarLimits, sized(means), options),
    spread: judged(spreadLimits, sized(spreads), { ...options, rules: undefined }),
  };
}

/** X-bar/R charts; rules judge the X-bar chart. */
export function xbarRChart(
  subgroups: readonly (readonly number[])[],
  options?: ChartOptions,
): { xbar: ChartResult; range: ChartResult } {
  const limits = xbarRLimits(subgroups, options);
  const st = subgroupStatistics(subgroups);
  const { xbar, spread } = subgroupCharts(limits.xbar, limits.range, st.sizes, st.means, st.ranges, options);
  return { xbar, range: spread };
}

/** X-bar/S charts; rules judge the X-bar chart. */
export function xbarSChart(
  subgroups: readonly (readonly number[])[],
  options?: ChartOptions,
): { xbar: ChartResult; stdDev: ChartResult } {
  const limits = xbarSLimits(subgroups, options);
  const st = subgroupStatistics(subgroups);
  const { xbar, spread } = subgroupCharts(limits.xbar, limits.stdDev, st.sizes, st.means, st.stdDevs, options);
  return { xbar, stdDev: spread };
}

/** p, np, c or u chart over all samples, limits from the baseline window. */
export function attributeChart(
  chart: 'p' | 'np' | 'c' | 'u',
  samples: readonly AttributeSample[],
  options?: ChartOptions,
): ChartResult {
  const limits =
    chart === 'c'
      ? cLimits(
          samples.map((s) => s.count),
          options,
        )
      : attributeLimits(chart, samples, options);
  const stats = samples.map((s) => ({ value: chart === 'p' || chart === 'u' ? s.count / s.size : s.count, size: s.size }));
  return judged(limits, stats, options);
}

// Phase I with exclusion.

export interface PhaseOneResult {
  readonly limits: IndividualsLimits;
  /** Data indices removed, in the order they were removed. */
  readonly excluded: number[];
  readonly rounds: number;
}

/**
 * Phase I for individuals: estimate limits, judge the baseline with the rules, drop the signalled
 * points and estimate again, until nothing signals or `maxRounds` removals have been made. The
 * caller should only drop points with an assignable cause; maxRounds = 1 mirrors a single review.
 */
export function phaseOneIndividuals(
  values: readonly number[],
  options: LimitOptions & { readonly rules: RuleSetConfig; readonly maxRounds?: number },
): PhaseOneResult {
  const maxRounds = options.maxRounds ?? 10;
  const excluded: number[] = [...(options.baseline?.exclude ?? [])];
  let rounds = 0;
  for (;;) {
    const window = { ...options.baseline, exclude: excluded };
    const limits = individualsLimits(values, { ...options, baseline: window });
    if (rounds >= maxRounds) return { limits, excluded, rounds };
    const idx = baselineIndices(values.length, window);
    const points = chartPoints(
      limits.individuals,
      idx.map((i) => ({ value: values[i] as number })),
    );
    const flagged = new Set(applyRules(points, options.rules).map((s) => idx[s.index] as number));
    if (flagged.size === 0) return { limits, excluded, rounds };
    excluded.push(...[...flagged].sort((a, b) => a - b));
    rounds++;
  }
}
