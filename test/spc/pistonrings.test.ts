import { describe, expect, it } from 'vitest';
import {
  EXACT_CONVENTIONS,
  NELSON,
  QCC_CONVENTIONS,
  TABLE_CONVENTIONS,
  WESTERN_ELECTRIC,
  capabilityFromSubgroups,
  flaggedPoints,
  mostSerious,
  ruleNumber,
  subgroupStatistics,
  xbarRChart,
  xbarRLimits,
  xbarSChart,
  xbarSLimits,
} from '../../domain/spc/index.ts';
import { expectation, expectations, num, readCsv, within } from './reference.ts';

const set = 'qcc-pistonrings';
const exp = expectations(set);
const rows = readCsv(set, 'pistonrings.csv');
const samples: number[][] = [];
for (const r of rows) (samples[Number(r.sample) - 1] ??= []).push(Number(r.diameter));
const phaseOne = { from: 0, to: rows.filter((r) => r.phase === 'I').length / 5 };

function check(id: string, actual: number | null | undefined): void {
  const e = num(exp, id);
  within(actual, e.value, e.tol, id);
}

describe('qcc piston rings: X-bar/R and X-bar/S', () => {
  it('the fixture holds 40 samples of 5, the first 25 in phase I', () => {
    expect(samples).toHaveLength(40);
    expect(samples.every((s) => s.length === 5)).toBe(true);
    expect(phaseOne.to).toBe(25);
  });

  it('X-bar/R limits of the piston rings match the qcc vignette', () => {
    const { xbar, range } = xbarRLimits(samples, { baseline: phaseOne, conventions: QCC_CONVENTIONS });
    check('phase1.xbar.center', xbar.center);
    check('phase1.sigma_within_rbar_d2', xbar.sigma);
    check('phase1.xbar.lcl', xbar.lcl);
    check('phase1.xbar.ucl', xbar.ucl);
    check('phase1.r.center', range.center);
    check('phase1.r.lcl', range.lcl);
    check('phase1.r.ucl', range.ucl);
    check('phase1.xbar_bar', xbar.mean);
    check('phase1.r_bar', range.center);
  });

  it('X-bar/S limits of the piston rings match the qcc vignette', () => {
    const { xbar, stdDev } = xbarSLimits(samples, { baseline: phaseOne, conventions: QCC_CONVENTIONS });
    check('phase1.s.center', stdDev.center);
    check('phase1.sigma_within_sbar_c4', stdDev.sigma);
    check('phase1.s.lcl', stdDev.lcl);
    check('phase1.s.ucl', stdDev.ucl);
    check('phase1.s_bar', stdDev.center);
    const [lcl, ucl] = expectation(exp, 'phase1.xbar_s.limits').value as [number, number];
    within(xbar.lcl, lcl, 1e-7, 'X-bar (with S) LCL');
    within(xbar.ucl, ucl, 1e-7, 'X-bar (with S) UCL');
  });

  it('exact constants and the printed factors give the limits the README derives', () => {
    const exact = xbarRLimits(samples, { baseline: phaseOne, conventions: EXACT_CONVENTIONS });
    check('phase1.sigma_within_exact_d2', exact.xbar.sigma);
    const [el, eu] = expectation(exp, 'phase1.xbar.limits_exact_d2').value as [number, number];
    within(exact.xbar.lcl, el, 1e-7, 'exact LCL');
    within(exact.xbar.ucl, eu, 1e-7, 'exact UCL');
    const table = xbarRLimits(samples, { baseline: phaseOne, conventions: TABLE_CONVENTIONS });
    const [tl, tu] = expectation(exp, 'phase1.xbar.limits_A2_table').value as [number, number];
    within(table.xbar.lcl, tl, 1e-7, 'A2 LCL');
    within(table.xbar.ucl, tu, 1e-7, 'A2 UCL');
    check('phase1.r.ucl_D4_table', table.range.ucl);
    check('phase1.s.ucl_B4_table', xbarSLimits(samples, { baseline: phaseOne, conventions: TABLE_CONVENTIONS }).stdDev.ucl);
    // The qcc R UCL needs qcc's own d3: with the exact d3 it misses the stated figure.
    const stated = num(exp, 'phase1.r.ucl');
    expect(Math.abs((exact.range.ucl as number) - stated.value)).toBeGreaterThan(stated.tol);
  });

  it('subgroup means of all 40 samples match', () => {
    const means = subgroupStatistics(samples).means;
    const e = expectation(exp, 'subgroup_means');
    (e.value as number[]).forEach((v, i) => within(means[i], v, e.abs_tol as number, `mean of sample ${i + 1}`));
  });

  it('phase II samples 37, 38 and 39 are above the phase-I X-bar limit, and no R or S point is out', () => {
    const r = xbarRChart(samples, { baseline: phaseOne, conventions: QCC_CONVENTIONS });
    const s = xbarSChart(samples, { baseline: phaseOne, conventions: QCC_CONVENTIONS });
    const above = r.xbar.points.filter((p) => p.beyondLimits !== null).map((p) => p.index + 1);
    expect(above).toEqual(expectation(exp, 'phase2.xbar.beyond_ucl').value);
    expect(r.xbar.points.filter((p) => p.beyondLimits === 'above').map((p) => p.phase)).toEqual(['II', 'II', 'II']);
    expect(r.range.points.filter((p) => p.beyondLimits !== null)).toEqual([]);
    expect(s.stdDev.points.filter((p) => p.beyondLimits !== null)).toEqual([]);
  });

  it('phase I of the piston rings breaks no rule', () => {
    expect(expectation(exp, 'phase1.violations_all_rules').value).toEqual([]);
    const phaseOnly = samples.slice(0, 25);
    const r = xbarRChart(phaseOnly, { conventions: QCC_CONVENTIONS, rules: { rules: [...WESTERN_ELECTRIC, ...NELSON] } });
    expect(r.xbar.signals).toEqual([]);
    expect(r.range.points.some((p) => p.beyondLimits)).toBe(false);
  });

  it('Western Electric and Nelson rules over all 40 means flag the points qcc flags', () => {
    for (const conventions of [QCC_CONVENTIONS, EXACT_CONVENTIONS]) {
      const we = xbarRChart(samples, { baseline: phaseOne, conventions, rules: { rules: WESTERN_ELECTRIC } }).xbar.signals;
      const byRule = expectation(exp, 'all40.western_electric').value as Record<string, number[]>;
      for (const [n, points] of Object.entries(byRule)) {
        expect(
          flaggedPoints(we, `we${n}` as 'we1').map((i) => i + 1),
          `WE ${n}`,
        ).toEqual(points);
      }
      const serious = Object.fromEntries([...mostSerious(we)].map(([i, rule]) => [String(i + 1), ruleNumber(rule)]));
      expect(serious).toEqual(expectation(exp, 'all40.western_electric.most_serious').value);
      const nelson = xbarRChart(samples, { baseline: phaseOne, conventions, rules: { rules: NELSON } }).xbar.signals;
      for (const [n, points] of Object.entries(expectation(exp, 'all40.nelson').value as Record<string, number[]>)) {
        expect(
          flaggedPoints(nelson, `nelson${n}` as 'nelson1').map((i) => i + 1),
          `Nelson ${n}`,
        ).toEqual(points);
      }
    }
  });
});

describe('qcc piston rings: capability', () => {
  const phaseOneSamples = samples.slice(0, 25);
  const cases: Array<[string, { lsl: number; usl: number; target?: number }]> = [
    ['capability.73.95-74.05.target74', { lsl: 73.95, usl: 74.05 }],
    ['capability.73.95-74.05.target74.02', { lsl: 73.95, usl: 74.05, target: 74.02 }],
    ['capability.73.99-74.01.target74', { lsl: 73.99, usl: 74.01 }],
    ['capability.73.99-74.1.target74.045', { lsl: 73.99, usl: 74.1 }],
  ];

  it.each(cases)('%s: Cp, Cp_l, Cp_u, Cp_k, Cpm and the out-of-spec shares match the vignette', (id, spec) => {
    const e = expectation(exp, id);
    const c = capabilityFromSubgroups(phaseOneSamples, spec, { conventions: QCC_CONVENTIONS });
    expect(c.n).toBe(125);
    const v = e.value as Record<string, number>;
    const tol = e.abs_tol as number;
    within(c.cp?.value, v.Cp as number, tol, 'Cp');
    within(c.cpl?.value, v.Cp_l as number, tol, 'Cp_l');
    within(c.cpu?.value, v.Cp_u as number, tol, 'Cp_u');
    within(c.cpk?.value, v.Cp_k as number, tol, 'Cp_k');
    within(c.cpm?.value, v.Cpm as number, tol, 'Cpm');
    // Printed as whole percentages.
    if (v.exp_below_LSL_pct !== undefined) {
      expect(Math.round((c.expectedBelowLsl as number) * 100)).toBe(v.exp_below_LSL_pct);
      expect(Math.round((c.observedBelowLsl as number) * 100)).toBe(v.obs_below_LSL_pct);
      expect(Math.round((c.expectedAboveUsl as number) * 100)).toBe(v.exp_above_USL_pct);
      expect(Math.round((c.observedAboveUsl as number) * 100)).toBe(v.obs_above_USL_pct);
    }
  });

  it('95% limits of the piston-ring indices match the vignette', () => {
    const e = expectation(exp, 'capability.73.95-74.05.ci95');
    const c = capabilityFromSubgroups(phaseOneSamples, { lsl: 73.95, usl: 74.05 });
    const byName = { Cp: c.cp, Cp_l: c.cpl, Cp_u: c.cpu, Cp_k: c.cpk, Cpm: c.cpm };
    for (const [name, [lo, hi]] of Object.entries(e.value as Record<string, [number, number]>)) {
      const idx = byName[name as keyof typeof byName];
      within(idx?.lower, lo, e.abs_tol as number, `${name} lower`);
      within(idx?.upper, hi, e.abs_tol as number, `${name} upper`);
    }
  });

  it('Pp, Ppl, Ppu, Ppk and Ppm use the plain overall sd of the 125 values', () => {
    const c = capabilityFromSubgroups(phaseOneSamples, { lsl: 73.95, usl: 74.05, target: 74 });
    check('phase1.sigma_overall', c.sigmaOverall);
    const e = expectation(exp, 'capability.73.95-74.05.overall');
    const v = e.value as Record<string, number>;
    within(c.pp?.value, v.Pp as number, e.abs_tol as number, 'Pp');
    within(c.ppl?.value, v.Pp_l as number, e.abs_tol as number, 'Pp_l');
    within(c.ppu?.value, v.Pp_u as number, e.abs_tol as number, 'Pp_u');
    within(c.ppk?.value, v.Pp_k as number, e.abs_tol as number, 'Pp_k');
    within(c.ppm?.value, v.Ppm_target74 as number, e.abs_tol as number, 'Ppm');
  });
});
