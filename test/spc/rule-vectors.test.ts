import { describe, expect, it } from 'vitest';
import {
  AIAG_VARIANTS,
  NELSON,
  RULE_IDS,
  WESTERN_ELECTRIC,
  applyRules,
  flaggedPoints,
  mostSerious,
  ruleNumber,
  type RuleId,
  type RulePoint,
} from '../../domain/spc/index.ts';
import { expectation, expectations, readCsv } from './reference.ts';

const set = 'qcc-rule-vectors';
const exp = expectations(set);
const rows = readCsv(set, 'rule_vectors.csv');

interface Case {
  name: string;
  rule: RuleId;
  values: number[];
  flagged: number[];
}

const cases = new Map<string, Case>();
for (const r of rows) {
  const name = r.case as string;
  const rule = `${r.rule_set === 'nelson' ? 'nelson' : 'we'}${r.rule}` as RuleId;
  const c = cases.get(name) ?? { name, rule, values: [], flagged: [] };
  c.values[Number(r.point) - 1] = Number(r.value);
  if (r.flagged === '1') c.flagged.push(Number(r.point));
  cases.set(name, c);
}

const unit = (values: number[]): RulePoint[] => values.map((value) => ({ value, center: 0, sigma: 1 }));

describe('qcc rule vectors: each rule alone flags exactly the asserted points', () => {
  it('every case in the CSV has an expected.json entry that agrees with its flagged column', () => {
    expect(cases.size).toBeGreaterThanOrEqual(19);
    for (const c of cases.values()) expect(expectation(exp, c.name).value, c.name).toEqual(c.flagged);
    // And no stated vector is left untested: every entry is a CSV case or one of the combined-rule checks below.
    const combined = ['we-overlap.combined_rules_4_3_2', 'we-overlap.combined_rules_4_3_2_1'];
    expect([...exp.keys()].filter((id) => !cases.has(id)).sort()).toEqual(combined);
  });

  for (const c of cases.values()) {
    it(`${c.name}: ${c.rule} flags points [${c.flagged.join(', ')}]`, () => {
      const signals = applyRules(unit(c.values), { rules: [c.rule] });
      expect(flaggedPoints(signals, c.rule).map((i) => i + 1)).toEqual(expectation(exp, c.name).value);
    });
  }
});

describe('rule semantics', () => {
  it('overlapping WE rules report the lowest rule number per point, as qcc does', () => {
    const overlap = cases.get('we-overlap-r1') as Case;
    for (const [id, rules] of [
      ['we-overlap.combined_rules_4_3_2', ['we4', 'we3', 'we2']],
      ['we-overlap.combined_rules_4_3_2_1', ['we4', 'we3', 'we2', 'we1']],
    ] as const) {
      const serious = mostSerious(applyRules(unit(overlap.values), { rules }));
      const perPoint = overlap.values.map((_, i) => {
        const rule = serious.get(i);
        return rule === undefined ? null : ruleNumber(rule);
      });
      expect(perPoint, id).toEqual(expectation(exp, id).value);
    }
  });

  it('a 13-point run flags points 16-20 as completing and 8-20 as the pattern under the 9-in-a-row rule', () => {
    const values = [...Array<number>(7).fill(-0.5), ...Array<number>(13).fill(0.5)];
    const signals = applyRules(unit(values), { rules: ['nelson2'] });
    expect(flaggedPoints(signals, 'nelson2').map((i) => i + 1)).toEqual([16, 17, 18, 19, 20]);
    expect(flaggedPoints(signals, 'nelson2', 'pattern').map((i) => i + 1)).toEqual(Array.from({ length: 13 }, (_, i) => i + 8));
    expect(Math.min(...signals.map((s) => s.index)) + 1).toBe(16);
  });

  it('AIAG variants signal a run of 7 on one side and a 7-point trend', () => {
    const run = unit([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(applyRules(run, { rules: ['we4'] })).toEqual([]);
    expect(flaggedPoints(applyRules(run, { rules: ['we4'], variants: AIAG_VARIANTS }))).toEqual([6]);
    const rising = unit([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(flaggedPoints(applyRules(rising, { rules: ['nelson3'], variants: AIAG_VARIANTS }))).toEqual([6]);
    expect(flaggedPoints(applyRules(rising, { rules: ['nelson3'] }))).toEqual([5, 6]);
  });

  it('2 of 3 beyond 2 sigma counts one side unless the variant allows either side', () => {
    const split = unit([0, 2.5, -2.5]);
    expect(applyRules(split, { rules: ['we2'] })).toEqual([]);
    expect(flaggedPoints(applyRules(split, { rules: ['we2'], variants: { sameSide: false } }))).toEqual([2]);
    // The classic reading flags the window's last point even when that point is inside 2 sigma.
    const lastInside = unit([2.5, 2.6, 0]);
    expect(applyRules(lastInside, { rules: ['we2'] })).toEqual([]);
    expect(flaggedPoints(applyRules(lastInside, { rules: ['we2'], variants: { lastPointBeyond: false } }))).toEqual([2]);
  });

  it('zones follow each point: a p chart point is judged against its own sigma', () => {
    const points: RulePoint[] = [
      { value: 0.2, center: 0.1, sigma: 0.04 },
      { value: 0.2, center: 0.1, sigma: 0.02 },
    ];
    expect(flaggedPoints(applyRules(points, { rules: ['we1'] }))).toEqual([1]);
  });

  it('refuses an unknown rule id or a run length below 2, naming the known rules', () => {
    expect(() => applyRules(unit([0]), { rules: ['we9' as RuleId] })).toThrow(/known rules: we1/);
    expect(() => applyRules(unit([0]), { rules: ['we4'], variants: { lengths: { we4: 1 } } })).toThrow(/we4/);
  });

  it('WE and Nelson rule sets name every rule id once', () => {
    expect([...WESTERN_ELECTRIC, ...NELSON]).toEqual([...RULE_IDS]);
  });
});
