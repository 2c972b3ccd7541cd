/**
 * Control chart constants, either as the printed tables give them or computed exactly.
 *
 * The references do not agree on which to use: NIST and qcc print d2 to 3 decimals (d2(2) = 1.128)
 * while the exact value is 1.1283792; qcc uses exact c4 and a 7-digit d3. A stated figure only
 * reproduces with the constants its source used, so the source of every constant is a convention
 * (see SpcConventions) and not a hidden choice.
 *
 * Exact values:
 *   d2(n) = E[R]/sigma  = integral over x of 1 - Phi(x)^n - (1 - Phi(x))^n
 *   d3(n) = sd(R)/sigma, from E[R^2] = 2 * double integral over x < y of
 *           1 - Phi(y)^n - (1 - Phi(x))^n + (Phi(y) - Phi(x))^n   (Tippett's range moments)
 *   c4(n) = E[s]/sigma  = sqrt(2/(n-1)) * Gamma(n/2) / Gamma((n-1)/2)
 * The integrals run on a grid of step 0.05 over [-8, 8] (trapezoid in x, which is spectrally
 * accurate for these smooth, fast-decaying integrands; Simpson in the range variable); the result
 * reproduces d2(5) = 2.3259289 and the closed form d3(2) = sqrt(2 - 4/pi) to ~1e-15, and halving the step
 * changes d3 by less than 1e-10.
 */
import { TracegraphError } from '../../core/errors.ts';
import { logGamma, normalCdf } from './distributions.ts';

/**
 * Where a constant comes from: the printed 3/4-decimal table, the exact value, or the values the
 * R package qcc uses (3-decimal d2, its own 7-digit d3 table, exact c4). qcc's d3 differs from the
 * exact integral from the 6th digit (d3(2) = 0.8525033 against sqrt(2 - 4/pi) = 0.8525025), so
 * qcc's printed R-chart limits only reproduce with its own values.
 */
export type ConstantSource = 'table' | 'exact' | 'qcc';

/**
 * Printed constants for subgroup sizes 2..25, as in ASTM E2587 / Montgomery's appendix table:
 * d2 and d3 to 3 decimals, c4 to 4, and the limit factors A2, A3, B3, B4, D3, D4 to 3.
 */
interface TableRow {
  d2: number;
  d3: number;
  c4: number;
  A2: number;
  A3: number;
  B3: number;
  B4: number;
  D3: number;
  D4: number;
}

// prettier-ignore
const TABLE_ROWS: ReadonlyArray<readonly [number, number, number, number, number, number, number, number, number, number]> = [
  //n     d2     d3      c4     A2     A3     B3     B4     D3     D4
  [ 2, 1.128, 0.853, 0.7979,  1.88, 2.659,     0, 3.267,     0, 3.267],
  [ 3, 1.693, 0.888, 0.8862, 1.023, 1.954,     0, 2.568,     0, 2.574],
  [ 4, 2.059,  0.88, 0.9213, 0.729, 1.628,     0, 2.266,     0, 2.282],
  [ 5, 2.326, 0.864,   0.94, 0.577, 1.427,     0, 2.089,     0, 2.114],
  [ 6, 2.534, 0.848, 0.9515, 0.483, 1.287,  0.03,  1.97,     0, 2.004],
  [ 7, 2.704, 0.833, 0.9594, 0.419, 1.182, 0.118, 1.882, 0.076, 1.924],
  [ 8, 2.847,  0.82,  0.965, 0.373, 1.099, 0.185, 1.815, 0.136, 1.864],
  [ 9,  2.97, 0.808, 0.9693, 0.337, 1.032, 0.239, 1.761, 0.184, 1.816],
  [10, 3.078, 0.797, 0.9727, 0.308, 0.975, 0.284, 1.716, 0.223, 1.777],
  [11, 3.173, 0.787, 0.9754, 0.285, 0.927, 0.321, 1.679, 0.256, 1.744],
  [12, 3.258, 0.778, 0.9776, 0.266, 0.886, 0.354, 1.646, 0.283, 1.717],
  [13, 3.336,  0.77, 0.9794, 0.249,  0.85, 0.382, 1.618, 0.307, 1.693],
  [14, 3.407, 0.763,  0.981, 0.235, 0.817, 0.406, 1.594, 0.328, 1.672],
  [15, 3.472, 0.756, 0.9823, 0.223, 0.789, 0.428, 1.572, 0.347, 1.653],
  [16, 3.532,  0.75, 0.9835, 0.212, 0.763, 0.448, 1.552, 0.363, 1.637],
  [17, 3.588, 0.744, 0.9845, 0.203, 0.739, 0.466, 1.534, 0.378, 1.622],
  [18,  3.64, 0.739, 0.9854, 0.194, 0.718, 0.482, 1.518, 0.391, 1.608],
  [19, 3.689, 0.734, 0.9862, 0.187, 0.698, 0.497, 1.503, 0.403, 1.597],
  [20, 3.735, 0.729, 0.9869,  0.18,  0.68,  0.51,  1.49, 0.415, 1.585],
  [21, 3.778, 0.724, 0.9876, 0.173, 0.663, 0.523, 1.477, 0.425, 1.575],
  [22, 3.819,  0.72, 0.9882, 0.167, 0.647, 0.534, 1.466, 0.434, 1.566],
  [23, 3.858, 0.716, 0.9887, 0.162, 0.633, 0.545, 1.455, 0.443, 1.557],
  [24, 3.895, 0.712, 0.9892, 0.157, 0.619, 0.555, 1.445, 0.451, 1.548],
  [25, 3.931, 0.708, 0.9896, 0.153, 0.606, 0.565, 1.435, 0.459, 1.541],
];

const TABLE = new Map<number, TableRow>(
  TABLE_ROWS.map(([n, d2, d3, c4, A2, A3, B3, B4, D3, D4]) => [n, { d2, d3, c4, A2, A3, B3, B4, D3, D4 }]),
);

/**
 * d3 for n = 2..25 as the R package qcc ships it (`se.R.unscaled` in R/utilities.R, commit af35099;
 * numbers only). Used by the 'qcc' constant source.
 */
// prettier-ignore
const QCC_D3 = [
  0.8525033, 0.8883697, 0.8798108, 0.8640855, 0.8480442, 0.8332108, 0.8198378, 0.8078413, 0.7970584, 0.787323, 0.7784873, 0.7704257,
  0.763033, 0.7562217, 0.7499188, 0.7440627, 0.7386021, 0.7334929, 0.728698, 0.7241851, 0.7199267, 0.7158987, 0.7120802, 0.7084528,
];

/** qcc's 7-digit d3, or undefined outside n = 2..25. */
export function qccD3(n: number): number | undefined {
  return QCC_D3[n - 2];
}

/** Largest subgroup size the printed table covers; beyond it 'table' falls back to the exact value. */
export const TABLE_MAX_N = 25;

export type TableFactor = keyof TableRow;

/** The printed value, or undefined when the table has no row for n. */
export function tableConstant(name: TableFactor, n: number): number | undefined {
  return TABLE.get(n)?.[name];
}

function checkSize(what: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) {
    throw new TracegraphError('BAD_INPUT', `${what} needs a whole subgroup size of at least ${min}, got ${n}`);
  }
}

const GRID_STEP = 0.05;
const GRID_HALF_WIDTH = 8;
let grid: { cdf: Float64Array; sf: Float64Array } | undefined;

function normalGrid(): { cdf: Float64Array; sf: Float64Array } {
  if (!grid) {
    const count = Math.round((2 * GRID_HALF_WIDTH) / GRID_STEP) + 1;
    const cdf = new Float64Array(count);
    const sf = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const x = -GRID_HALF_WIDTH + i * GRID_STEP;
      cdf[i] = normalCdf(x);
      sf[i] = normalCdf(-x);
    }
    grid = { cdf, sf };
  }
  return grid;
}

const exactD2Cache = new Map<number, number>();
const exactD3Cache = new Map<number, number>();

/** Exact d2(n) = E[range]/sigma for n normal observations. */
export function exactD2(n: number): number {
  checkSize('d2', n, 2);
  const hit = exactD2Cache.get(n);
  if (hit !== undefined) return hit;
  const { cdf, sf } = normalGrid();
  let sum = 0;
  for (let i = 0; i < cdf.length; i++) sum += 1 - Math.pow(cdf[i] as number, n) - Math.pow(sf[i] as number, n);
  const value = sum * GRID_STEP;
  exactD2Cache.set(n, value);
  return value;
}

/** Exact d3(n) = sd(range)/sigma for n normal observations. */
export function exactD3(n: number): number {
  checkSize('d3', n, 2);
  const hit = exactD3Cache.get(n);
  if (hit !== undefined) return hit;
  const { cdf, sf } = normalGrid();
  const count = cdf.length;
  const cdfPow = cdf.map((f) => Math.pow(f, n));
  const sfPow = sf.map((s) => Math.pow(s, n));
  // Outer integral over the range w = k*h by Simpson (needs an even number of panels).
  let kMax = count - 1;
  if (kMax % 2 === 1) kMax -= 1;
  let outer = 0;
  for (let k = 0; k <= kMax; k++) {
    let inner = 0;
    for (let i = 0; i + k < count; i++) {
      // P(min <= x and max > x + w) for x = grid[i], w = k*h.
      inner += 1 - (cdfPow[i + k] as number) - (sfPow[i] as number) + Math.pow((cdf[i + k] as number) - (cdf[i] as number), n);
    }
    inner *= GRID_STEP;
    const weight = k === 0 || k === kMax ? 1 : k % 2 === 1 ? 4 : 2;
    outer += weight * inner;
  }
  const secondMoment = (2 * outer * GRID_STEP) / 3;
  const d2 = exactD2(n);
  const value = Math.sqrt(secondMoment - d2 * d2);
  exactD3Cache.set(n, value);
  return value;
}

/** Exact c4(n) = E[s]/sigma for a sample of n (n >= 2). */
export function exactC4(n: number): number {
  checkSize('c4', n, 2);
  return Math.sqrt(2 / (n - 1)) * Math.exp(logGamma(n / 2) - logGamma((n - 1) / 2));
}

// Outside the printed range (n > 25) every source falls back to the exact value.

export function d2(n: number, source: ConstantSource): number {
  checkSize('d2', n, 2);
  return (source === 'exact' ? undefined : tableConstant('d2', n)) ?? exactD2(n);
}

export function d3(n: number, source: ConstantSource): number {
  checkSize('d3', n, 2);
  const printed = source === 'table' ? tableConstant('d3', n) : source === 'qcc' ? qccD3(n) : undefined;
  return printed ?? exactD3(n);
}

export function c4(n: number, source: ConstantSource): number {
  checkSize('c4', n, 2);
  return (source === 'table' ? tableConstant('c4', n) : undefined) ?? exactC4(n);
}

/** A printed limit factor; throws when the table has no row for n (there is no "exact" printed factor). */
export function tableFactor(name: 'A2' | 'A3' | 'B3' | 'B4' | 'D3' | 'D4', n: number): number {
  const value = tableConstant(name, n);
  if (value === undefined) {
    throw new TracegraphError(
      'BAD_INPUT',
      `the printed factor ${name} exists for subgroup sizes 2..${TABLE_MAX_N}, not ${n}; use factors: 'computed' for larger subgroups`,
    );
  }
  return value;
}
