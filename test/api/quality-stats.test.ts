import { describe, expect, it } from 'vitest';
import { fisherExact, rate } from '../../domain/analytics/stats.ts';

describe("Fisher's exact test", () => {
  it("matches R's fisher.test on the tea-tasting table [[3,1],[1,3]]: p = 0.4857", () => {
    expect(fisherExact(3, 1, 1, 3)).toBeCloseTo(0.485714, 5);
  });

  it("matches R's fisher.test on [[1,9],[11,3]]: p = 0.002759", () => {
    expect(fisherExact(1, 9, 11, 3)).toBeCloseTo(0.0027594, 6);
  });

  it('is symmetric in rows and columns, 1 for a table without information, and small for a strong effect', () => {
    expect(fisherExact(11, 3, 1, 9)).toBeCloseTo(fisherExact(1, 9, 11, 3), 12);
    expect(fisherExact(1, 11, 9, 3)).toBeCloseTo(fisherExact(1, 9, 11, 3), 12);
    expect(fisherExact(0, 0, 0, 0)).toBe(1);
    expect(fisherExact(5, 5, 5, 5)).toBeCloseTo(1, 9);
    expect(fisherExact(40, 960, 5, 995)).toBeLessThan(1e-6);
  });

  it('refuses what is not a count', () => {
    expect(() => fisherExact(-1, 1, 1, 1)).toThrow(RangeError);
    expect(() => fisherExact(1.5, 1, 1, 1)).toThrow(RangeError);
  });

  it('a rate of nothing is null, not zero', () => {
    expect(rate(0, 0)).toBeNull();
    expect(rate(1, 4)).toBe(0.25);
  });
});
