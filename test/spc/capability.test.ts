import { describe, expect, it } from 'vitest';
import {
  EXACT_CONVENTIONS,
  QCC_CONVENTIONS,
  capability,
  capabilityFromSubgroups,
  type IndexEstimate,
} from '../../domain/spc/index.ts';
import { expectation, expectations, num, readCsv, within } from './reference.ts';

const set = 'qcc-capability-testcase';
const exp = expectations(set);
const groups: number[][] = [];
for (const r of readCsv(set, 'capability_testcase.csv')) (groups[Number(r.subgroup) - 1] ??= []).push(Number(r.x));

const NAMES = ['Cp', 'Cp_l', 'Cp_u', 'Cp_k', 'Cpm', 'Pp', 'Pp_l', 'Pp_u', 'Pp_k', 'Ppm'] as const;
type Name = (typeof NAMES)[number];

function indices(spec: { lsl?: number; usl?: number; target?: number }): Record<Name, IndexEstimate | null> {
  const c = capabilityFromSubgroups(groups, spec, { conventions: QCC_CONVENTIONS });
  return {
    Cp: c.cp,
    Cp_l: c.cpl,
    Cp_u: c.cpu,
    Cp_k: c.cpk,
    Cpm: c.cpm,
    Pp: c.pp,
    Pp_l: c.ppl,
    Pp_u: c.ppu,
    Pp_k: c.ppk,
    Ppm: c.ppm,
  };
}

function matches(id: string, spec: { lsl?: number; usl?: number; target?: number }): void {
  const e = expectation(exp, id);
  const stated = e.value as Partial<Record<Name, [number, number, number]>>;
  const got = indices(spec);
  for (const name of NAMES) {
    const want = stated[name];
    if (want === undefined) {
      expect(got[name], `${name} is NA in qcc`).toBeNull();
      continue;
    }
    const [value, lower, upper] = want;
    within(got[name]?.value, value, e.abs_tol as number, `${name}`);
    within(got[name]?.lower, lower, e.abs_tol as number, `${name} 2.5%`);
    within(got[name]?.upper, upper, e.abs_tol as number, `${name} 97.5%`);
  }
}

describe('qcc capability test case: indices and 95% limits', () => {
  it('the fixture is 3 subgroups of 4 with centre 10.005, R-bar 0.05 and the stated sigmas', () => {
    expect(groups.map((g) => g.length)).toEqual([4, 4, 4]);
    const c = capabilityFromSubgroups(groups, { lsl: 9.9, usl: 10.1 }, { conventions: QCC_CONVENTIONS });
    within(c.mean, num(exp, 'center').value, 1e-12, 'centre');
    within(c.sigmaWithin, num(exp, 'sigma_within_qcc').value, num(exp, 'sigma_within_qcc').tol, 'within sigma');
    within(c.sigmaOverall, num(exp, 'sigma_overall').value, num(exp, 'sigma_overall').tol, 'overall sigma');
    within(c.sigmaWithin * 2.059, num(exp, 'r_bar').value, 1e-12, 'R-bar');
  });

  it('two-sided on target: Cp..Ppm with limits match qcc to 1e-6', () => {
    matches('two_sided.LSL9.9_USL10.1.target10.0', { lsl: 9.9, usl: 10.1, target: 10 });
  });

  it('two-sided off target: only Cpm and Ppm (and their chi-square df) change', () => {
    matches('two_sided.LSL9.9_USL10.1.target10.02', { lsl: 9.9, usl: 10.1, target: 10.02 });
  });

  it('upper limit only: Cp_k is Cp_u with the two-sided z, everything else NA', () => {
    matches('upper_only.USL10.1.target10.02', { usl: 10.1, target: 10.02 });
  });

  it('lower limit only: Cp_k is Cp_l with the two-sided z, everything else NA', () => {
    matches('lower_only.LSL9.9.target10.02', { lsl: 9.9, target: 10.02 });
  });

  it('exact d2 gives Cp 1.372500, which misses the stated 1.372667 by more than qcc tolerates', () => {
    const c = capabilityFromSubgroups(groups, { lsl: 9.9, usl: 10.1 }, { conventions: EXACT_CONVENTIONS });
    within(c.sigmaWithin, num(exp, 'sigma_within_exact_d2').value, num(exp, 'sigma_within_exact_d2').tol, 'exact sigma');
    within(c.cp?.value, num(exp, 'cp_exact_d2').value, num(exp, 'cp_exact_d2').tol, 'Cp exact');
    expect(Math.abs((c.cp?.value as number) - 1.372667)).toBeGreaterThan(1e-6);
  });
});

describe('capability input checks', () => {
  it('refuses a specification without limits or with USL below LSL', () => {
    expect(() => capability({ mean: 1, sigmaWithin: 1, spec: {} })).toThrow(/lower or an upper/);
    expect(() => capability({ mean: 1, sigmaWithin: 1, spec: { lsl: 2, usl: 1 } })).toThrow(/above LSL/);
    expect(() => capability({ mean: 1, sigmaWithin: 0, spec: { lsl: 0, usl: 2 } })).toThrow(/positive sigma/);
  });

  it('a wider confidence level widens every interval', () => {
    const base = { mean: 10, sigmaWithin: 1, sigmaOverall: 1.1, n: 50, spec: { lsl: 6, usl: 15 } };
    const c95 = capability(base);
    const c99 = capability({ ...base, confidence: 0.99 });
    for (const k of ['cp', 'cpl', 'cpu', 'cpk', 'cpm', 'pp', 'ppk'] as const) {
      expect(c99[k]?.lower as number).toBeLessThan(c95[k]?.lower as number);
      expect(c99[k]?.upper as number).toBeGreaterThan(c95[k]?.upper as number);
    }
  });
});
