/** Small statistics for the quality analytics: rates and Fisher's exact test on 2x2 tables. */

/** Defective over total, or null when there is nothing to divide (a rate of 0 of 0 is not 0%). */
export function rate(defective: number, total: number): number | null {
  return total > 0 ? defective / total : null;
}

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let k = logFactorials.length; k <= n; k++) logFactorials[k] = logFactorials[k - 1]! + Math.log(k);
  return logFactorials[n]!;
}

/**
 * Fisher's exact test on [[a, b], [c, d]], two-sided as R's fisher.test computes it: the sum of
 * the probabilities of every table with the same margins that is no more likely than the one
 * observed (with R's relative tolerance of 1e-7, so ties in floating point count as ties).
 */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  for (const x of [a, b, c, d])
    if (!Number.isInteger(x) || x < 0) throw new RangeError(`fisherExact needs counts (non-negative integers), got ${x}`);
  const r1 = a + b;
  const r2 = c + d;
  const c1 = a + c;
  const n = r1 + r2;
  if (n === 0) return 1;
  const base = logFactorial(r1) + logFactorial(r2) + logFactorial(c1) + logFactorial(n - c1) - logFactorial(n);
  const logP = (x: number) => base - logFactorial(x) - logFactorial(r1 - x) - logFactorial(c1 - x) - logFactorial(r2 - c1 + x);
  const observed = logP(a);
  const lo = Math.max(0, c1 - r2);
  const hi = Math.min(r1, c1);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const lp = logP(x);
    if (lp <= observed + Math.log1p(1e-7)) p += Math.exp(lp);
  }
  return Math.min(1, p);
}
