/**
 * The few distribution functions SPC needs, written here so the module has no dependency:
 * the standard normal CDF and quantile, log-gamma, the regularized incomplete gamma function and
 * the chi-square CDF and quantile (non-integer degrees of freedom too: Boyles' Cpm interval needs them).
 *
 * Accuracy target: about 1e-14 absolute for the normal CDF, and quantiles refined by Newton steps
 * on those CDFs until they stop moving, so each quantile is as good as its CDF.
 */
import { TracegraphError } from '../../core/errors.ts';

const SQRT_2PI = Math.sqrt(2 * Math.PI);

export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/** Upper tail Q(x) = 1 - Phi(x) for x >= 0, without cancellation where it matters (large x). */
function upperTail(x: number): number {
  if (x < 3) {
    // Phi(x) - 1/2 = phi(x) * sum x^(2k+1) / (1*3*...*(2k+1)); every term is positive, so no cancellation.
    let term = x;
    let sum = x;
    for (let k = 1; k < 500; k++) {
      term *= (x * x) / (2 * k + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 0.5 - normalPdf(x) * sum;
  }
  // Mills ratio as a continued fraction, evaluated backwards: Q(x) = phi(x) / (x + 1/(x + 2/(x + 3/(x + ...)))).
  let f = x;
  for (let k = 300; k >= 1; k--) f = x + k / f;
  return normalPdf(x) / f;
}

/** Standard normal CDF. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  return x >= 0 ? 1 - upperTail(x) : upperTail(-x);
}

/** 1 - Phi(x), accurate in the upper tail. */
export function normalSurvival(x: number): number {
  return normalCdf(-x);
}

/**
 * Standard normal quantile. Starts from Acklam's rational approximation (relative error ~1e-9)
 * and refines it with Halley steps on normalCdf, so the result is as accurate as the CDF.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) {
    throw new TracegraphError('BAD_INPUT', `normal quantile needs a probability in [0, 1], got ${p}`);
  }
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  const at = (arr: number[], i: number): number => arr[i] as number;
  if (p < pLow || p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log(p < pLow ? p : 1 - p));
    const num = ((((at(c, 0) * q + at(c, 1)) * q + at(c, 2)) * q + at(c, 3)) * q + at(c, 4)) * q + at(c, 5);
    const den = (((at(d, 0) * q + at(d, 1)) * q + at(d, 2)) * q + at(d, 3)) * q + 1;
    x = p < pLow ? num / den : -num / den;
  } else {
    const q = p - 0.5;
    const r = q * q;
    const num = (((((at(a, 0) * r + at(a, 1)) * r + at(a, 2)) * r + at(a, 3)) * r + at(a, 4)) * r + at(a, 5)) * q;
    const den = ((((at(b, 0) * r + at(b, 1)) * r + at(b, 2)) * r + at(b, 3)) * r + at(b, 4)) * r + 1;
    x = num / den;
  }
  for (let i = 0; i < 4; i++) {
    // Compare in the smaller tail so the residual keeps its precision.
    const e = p < 0.5 ? normalCdf(x) - p : 1 - p - normalSurvival(x);
    const u = (e * SQRT_2PI) / Math.exp(-0.5 * x * x);
    const next = x - u / (1 + (x * u) / 2);
    if (next === x) break;
    x = next;
  }
  return x;
}

/** ln Gamma(x) for x > 0 (Lanczos, g = 7, nine terms; ~1e-15 relative). */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new TracegraphError('BAD_INPUT', `log-gamma needs a positive argument, got ${x}`);
  if (x < 0.5) {
    // Reflection keeps the series in the range where it is accurate.
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  const g = 7;
  const coef = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = coef[0] as number;
  for (let i = 1; i < coef.length; i++) sum += (coef[i] as number) / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPS = 1e-16;
const TINY = 1e-300;

/** Regularized lower incomplete gamma P(a, x) and its complement Q(a, x), both returned for precision. */
export function regularizedGamma(a: number, x: number): { p: number; q: number } {
  if (!(a > 0) || !(x >= 0))
    throw new TracegraphError('BAD_INPUT', `incomplete gamma needs a > 0 and x >= 0, got a=${a}, x=${x}`);
  if (x === 0) return { p: 0, q: 1 };
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 10_000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    const p = sum * front;
    return { p, q: 1 - p };
  }
  // Continued fraction for Q (modified Lentz).
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  const q = front * h;
  return { p: 1 - q, q };
}

export function chiSquareCdf(x: number, df: number): number {
  if (x <= 0) return 0;
  return regularizedGamma(df / 2, x / 2).p;
}

function chiSquarePdf(x: number, df: number): number {
  if (x <= 0) return 0;
  const k = df / 2;
  return Math.exp((k - 1) * Math.log(x) - x / 2 - k * Math.LN2 - logGamma(k));
}

/**
 * Chi-square quantile for any df > 0: Wilson-Hilferty start, then Newton steps kept inside a
 * bracket (bisection when a step would leave it).
 */
export function chiSquareQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1)) throw new TracegraphError('BAD_INPUT', `chi-square quantile needs a probability in [0, 1], got ${p}`);
  if (!(df > 0)) throw new TracegraphError('BAD_INPUT', `chi-square quantile needs df > 0, got ${df}`);
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  const z = normalQuantile(p);
  const h = 2 / (9 * df);
  let x = df * Math.pow(Math.max(1 - h + z * Math.sqrt(h), 0.01), 3);
  let lo = 0;
  let hi = Infinity;
  for (let i = 0; i < 200; i++) {
    const { p: cdf, q: sf } = regularizedGamma(df / 2, x / 2);
    // Residual in the smaller tail keeps its precision for p near 1.
    const r = p < 0.5 ? cdf - p : 1 - p - sf;
    if (r === 0) return x;
    if (r > 0) hi = Math.min(hi, x);
    else lo = Math.max(lo, x);
    const pdf = chiSquarePdf(x, df);
    let next = pdf > 0 ? x - r / pdf : NaN;
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? (lo + hi) / 2 : Math.max(2 * x, 1);
    if (Math.abs(next - x) <= 1e-15 * Math.max(1, x)) return next;
    x = next;
  }
  return x;
}
