/**
 * Judging a live stream of individual readings one point at a time, with bounded memory: the state
 * keeps only the last W values, W being the longest window among the enabled rules (and 2 for the
 * moving range). Each call gives the same signals as `applyRules` would at that point of the whole
 * series (the tests check this), so the monitor and a report over history agree.
 */
import { TracegraphError } from '../../core/errors.ts';
import { limitsAt, type ControlLimits } from './limits.ts';
import { resolveVariants, ruleWindow, signalsAt, type RulePoint, type RuleSetConfig, type Signal } from './rules.ts';

export interface StreamState {
  /** How many points have been judged (the next point's index). */
  readonly count: number;
  /** The most recent values, oldest first; never longer than the rules need. */
  readonly recent: readonly number[];
}

export const initialStreamState: StreamState = Object.freeze({ count: 0, recent: Object.freeze([]) as readonly number[] });

export interface StreamJudge {
  /** Individuals limits (chart 'individuals'). */
  readonly limits: ControlLimits;
  /** Moving-range limits; when given, the moving range is checked against its UCL. */
  readonly movingRange?: ControlLimits;
  readonly rules: RuleSetConfig;
}

export interface StreamStep {
  readonly state: StreamState;
  /** Signals at this point; `index` and `points` count from the first point of the stream. */
  readonly signals: Signal[];
  /** |x - previous x|, or null for the first point. */
  readonly movingRange: number | null;
  readonly movingRangeAboveUcl: boolean;
}

/** The memory a stream needs for a rule set. */
export function streamWindow(rules: RuleSetConfig): number {
  const v = resolveVariants(rules);
  return Math.max(2, ...rules.rules.map((r) => ruleWindow(r, v)));
}

export function evaluatePoint(state: StreamState, value: number, judge: StreamJudge): StreamStep {
  if (!Number.isFinite(value)) throw new TracegraphError('BAD_INPUT', `a reading must be a finite number, got ${value}`);
  if (judge.limits.chart !== 'individuals') {
    throw new TracegraphError('BAD_INPUT', `streaming judges individuals; got ${judge.limits.chart} limits`);
  }
  const keep = streamWindow(judge.rules);
  const recent = [...state.recent, value].slice(-keep);
  const offset = state.count + 1 - recent.length;
  const at = limitsAt(judge.limits);
  const points: RulePoint[] = recent.map((v) => ({ value: v, center: at.center, sigma: at.sigma }));
  const signals = signalsAt(points, points.length - 1, judge.rules).map((s) => ({
    rule: s.rule,
    index: s.index + offset,
    points: s.points.map((j) => j + offset),
  }));
  const previous = state.recent.length > 0 ? (state.recent[state.recent.length - 1] as number) : null;
  const movingRange = previous === null ? null : Math.abs(value - previous);
  const mrUcl = judge.movingRange ? limitsAt(judge.movingRange).ucl : Infinity;
  return {
    state: { count: state.count + 1, recent },
    signals,
    movingRange,
    movingRangeAboveUcl: movingRange !== null && movingRange > mrUcl,
  };
}
