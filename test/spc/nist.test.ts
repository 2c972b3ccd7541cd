import { describe, expect, it } from 'vitest';
import {
  EXACT_CONVENTIONS,
  NELSON,
  QCC_CONVENTIONS,
  TABLE_CONVENTIONS,
  WESTERN_ELECTRIC,
  capability,
  individualsChart,
  individualsLimits,
  movingRanges,
  sampleSd,
} from '../../domain/spc/index.ts';
import { expectation, expectations, num, readCsv, within } from './reference.ts';

describe('NIST flow rate (e-Handbook 6.3.2.2), individuals / moving range', () => {
  const set = 'nist-flowrate-imr';
  const exp = expectations(set);
  const flow = readCsv(set, 'flowrate.csv').map((r) => Number(r.flowrate));

  it('I-MR limits of NIST flow rate match the handbook with the 3-decimal d2', () => {
    const { individuals, movingRange } = individualsLimits(flow, { conventions: TABLE_CONVENTIONS });
    for (const [id, actual] of [
      ['i.center', individuals.center],
      ['mr.center', movingRange.center],
      ['i.ucl', individuals.ucl],
      ['i.lcl', individuals.lcl],
    ] as const) {
      const e = num(exp, id);
      within(actual, e.value, e.tol, id);
    }
    // qcc's convention uses the same d2(2) = 1.128 for the individuals chart.
    const qcc = individualsLimits(flow, { conventions: QCC_CONVENTIONS }).individuals;
    within(qcc.ucl, num(exp, 'i.ucl').value, num(exp, 'i.ucl').tol, 'i.ucl under qcc conventions');
  });

  it('exact d2 moves the NIST individuals limits by 0.0017, outside the stated tolerance', () => {
    const { individuals } = individualsLimits(flow, { conventions: EXACT_CONVENTIONS });
    within(individuals.ucl, num(exp, 'i.ucl.exact_d2').value, num(exp, 'i.ucl.exact_d2').tol, 'i.ucl.exact_d2');
    within(individuals.lcl, num(exp, 'i.lcl.exact_d2').value, num(exp, 'i.lcl.exact_d2').tol, 'i.lcl.exact_d2');
    expect(Math.abs((individuals.ucl as number) - num(exp, 'i.ucl').value)).toBeGreaterThan(num(exp, 'i.ucl').tol);
  });

  it('moving ranges, sigma and the MR chart limits follow the chosen factors', () => {
    const mr = movingRanges(flow);
    (expectation(exp, 'moving_ranges').value as number[]).forEach((v, i) => within(mr[i], v, 1e-9, `MR ${i + 2}`));
    const table = individualsLimits(flow, { conventions: TABLE_CONVENTIONS });
    within(table.movingRange.center, num(exp, 'mr.center.exact').value, 1e-9, 'MR-bar');
    within(table.individuals.sigma, num(exp, 'sigma_hat').value, num(exp, 'sigma_hat').tol, 'sigma');
    // D4(2) = 3.267 from the printed table; the d3-based and exact-d2 variants the README names differ.
    within(table.movingRange.ucl, num(exp, 'mr.ucl').value, num(exp, 'mr.ucl').tol, 'MR UCL with D4 = 3.267');
    within(table.movingRange.lcl, num(exp, 'mr.lcl').value, 0, 'MR LCL');
    within(individualsLimits(flow, { conventions: QCC_CONVENTIONS }).movingRange.ucl, 6.1353, 5e-5, 'MR UCL, Rbar + 3 d3 sigma');
    within(individualsLimits(flow, { conventions: EXACT_CONVENTIONS }).movingRange.ucl, 6.1338, 5e-5, 'MR UCL, exact d2 and d3');
    within(sampleSd(flow), num(exp, 'overall_sd').value, num(exp, 'overall_sd').tol, 'overall sd');
  });

  it('no NIST flow rate batch breaks any Western Electric or Nelson rule', () => {
    expect(expectation(exp, 'violations.western_electric_1_4').value).toEqual([]);
    expect(expectation(exp, 'violations.nelson_1_8').value).toEqual([]);
    const we = individualsChart(flow, { conventions: TABLE_CONVENTIONS, rules: { rules: WESTERN_ELECTRIC } });
    const nelson = individualsChart(flow, { conventions: TABLE_CONVENTIONS, rules: { rules: NELSON } });
    expect(we.individuals.signals).toEqual([]);
    expect(nelson.individuals.signals).toEqual([]);
    const zMax = Math.max(...we.individuals.points.map((p) => Math.abs(p.value - p.center) / p.sigma));
    expect(zMax).toBeCloseTo(1.928, 3);
  });
});

describe('NIST capability example (e-Handbook 6.1.6)', () => {
  const set = 'nist-capability-summary';
  const exp = expectations(set);
  const [row] = readCsv(set, 'parameters.csv');
  const p = {
    usl: Number(row?.usl),
    lsl: Number(row?.lsl),
    target: Number(row?.target),
    mean: Number(row?.mean),
    sigma: Number(row?.sigma),
  };

  it('Cp, Cpu, Cpl, Cpk and k of the NIST example match the handbook', () => {
    const c = capability({ mean: p.mean, sigmaWithin: p.sigma, spec: { lsl: p.lsl, usl: p.usl, target: p.target } });
    for (const [id, actual] of [
      ['cp', c.cp?.value],
      ['cpu', c.cpu?.value],
      ['cpl', c.cpl?.value],
      ['cpk', c.cpk?.value],
      ['k', c.k],
      ['cpm', c.cpm?.value],
    ] as const) {
      within(actual, num(exp, id).value, num(exp, id).tol, id);
    }
    // Cpk = Cp (1 - k) when the mean is inside the specification.
    within(c.cpk?.value, (c.cp?.value as number) * (1 - (c.k as number)), 1e-12, 'Cpk = Cp(1-k)');
    // No sample size, no interval; no overall sigma, no Pp.
    expect(c.cp?.lower).toBeNull();
    expect(c.pp).toBeNull();
  });
});
