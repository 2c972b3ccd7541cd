/**
 * Control limits as a value: what was estimated from the baseline (process mean, sigma or rate),
 * under which conventions, and the limits that follow for any subgroup size. Limits are computed in
 * phase I and then applied unchanged (phase II); `freezeLimits` records who set them, when and why,
 * with a version number, so a chart can always say which limits judged a point.
 */
import { TracegraphError } from '../../core/errors.ts';
import { c4, d2, d3, tableFactor } from './constants.ts';
import type { SigmaEstimator, SpcConventions } from './conventions.ts';

export type ChartKind = 'individuals' | 'movingRange' | 'xbar' | 'range' | 'stdDev' | 'p' | 'np' | 'c' | 'u';

export interface Baseline {
  /** How many baseline points (subgroups, or values for individuals) the estimate used. */
  readonly count: number;
  /** Indices (into the data given) that were left out of the estimate. */
  readonly excluded: readonly number[];
}

export interface ControlLimits {
  readonly chart: ChartKind;
  /** Process mean (individuals, xbar); null for the other charts. */
  readonly mean: number | null;
  /** Process sigma for the variables charts (individuals, movingRange, xbar, range, stdDev). */
  readonly sigma: number | null;
  readonly sigmaEstimator: SigmaEstimator | null;
  /** p-bar (p, np), c-bar (c) or u-bar (u); null for the variables charts. */
  readonly rate: number | null;
  /** Subgroup size of the baseline when it was constant, else null (then use limitsAt per point). */
  readonly subgroupSize: number | null;
  /** Centre line and limits at subgroupSize; null when the baseline sizes varied. */
  readonly center: number | null;
  readonly lcl: number | null;
  readonly ucl: number | null;
  readonly conventions: SpcConventions;
  readonly baseline: Baseline;
}

/** The centre, limits and the sd of the plotted statistic for one point of a given subgroup size. */
export interface PointLimits {
  readonly center: number;
  readonly lcl: number;
  readonly ucl: number;
  /** sd of the plotted statistic: the zone width the run rules use. */
  readonly sigma: number;
}

function need(value: number | null, what: string, chart: ChartKind): number {
  if (value === null)
    throw new TracegraphError('BAD_INPUT', `${chart} limits carry no ${what}; build them with the ${chart} chart function`);
  return value;
}

/**
 * Limits for a point of subgroup size `size` (ignored by individuals, movingRange and c). The lower
 * limit of charts whose statistic cannot be negative (R, S, MR, p, np, c, u) is truncated at 0, and
 * p and np are capped at 1 and n.
 */
export function limitsAt(limits: ControlLimits, size?: number): PointLimits {
  const { chart, conventions: conv } = limits;
  const k = conv.nSigmas;
  const n = size ?? limits.subgroupSize ?? undefined;
  const sized = (): number => {
    if (n === undefined || !Number.isInteger(n) || n < 1) {
      throw new TracegraphError('BAD_INPUT', `a ${chart} point needs its subgroup size (a whole number >= 1), got ${n}`);
    }
    return n;
  };
  const table = conv.factors === 'table';
  switch (chart) {
    case 'individuals': {
      const mean = need(limits.mean, 'mean', chart);
      const sigma = need(limits.sigma, 'sigma', chart);
      return { center: mean, lcl: mean - k * sigma, ucl: mean + k * sigma, sigma };
    }
    case 'movingRange':
    case 'range': {
      const sigma = need(limits.sigma, 'sigma', chart);
      const m = chart === 'movingRange' ? 2 : sized();
      const center = d2(m, conv.d2) * sigma;
      const sd = d3(m, conv.d3) * sigma;
      if (table) return { center, lcl: tableFactor('D3', m) * center, ucl: tableFactor('D4', m) * center, sigma: sd };
      return { center, lcl: Math.max(0, center - k * sd), ucl: center + k * sd, sigma: sd };
    }
    case 'xbar': {
      const mean = need(limits.mean, 'mean', chart);
      const sigma = need(limits.sigma, 'sigma', chart);
      const m = sized();
      if (table && m >= 2) {
        // A2 x R-bar with the range chart, A3 x s-bar with the S chart (R-bar = d2 sigma, s-bar = c4 sigma).
        const half =
          limits.sigmaEstimator === 'sBar'
            ? tableFactor('A3', m) * c4(m, conv.c4) * sigma
            : tableFactor('A2', m) * d2(m, conv.d2) * sigma;
        return { center: mean, lcl: mean - half, ucl: mean + half, sigma: half / 3 };
      }
      const sd = sigma / Math.sqrt(m);
      return { center: mean, lcl: mean - k * sd, ucl: mean + k * sd, sigma: sd };
    }
    case 'stdDev': {
      const sigma = need(limits.sigma, 'sigma', chart);
      const m = sized();
      const c = c4(m, conv.c4);
      const center = c * sigma;
      const sd = sigma * Math.sqrt(1 - c * c);
      if (table) return { center, lcl: tableFactor('B3', m) * center, ucl: tableFactor('B4', m) * center, sigma: sd };
      return { center, lcl: Math.max(0, center - k * sd), ucl: center + k * sd, sigma: sd };
    }
    case 'p':
    case 'np': {
      const p = need(limits.rate, 'rate', chart);
      const m = sized();
      const sdP = Math.sqrt((p * (1 - p)) / m);
      const scale = chart === 'np' ? m : 1;
      const center = p * scale;
      const sd = sdP * scale;
      return { center, lcl: Math.max(0, center - k * sd), ucl: Math.min(scale, center + k * sd), sigma: sd };
    }
    case 'c': {
      const c = need(limits.rate, 'rate', chart);
      const sd = Math.sqrt(c);
      return { center: c, lcl: Math.max(0, c - k * sd), ucl: c + k * sd, sigma: sd };
    }
    case 'u': {
      const u = need(limits.rate, 'rate', chart);
      const sd = Math.sqrt(u / sized());
      return { center: u, lcl: Math.max(0, u - k * sd), ucl: u + k * sd, sigma: sd };
    }
  }
}

/** Fills center/lcl/ucl at the baseline size (or leaves them null when sizes varied). */
export function withDisplayLimits(limits: Omit<ControlLimits, 'center' | 'lcl' | 'ucl'>): ControlLimits {
  const bare: ControlLimits = { ...limits, center: null, lcl: null, ucl: null };
  const fixed =
    limits.subgroupSize !== null || limits.chart === 'individuals' || limits.chart === 'movingRange' || limits.chart === 'c';
  if (!fixed) return bare;
  const at = limitsAt(bare);
  return { ...bare, center: at.center, lcl: at.lcl, ucl: at.ucl };
}

/** Who set a set of limits, when and why. */
export interface LimitsProvenance {
  /** The process parameter (or characteristic) these limits judge, e.g. `oven-3/temperature`. */
  readonly parameter: string;
  readonly setBy: string;
  /** ISO 8601 with offset. */
  readonly setAt: string;
  readonly reason: string;
}

export interface FrozenControlLimits extends ControlLimits, LimitsProvenance {
  /** 1 for the first limits of a parameter, previous + 1 after that. */
  readonly version: number;
  /** The version these limits replace, or null. */
  readonly supersedes: number | null;
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Freezes limits into an immutable, versioned record. Pure: the caller supplies the time. When
 * `previous` is given the new record supersedes it and must be for the same parameter.
 */
export function freezeLimits(
  limits: ControlLimits,
  provenance: LimitsProvenance,
  previous?: FrozenControlLimits,
): FrozenControlLimits {
  const { parameter, setBy, setAt, reason } = provenance;
  if (parameter.trim() === '') throw new TracegraphError('BAD_INPUT', 'frozen limits need the parameter they judge');
  if (setBy.trim() === '') throw new TracegraphError('BAD_INPUT', 'frozen limits need who set them (setBy)');
  if (reason.trim() === '')
    throw new TracegraphError('BAD_INPUT', 'frozen limits need a reason, e.g. "baseline after recipe change"');
  if (!ISO_WITH_OFFSET.test(setAt) || Number.isNaN(Date.parse(setAt))) {
    throw new TracegraphError(
      'BAD_INPUT',
      `setAt must be an ISO 8601 time with offset, e.g. 2026-01-31T08:00:00Z; got "${setAt}"`,
    );
  }
  if (previous && previous.parameter !== parameter) {
    throw new TracegraphError(
      'BAD_INPUT',
      `limits for "${parameter}" cannot supersede limits for "${previous.parameter}"; freeze them as version 1 of their own parameter`,
    );
  }
  const copy: FrozenControlLimits = {
    ...structuredClone(limits),
    parameter,
    setBy,
    setAt,
    reason,
    version: previous ? previous.version + 1 : 1,
    supersedes: previous ? previous.version : null,
  };
  return deepFreeze(copy);
}
