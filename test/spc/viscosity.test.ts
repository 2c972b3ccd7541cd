import { describe, expect, it } from 'vitest';
import {
  EXACT_CONVENTIONS,
  NELSON,
  QCC_CONVENTIONS,
  QCC_DEFAULT_RULES,
  TABLE_CONVENTIONS,
  WESTERN_ELECTRIC,
  flaggedPoints,
  individualsChart,
  individualsLimits,
  mostSerious,
  phaseOneIndividuals,
  ruleNumber,
} from '../../domain/spc/index.ts';
import { expectation, expectations, num, readCsv, within } from './reference.ts';

const set = 'qcc-viscosity';
const exp = expectations(set);
const rows = readCsv(set, 'viscosity.csv');
const viscosity = rows.map((r) => Number(r.viscosity));
const trial = rows.filter((r) => r.phase === 'I').length;

function check(id: string, actual: number | null | undefined): void {
  const e = num(exp, id);
  within(actual, e.value, e.tol, id);
}

describe('qcc viscosity: individuals chart', () => {
  it('the fixture holds 35 batches, the first 20 in phase I', () => {
    expect(viscosity).toHaveLength(35);
    expect(trial).toBe(20);
  });

  it('I-chart limits of the viscosity trial batches match the qcc vignette', () => {
    const { individuals, movingRange } = individualsLimits(viscosity, { baseline: { to: trial }, conventions: QCC_CONVENTIONS });
    check('phase1.i.center', individuals.center);
    check('phase1.sigma_mr', individuals.sigma);
    check('phase1.i.lcl', individuals.lcl);
    check('phase1.i.ucl', individuals.ucl);
    check('phase1.mr_bar', movingRange.center);
    check(
      'phase1.mr.ucl',
      individualsLimits(viscosity, { baseline: { to: trial }, conventions: TABLE_CONVENTIONS }).movingRange.ucl,
    );
  });

  it('the SD method (sd / c4(20)) gives the vignette sigma and limits', () => {
    const { individuals } = individualsLimits(viscosity, {
      baseline: { to: trial },
      conventions: QCC_CONVENTIONS,
      sigmaEstimator: 'overallSdC4',
    });
    check('phase1.sigma_sd_method', individuals.sigma);
    const [lcl, ucl] = expectation(exp, 'phase1.i.limits_sd_method').value as [number, number];
    const tol = expectation(exp, 'phase1.i.limits_sd_method').abs_tol as number;
    within(individuals.lcl, lcl, tol, 'LCL');
    within(individuals.ucl, ucl, tol, 'UCL');
  });

  it('exact d2 gives the limits the README derives', () => {
    const { individuals } = individualsLimits(viscosity, { baseline: { to: trial }, conventions: EXACT_CONVENTIONS });
    const e = expectation(exp, 'phase1.i.limits_exact_d2');
    const [lcl, ucl] = e.value as [number, number];
    within(individuals.lcl, lcl, e.abs_tol as number, 'LCL');
    within(individuals.ucl, ucl, e.abs_tol as number, 'UCL');
  });

  it('phase I under qcc default rules has exactly one violation: batch 4, on the I and the MR chart', () => {
    const chart = individualsChart(viscosity.slice(0, trial), {
      conventions: QCC_CONVENTIONS,
      rules: { rules: QCC_DEFAULT_RULES },
    });
    const flagged = flaggedPoints(chart.individuals.signals).map((i) => i + 1);
    expect(flagged).toHaveLength(num(exp, 'phase1.violation_count_default_rules').value);
    expect(flagged).toEqual([num(exp, 'phase1.out_of_control_batch').value]);
    expect(flagged).toEqual(expectation(exp, 'phase1.beyond_limits').value);
    const table = individualsChart(viscosity.slice(0, trial), { conventions: TABLE_CONVENTIONS });
    expect(table.movingRange.points.filter((p) => p.beyondLimits === 'above').map((p) => p.index + 1)).toEqual(
      expectation(exp, 'phase1.mr.beyond_ucl').value,
    );
  });

  it('removing batch 4 and recomputing gives the vignette limits', () => {
    const { individuals, movingRange } = individualsLimits(viscosity, {
      baseline: { to: trial, exclude: [3] },
      conventions: QCC_CONVENTIONS,
    });
    expect(individuals.baseline).toEqual({ count: 19, excluded: [3] });
    check('without_batch4.phase1.i.center', individuals.center);
    check('without_batch4.phase1.sigma_mr', individuals.sigma);
    check('without_batch4.phase1.i.lcl', individuals.lcl);
    check('without_batch4.phase1.i.ucl', individuals.ucl);
    check('without_batch4.mr_bar', movingRange.center);
  });

  it('phase I with one round of exclusion under the default rules drops batch 4 and reaches the same limits', () => {
    const r = phaseOneIndividuals(viscosity, { baseline: { to: trial }, rules: { rules: QCC_DEFAULT_RULES }, maxRounds: 1 });
    expect(r.excluded.map((i) => i + 1)).toEqual([4]);
    check('without_batch4.phase1.i.ucl', r.limits.individuals.ucl);
  });

  it('the 19 phase-I points then batches 21-35 flag the Western Electric and Nelson points the README lists', () => {
    const kept = viscosity.filter((_, i) => i !== 3);
    const batchOf = (i: number): number => (i < 3 ? i + 1 : i + 2);
    const baseline = { to: trial - 1 };
    const we = individualsChart(kept, { baseline, conventions: QCC_CONVENTIONS, rules: { rules: WESTERN_ELECTRIC } }).individuals
      .signals;
    for (const [n, batches] of Object.entries(
      expectation(exp, 'without_batch4.phase2.western_electric').value as Record<string, number[]>,
    )) {
      expect(flaggedPoints(we, `we${n}` as 'we1').map(batchOf), `WE ${n}`).toEqual(batches);
    }
    const serious = Object.fromEntries([...mostSerious(we)].map(([i, rule]) => [String(batchOf(i)), ruleNumber(rule)]));
    expect(serious).toEqual(expectation(exp, 'without_batch4.phase2.western_electric.most_serious').value);
    const nelson = individualsChart(kept, { baseline, conventions: QCC_CONVENTIONS, rules: { rules: NELSON } }).individuals
      .signals;
    for (const [n, batches] of Object.entries(
      expectation(exp, 'without_batch4.phase2.nelson').value as Record<string, number[]>,
    )) {
      expect(flaggedPoints(nelson, `nelson${n}` as 'nelson1').map(batchOf), `Nelson ${n}`).toEqual(batches);
    }
    // WE 4 first completes at batch 32: batches 25-32 are the 8 in a row above the centre line.
    const first = we.find((s) => s.rule === 'we4');
    expect(first?.points.map(batchOf)).toEqual([25, 26, 27, 28, 29, 30, 31, 32]);
  });
});
