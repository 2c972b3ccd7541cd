/**
 * Western Electric rules 1-4 and Nelson rules 1-8 over a sequence of chart points.
 *
 * Each point carries its own centre and sigma (the sd of the plotted statistic), so charts whose
 * limits vary with the subgroup size (p, u, X-bar with varying n) are judged in their own zones.
 * Comparisons are made in value space (value > center + 2 sigma), as the limits are drawn.
 *
 * Semantics (those of the R package qcc, which the reference vectors assert):
 *  - "beyond" is strict: a point exactly on +3 sigma does not signal; "within 1 sigma" is inclusive;
 *  - a point exactly on the centre line breaks a same-side run, and a tie breaks a trend;
 *  - 2-of-3 and 4-of-5 count each side separately and flag point i only when point i is itself beyond
 *    the zone and its full window (i-2..i or i-4..i) holds enough points beyond it on that side;
 *  - every window must be complete: no signal before the window's length of points has been seen;
 *  - run rules flag the point that completes the run and each later point while it continues.
 * Each signal also lists the points that make up its pattern, for tools that flag every point of it.
 */
import { TracegraphError } from '../../core/errors.ts';
import { RULE_IDS, type RuleId } from '../../core/spc-rules.ts';

export { RULE_IDS, type RuleId };

export const WESTERN_ELECTRIC: readonly RuleId[] = ['we1', 'we2', 'we3', 'we4'];
export const NELSON: readonly RuleId[] = ['nelson1', 'nelson2', 'nelson3', 'nelson4', 'nelson5', 'nelson6', 'nelson7', 'nelson8'];
/** qcc's default rule set: beyond the limits and a run of 8 on one side. */
export const QCC_DEFAULT_RULES: readonly RuleId[] = ['we1', 'we4'];

export interface RuleLengths {
  /** WE 4: points in a row on one side (8; AIAG uses 7). */
  readonly we4: number;
  /** Nelson 2: points in a row on one side (9). */
  readonly nelson2: number;
  /** Nelson 3: points in a steady trend (6 points = 5 rises or falls; AIAG uses 7). */
  readonly nelson3: number;
  /** Nelson 4: points alternating up and down (14). */
  readonly nelson4: number;
  /** Nelson 7: points within 1 sigma (15). */
  readonly nelson7: number;
  /** Nelson 8: points beyond 1 sigma on both sides (8). */
  readonly nelson8: number;
}

export interface RuleVariants {
  /** 2-of-3 and 4-of-5 count only points on one side (true: WE, Nelson, qcc) or on either side. */
  readonly sameSide: boolean;
  /** 2-of-3 and 4-of-5 flag a point only when it is itself beyond the zone (qcc) or whenever the window qualifies. */
  readonly lastPointBeyond: boolean;
  readonly lengths: RuleLengths;
}

export const DEFAULT_VARIANTS: RuleVariants = Object.freeze({
  sameSide: true,
  lastPointBeyond: true,
  lengths: Object.freeze({ we4: 8, nelson2: 9, nelson3: 6, nelson4: 14, nelson7: 15, nelson8: 8 }),
});

/** AIAG-style run lengths: 7 in a row on one side, 7 in a trend. */
export const AIAG_VARIANTS: RuleVariants = Object.freeze({
  ...DEFAULT_VARIANTS,
  lengths: Object.freeze({ ...DEFAULT_VARIANTS.lengths, we4: 7, nelson2: 7, nelson3: 7 }),
});

/** Which rules judge one parameter, and in which variant. */
export interface RuleSetConfig {
  readonly rules: readonly RuleId[];
  readonly variants?: Partial<Omit<RuleVariants, 'lengths'>> & { readonly lengths?: Partial<RuleLengths> };
}

/** Rule sets switched per parameter (key: the parameter name as the monitor knows it). */
export type RuleConfigByParameter = Readonly<Record<string, RuleSetConfig>>;

/** The rule set of a parameter, or `fallback` (qcc's default, WE 1 and 4) when it has none. */
export function rulesForParameter(
  byParameter: RuleConfigByParameter,
  parameter: string,
  fallback: RuleSetConfig = { rules: QCC_DEFAULT_RULES },
): RuleSetConfig {
  return Object.hasOwn(byParameter, parameter) ? (byParameter[parameter] as RuleSetConfig) : fallback;
}

export interface RulePoint {
  readonly value: number;
  readonly center: number;
  /** sd of the plotted statistic at this point. */
  readonly sigma: number;
}

export interface Signal {
  readonly rule: RuleId;
  /** The point flagged: it completes (or continues) the pattern. 0-based. */
  readonly index: number;
  /** The points that make up the pattern, ascending (for x-of-y rules only the points beyond the zone). */
  readonly points: readonly number[];
}

export function resolveVariants(config: RuleSetConfig): RuleVariants {
  const v = config.variants ?? {};
  const lengths = { ...DEFAULT_VARIANTS.lengths, ...(v.lengths ?? {}) };
  for (const [name, len] of Object.entries(lengths)) {
    if (!Number.isInteger(len) || len < 2)
      throw new TracegraphError('BAD_INPUT', `rule length ${name} must be a whole number >= 2, got ${len}`);
  }
  for (const rule of config.rules) {
    if (!(RULE_IDS as readonly string[]).includes(rule)) {
      throw new TracegraphError('BAD_INPUT', `unknown rule "${rule}"; known rules: ${RULE_IDS.join(', ')}`);
    }
  }
  return {
    sameSide: v.sameSide ?? DEFAULT_VARIANTS.sameSide,
    lastPointBeyond: v.lastPointBeyond ?? DEFAULT_VARIANTS.lastPointBeyond,
    lengths,
  };
}

/** +1 above center + k sigma, -1 below center - k sigma, 0 otherwise (k = 0: the side of the centre line). */
function side(p: RulePoint, k: number): -1 | 0 | 1 {
  if (p.value > p.center + k * p.sigma) return 1;
  if (p.value < p.center - k * p.sigma) return -1;
  return 0;
}

type Pts = readonly RulePoint[];
const at = (pts: Pts, i: number): RulePoint => pts[i] as RulePoint;
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, j) => from + j);

function beyond(pts: Pts, i: number, k: number): number[] | null {
  return side(at(pts, i), k) !== 0 ? [i] : null;
}

function xOfY(pts: Pts, i: number, k: number, x: number, y: number, v: RuleVariants): number[] | null {
  if (i < y - 1) return null;
  const own = side(at(pts, i), k);
  if (v.lastPointBeyond && own === 0) return null;
  const window = range(i - y + 1, i);
  const sides: Array<-1 | 1> = v.sameSide ? (own !== 0 ? [own] : [1, -1]) : [1];
  for (const s of sides) {
    const hits = window.filter((j) => {
      const sj = side(at(pts, j), k);
      return v.sameSide ? sj === s : sj !== 0;
    });
    if (hits.length >= x) return hits;
  }
  return null;
}

function sameSideRun(pts: Pts, i: number, len: number): number[] | null {
  if (i < len - 1) return null;
  const s = side(at(pts, i), 0);
  if (s === 0) return null;
  const window = range(i - len + 1, i);
  return window.every((j) => side(at(pts, j), 0) === s) ? window : null;
}

function trend(pts: Pts, i: number, len: number): number[] | null {
  if (i < len - 1) return null;
  const window = range(i - len + 1, i);
  const diffs = window.slice(1).map((j) => at(pts, j).value - at(pts, j - 1).value);
  return diffs.every((d) => d > 0) || diffs.every((d) => d < 0) ? window : null;
}

function alternating(pts: Pts, i: number, len: number): number[] | null {
  if (i < len - 1) return null;
  const window = range(i - len + 1, i);
  const diffs = window.slice(1).map((j) => at(pts, j).value - at(pts, j - 1).value);
  for (let j = 0; j < diffs.length; j++) {
    const d = diffs[j] as number;
    if (d === 0) return null;
    if (j > 0 && Math.sign(d) === Math.sign(diffs[j - 1] as number)) return null;
  }
  return window;
}

function withinOneSigma(pts: Pts, i: number, len: number): number[] | null {
  if (i < len - 1) return null;
  const window = range(i - len + 1, i);
  return window.every((j) => side(at(pts, j), 1) === 0) ? window : null;
}

function outsideOneSigmaBothSides(pts: Pts, i: number, len: number): number[] | null {
  if (i < len - 1) return null;
  const window = range(i - len + 1, i);
  const sides = window.map((j) => side(at(pts, j), 1));
  return sides.every((s) => s !== 0) && sides.includes(1) && sides.includes(-1) ? window : null;
}

function patternAt(rule: RuleId, pts: Pts, i: number, v: RuleVariants): number[] | null {
  const L = v.lengths;
  switch (rule) {
    case 'we1':
    case 'nelson1':
      return beyond(pts, i, 3);
    case 'we2':
    case 'nelson5':
      return xOfY(pts, i, 2, 2, 3, v);
    case 'we3':
    case 'nelson6':
      return xOfY(pts, i, 1, 4, 5, v);
    case 'we4':
      return sameSideRun(pts, i, L.we4);
    case 'nelson2':
      return sameSideRun(pts, i, L.nelson2);
    case 'nelson3':
      return trend(pts, i, L.nelson3);
    case 'nelson4':
      return alternating(pts, i, L.nelson4);
    case 'nelson7':
      return withinOneSigma(pts, i, L.nelson7);
    case 'nelson8':
      return outsideOneSigmaBothSides(pts, i, L.nelson8);
  }
}

/** How many trailing points a rule looks at: the memory a streaming judge needs for it. */
export function ruleWindow(rule: RuleId, v: RuleVariants): number {
  switch (rule) {
    case 'we1':
    case 'nelson1':
      return 1;
    case 'we2':
    case 'nelson5':
      return 3;
    case 'we3':
    case 'nelson6':
      return 5;
    case 'we4':
      return v.lengths.we4;
    case 'nelson2':
      return v.lengths.nelson2;
    case 'nelson3':
      return v.lengths.nelson3;
    case 'nelson4':
      return v.lengths.nelson4;
    case 'nelson7':
      return v.lengths.nelson7;
    case 'nelson8':
      return v.lengths.nelson8;
  }
}

/** The signals at point i only (it looks back at most ruleWindow points). */
export function signalsAt(points: readonly RulePoint[], i: number, config: RuleSetConfig): Signal[] {
  const v = resolveVariants(config);
  return signalsAtResolved(points, i, config.rules, v);
}

function signalsAtResolved(points: readonly RulePoint[], i: number, rules: readonly RuleId[], v: RuleVariants): Signal[] {
  const out: Signal[] = [];
  for (const rule of RULE_IDS) {
    if (!rules.includes(rule)) continue;
    const pattern = patternAt(rule, points, i, v);
    if (pattern) out.push({ rule, index: i, points: pattern });
  }
  return out;
}

/** Every signal over the sequence, ordered by point and then by rule (RULE_IDS order). */
export function applyRules(points: readonly RulePoint[], config: RuleSetConfig): Signal[] {
  const v = resolveVariants(config);
  const out: Signal[] = [];
  for (let i = 0; i < points.length; i++) out.push(...signalsAtResolved(points, i, config.rules, v));
  return out;
}

/**
 * The points a rule flags. 'completing' (qcc): the point that completes a pattern and each later
 * point that continues it. 'pattern': every point that takes part in a pattern.
 */
export function flaggedPoints(
  signals: readonly Signal[],
  rule?: RuleId,
  mode: 'completing' | 'pattern' = 'completing',
): number[] {
  const set = new Set<number>();
  for (const s of signals) {
    if (rule !== undefined && s.rule !== rule) continue;
    if (mode === 'completing') set.add(s.index);
    else for (const j of s.points) set.add(j);
  }
  return [...set].sort((a, b) => a - b);
}

/** The number of a rule within its family: we3 -> 3, nelson8 -> 8. */
export function ruleNumber(rule: RuleId): number {
  return Number(rule.replace(/^\D+/, ''));
}

/**
 * The most serious rule per flagged point: the one earliest in RULE_IDS (for one family: the lowest
 * rule number), as qcc reports a point that several rules flag.
 */
export function mostSerious(signals: readonly Signal[]): Map<number, RuleId> {
  const out = new Map<number, RuleId>();
  for (const s of signals) {
    const held = out.get(s.index);
    if (held === undefined || RULE_IDS.indexOf(s.rule) < RULE_IDS.indexOf(held)) out.set(s.index, s.rule);
  }
  return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
}
