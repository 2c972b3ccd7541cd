import { describe, expect, it } from 'vitest';
import {
  NELSON,
  QCC_CONVENTIONS,
  TABLE_CONVENTIONS,
  WESTERN_ELECTRIC,
  applyRules,
  attributeChart,
  cLimits,
  evaluatePoint,
  individualsChart,
  rulesForParameter,
  freezeLimits,
  individualsLimits,
  initialStreamState,
  limitsAt,
  npLimits,
  pLimits,
  streamWindow,
  uLimits,
  xbarRLimits,
  type Signal,
  type StreamState,
} from '../../domain/spc/index.ts';
import { readCsv } from './reference.ts';

const viscosity = readCsv('qcc-viscosity', 'viscosity.csv').map((r) => Number(r.viscosity));

describe('freezing control limits', () => {
  const limits = individualsLimits(viscosity, { baseline: { to: 20 } }).individuals;
  const who = {
    parameter: 'primer/viscosity',
    setBy: 'q.engineer',
    setAt: '2026-03-01T08:00:00+01:00',
    reason: 'phase I, 20 batches',
  };

  it('a frozen record carries who, when, why and version 1, and cannot be changed', () => {
    const frozen = freezeLimits(limits, who);
    expect(frozen).toMatchObject({ ...who, version: 1, supersedes: null, ucl: limits.ucl, chart: 'individuals' });
    expect(Object.isFrozen(frozen)).toBe(true);
    expect(Object.isFrozen(frozen.conventions)).toBe(true);
    expect(Object.isFrozen(frozen.baseline.excluded)).toBe(true);
    expect(() => {
      (frozen as { ucl: number }).ucl = 0;
    }).toThrow(TypeError);
  });

  it('new limits for the same parameter supersede the previous version', () => {
    const v1 = freezeLimits(limits, who);
    const recomputed = individualsLimits(viscosity, { baseline: { to: 20, exclude: [3] } }).individuals;
    const v2 = freezeLimits(recomputed, { ...who, reason: 'batch 4: temperature controller failure' }, v1);
    expect(v2.version).toBe(2);
    expect(v2.supersedes).toBe(1);
    expect(v2.baseline.excluded).toEqual([3]);
    expect(v1.ucl).not.toBe(v2.ucl);
  });

  it('refuses limits without a reason, an author, a time with offset, or for another parameter', () => {
    expect(() => freezeLimits(limits, { ...who, reason: ' ' })).toThrow(/reason/);
    expect(() => freezeLimits(limits, { ...who, setBy: '' })).toThrow(/setBy/);
    expect(() => freezeLimits(limits, { ...who, setAt: '2026-03-01 08:00' })).toThrow(/ISO 8601/);
    const v1 = freezeLimits(limits, who);
    expect(() => freezeLimits(limits, { ...who, parameter: 'oven/temp' }, v1)).toThrow(/cannot supersede/);
  });
});

describe('attribute charts', () => {
  it('p chart with varying sample sizes: p-bar weights by size and each point has its own limits', () => {
    const samples = [
      { count: 4, size: 100 },
      { count: 9, size: 150 },
      { count: 2, size: 50 },
      { count: 5, size: 200 },
    ];
    const limits = pLimits(samples);
    expect(limits.rate).toBeCloseTo(20 / 500, 15);
    expect(limits.subgroupSize).toBeNull();
    expect(limits.ucl).toBeNull();
    const at50 = limitsAt(limits, 50);
    const at200 = limitsAt(limits, 200);
    expect(at50.ucl).toBeCloseTo(0.04 + 3 * Math.sqrt((0.04 * 0.96) / 50), 15);
    expect(at50.lcl).toBe(0);
    expect(at200.ucl).toBeLessThan(at50.ucl);
    const chart = attributeChart('p', [...samples, { count: 12, size: 100 }], { baseline: { to: 4 }, rules: { rules: ['we1'] } });
    expect(chart.points.map((p) => p.phase)).toEqual(['I', 'I', 'I', 'I', 'II']);
    expect(chart.points[4]?.beyondLimits).toBe('above');
    expect(chart.signals.map((s) => s.index)).toEqual([4]);
  });

  it('np chart: centre n p-bar and limits n p-bar +/- 3 sqrt(n p-bar (1 - p-bar)); one size only', () => {
    const limits = npLimits([
      { count: 3, size: 50 },
      { count: 5, size: 50 },
      { count: 4, size: 50 },
    ]);
    expect(limits.center).toBeCloseTo(4, 12);
    expect(limits.ucl).toBeCloseTo(4 + 3 * Math.sqrt(4 * (1 - 0.08)), 12);
    expect(limits.lcl).toBe(0);
    expect(() =>
      npLimits([
        { count: 3, size: 50 },
        { count: 5, size: 60 },
      ]),
    ).toThrow(/p chart/);
  });

  it('c chart: centre c-bar and limits c-bar +/- 3 sqrt(c-bar)', () => {
    const limits = cLimits([9, 12, 16, 11]);
    expect(limits.center).toBe(12);
    expect(limits.ucl).toBeCloseTo(12 + 3 * Math.sqrt(12), 12);
    expect(limits.lcl).toBeCloseTo(12 - 3 * Math.sqrt(12), 12);
  });

  it('u chart: u-bar = total defects / total units, limits vary with the units inspected', () => {
    const limits = uLimits([
      { count: 10, size: 5 },
      { count: 6, size: 4 },
      { count: 14, size: 6 },
    ]);
    expect(limits.rate).toBeCloseTo(2, 15);
    expect(limitsAt(limits, 4).ucl).toBeCloseTo(2 + 3 * Math.sqrt(2 / 4), 12);
  });

  it('refuses more nonconforming units than inspected, and a negative count', () => {
    expect(() => pLimits([{ count: 6, size: 5 }])).toThrow(/nonconforming out of 5/);
    expect(() => cLimits([-1])).toThrow(/count must be >= 0/);
  });
});

describe('limits for other subgroup sizes and conventions', () => {
  it('X-bar limits for a phase-II subgroup of another size scale with 1/sqrt(n)', () => {
    const groups = [
      [1, 2, 3, 4, 5],
      [2, 3, 4, 5, 6],
      [1, 3, 5, 7, 9],
    ];
    const { xbar } = xbarRLimits(groups);
    const at3 = limitsAt(xbar, 3);
    expect((at3.ucl - at3.center) / ((xbar.ucl as number) - (xbar.center as number))).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });

  it('printed factors need 3 sigma and sizes 2..25', () => {
    expect(() => individualsLimits([1, 2, 3], { conventions: { ...TABLE_CONVENTIONS, nSigmas: 2 } })).toThrow(/3-sigma/);
    const big = Array.from({ length: 3 }, (_, g) => Array.from({ length: 30 }, (_, i) => Math.sin(g * 30 + i)));
    expect(() => xbarRLimits(big, { conventions: TABLE_CONVENTIONS })).toThrow(/2\.\.25/);
    expect(xbarRLimits(big, { conventions: QCC_CONVENTIONS }).range.ucl).toBeGreaterThan(0);
  });

  it('a baseline window that does not fit the data is refused with the sizes named', () => {
    expect(() => individualsLimits([1, 2, 3], { baseline: { from: 2, to: 5 } })).toThrow(/\[2, 5\) does not fit 3/);
  });
});

describe('streaming individuals', () => {
  const limits = individualsLimits(viscosity, { baseline: { to: 19 + 1, exclude: [3] } });
  const series = viscosity.filter((_, i) => i !== 3);

  it('judging one point at a time gives the same signals as the whole series, with bounded memory', () => {
    const rules = { rules: [...WESTERN_ELECTRIC, ...NELSON] };
    const points = series.map((value) => ({
      value,
      center: limits.individuals.mean as number,
      sigma: limits.individuals.sigma as number,
    }));
    const batch = applyRules(points, rules);
    let state: StreamState = initialStreamState;
    const streamed: Signal[] = [];
    let mrAlarms = 0;
    for (const value of series) {
      const step = evaluatePoint(state, value, { limits: limits.individuals, movingRange: limits.movingRange, rules });
      state = step.state;
      streamed.push(...step.signals);
      if (step.movingRangeAboveUcl) mrAlarms++;
      expect(state.recent.length).toBeLessThanOrEqual(streamWindow(rules));
    }
    expect(batch.length).toBeGreaterThan(0);
    expect(streamed).toEqual(batch);
    expect(state.count).toBe(series.length);
    expect(streamWindow(rules)).toBe(15);
    expect(mrAlarms).toBe(0);
  });

  it('the moving range of a jump beyond the MR limit is reported', () => {
    const first = evaluatePoint(initialStreamState, 34, {
      limits: limits.individuals,
      movingRange: limits.movingRange,
      rules: { rules: ['we1'] },
    });
    expect(first.movingRange).toBeNull();
    const jump = evaluatePoint(first.state, 36, {
      limits: limits.individuals,
      movingRange: limits.movingRange,
      rules: { rules: ['we1'] },
    });
    expect(jump.movingRange).toBeCloseTo(2, 12);
    expect(jump.movingRangeAboveUcl).toBe(true);
    expect(jump.signals.map((s) => [s.rule, s.index])).toEqual([['we1', 1]]);
  });

  it('refuses a reading that is not a number', () => {
    expect(() =>
      evaluatePoint(initialStreamState, Number.NaN, { limits: limits.individuals, rules: { rules: ['we1'] } }),
    ).toThrow(/finite/);
  });
});

describe('rule sets per parameter', () => {
  it('each parameter gets its own rule set and an unknown parameter the qcc default', () => {
    const byParameter = { 'oven/temp': { rules: NELSON }, 'press/force': { rules: ['we1'] as const } };
    expect(rulesForParameter(byParameter, 'oven/temp').rules).toEqual(NELSON);
    expect(rulesForParameter(byParameter, 'press/force').rules).toEqual(['we1']);
    expect(rulesForParameter(byParameter, 'toString').rules).toEqual(['we1', 'we4']);
  });

  it('moving-range points take the index and phase of their second value', () => {
    const chart = individualsChart([1, 2, 4, 3], { baseline: { to: 2 } });
    expect(chart.movingRange.points.map((p) => [p.index, p.phase, p.value])).toEqual([
      [1, 'I', 1],
      [2, 'II', 2],
      [3, 'II', 1],
    ]);
  });
});
