import { describe, expect, it } from 'vitest';
import {
  TABLE_MAX_N,
  c4,
  chiSquareCdf,
  chiSquareQuantile,
  d2,
  d3,
  exactC4,
  exactD2,
  exactD3,
  normalCdf,
  normalQuantile,
  qccD3,
  tableConstant,
  type TableFactor,
} from '../../domain/spc/index.ts';

describe('normal and chi-square functions', () => {
  it('normal quantiles used by the capability intervals are exact to 1e-14', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 13);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 12);
    expect(normalCdf(normalQuantile(0.3))).toBeCloseTo(0.3, 15);
    expect(normalCdf(-8)).toBeCloseTo(6.22096057427178e-16, 28);
  });

  it('chi-square quantiles invert the CDF, also for fractional degrees of freedom', () => {
    expect(chiSquareQuantile(0.025, 10)).toBeCloseTo(3.246972780236841, 12);
    expect(chiSquareQuantile(0.975, 10)).toBeCloseTo(20.48317735080739, 11);
    expect(chiSquareQuantile(0.95, 1)).toBeCloseTo(3.841458820694124, 12);
    for (const df of [0.7, 2.5, 11.02, 124, 1000]) {
      for (const p of [0.001, 0.025, 0.5, 0.975, 0.999]) {
        expect(chiSquareCdf(chiSquareQuantile(p, df), df)).toBeCloseTo(p, 12);
      }
    }
  });

  it('refuses probabilities outside [0, 1]', () => {
    expect(() => normalQuantile(1.5)).toThrow(/probability/);
    expect(() => chiSquareQuantile(0.5, 0)).toThrow(/df > 0/);
  });
});

describe('control chart constants', () => {
  it('exact d2, d3 and c4 match their closed forms and the README values', () => {
    expect(exactD2(2)).toBeCloseTo(2 / Math.sqrt(Math.PI), 13);
    expect(exactD3(2)).toBeCloseTo(Math.sqrt(2 - 4 / Math.PI), 12);
    expect(exactD2(4)).toBeCloseTo(2.0587507, 7);
    expect(exactD2(5)).toBeCloseTo(2.3259289, 7);
    expect(exactC4(5)).toBeCloseTo(0.9399856, 7);
    expect(exactC4(20)).toBeCloseTo(0.9869343, 7);
  });

  it('every printed table value is the exact value rounded to its printed digits', () => {
    const exactFactors = (n: number): Record<TableFactor, number> => {
      const [dd2, dd3, cc4] = [exactD2(n), exactD3(n), exactC4(n)];
      const sSpread = (3 * Math.sqrt(1 - cc4 * cc4)) / cc4;
      return {
        d2: dd2,
        d3: dd3,
        c4: cc4,
        A2: 3 / (dd2 * Math.sqrt(n)),
        A3: 3 / (cc4 * Math.sqrt(n)),
        B3: Math.max(0, 1 - sSpread),
        B4: 1 + sSpread,
        D3: Math.max(0, 1 - (3 * dd3) / dd2),
        D4: 1 + (3 * dd3) / dd2,
      };
    };
    for (let n = 2; n <= TABLE_MAX_N; n++) {
      const exact = exactFactors(n);
      for (const [name, value] of Object.entries(exact) as Array<[TableFactor, number]>) {
        const digits = name === 'c4' ? 4 : 3;
        // Half a unit of rounding, plus a unit for tables (D4(5) is printed 2.114 and 2.115) that round factors of rounded constants.
        expect(Math.abs((tableConstant(name, n) as number) - value), `${name}(${n})`).toBeLessThanOrEqual(1.5 * 10 ** -digits);
      }
    }
  });

  it("qcc's d3 table is within 2e-5 of the exact d3, which is why it is a convention of its own", () => {
    for (let n = 2; n <= TABLE_MAX_N; n++) expect(Math.abs((qccD3(n) as number) - exactD3(n))).toBeLessThan(2e-5);
    expect(Math.abs((qccD3(5) as number) - exactD3(5))).toBeGreaterThan(1e-6);
  });

  it('beyond the printed table every source falls back to the exact value', () => {
    expect(d2(30, 'table')).toBe(exactD2(30));
    expect(d3(30, 'qcc')).toBe(exactD3(30));
    expect(c4(30, 'table')).toBe(exactC4(30));
    expect(d2(5, 'qcc')).toBe(2.326);
    expect(c4(5, 'qcc')).toBe(exactC4(5));
    expect(() => d2(1, 'exact')).toThrow(/at least 2/);
  });
});
