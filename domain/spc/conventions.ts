/**
 * The choices on which published SPC figures differ. A stated figure reproduces only under the
 * conventions of its source, so every chart takes them explicitly (with QCC_CONVENTIONS as the default).
 */
import type { ConstantSource } from './constants.ts';

/** How sigma is estimated from the baseline. */
export type SigmaEstimator =
  /** mean moving range of span 2 / d2(2) (individuals) */
  | 'movingRange'
  /** mean subgroup range / d2(n), averaged per subgroup size when sizes differ */
  | 'rBar'
  /** mean subgroup standard deviation / c4(n), averaged per subgroup size when sizes differ */
  | 'sBar'
  /** sqrt(sum (n_i - 1) s_i^2 / sum (n_i - 1)) / c4(sum (n_i - 1) + 1) */
  | 'pooledSd'
  /** the plain sample sd (n - 1) of every baseline value, as qcc uses for Pp/Ppk */
  | 'overallSd'
  /** the sample sd divided by c4(N), as qcc's individuals option std.dev = "SD" */
  | 'overallSdC4';

export interface SpcConventions {
  readonly d2: ConstantSource;
  readonly d3: ConstantSource;
  readonly c4: ConstantSource;
  /**
   * 'computed': every limit is centre +/- nSigmas x the sd of the plotted statistic (qcc, NIST);
   * 'table': X-bar, R, S and MR limits use the printed factors A2, A3, D3, D4, B3, B4 (textbook hand
   * calculation; needs nSigmas = 3 and subgroup sizes 2..25). The individuals chart is always computed.
   */
  readonly factors: 'computed' | 'table';
  readonly nSigmas: number;
}

/** What the R package qcc does: 3-decimal d2, its 7-digit d3, exact c4, limits computed from sigma. */
export const QCC_CONVENTIONS: SpcConventions = Object.freeze({
  d2: 'qcc',
  d3: 'qcc',
  c4: 'qcc',
  factors: 'computed',
  nSigmas: 3,
});

/** Exact constants throughout. */
export const EXACT_CONVENTIONS: SpcConventions = Object.freeze({
  d2: 'exact',
  d3: 'exact',
  c4: 'exact',
  factors: 'computed',
  nSigmas: 3,
});

/** Hand calculation with the printed table: 3-decimal d2/d3, 4-decimal c4 and the printed limit factors. */
export const TABLE_CONVENTIONS: SpcConventions = Object.freeze({
  d2: 'table',
  d3: 'table',
  c4: 'table',
  factors: 'table',
  nSigmas: 3,
});
