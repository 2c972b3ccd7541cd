/**
 * Process capability (Cp, Cpl, Cpu, Cpk, Cpm with the within sigma) and performance (Pp, Ppl, Ppu,
 * Ppk, Ppm with the overall sigma), one- or two-sided, with confidence intervals.
 *
 * Point estimates (k = nSigmas, 3 by default; mu = the centre, the grand mean):
 *   Cp  = (USL - LSL) / (2k sigma)            Cpu = (USL - mu) / (k sigma)      Cpl = (mu - LSL) / (k sigma)
 *   Cpk = min(Cpl, Cpu) (the one that exists, one-sided)
 *   Cpm = Cp / sqrt(1 + ((mu - T) / sigma)^2)  (two-sided only; T = target, default the midpoint)
 *   k   = |M - mu| / ((USL - LSL) / 2), M the midpoint, so Cpk = Cp (1 - k) when mu is inside
 * Confidence intervals at level 1 - alpha with n = the number of individual values (qcc's choices):
 *   Cp, Pp:            idx * sqrt(chi2(alpha/2; n-1) / (n-1)) .. idx * sqrt(chi2(1-alpha/2; n-1) / (n-1))
 *   Cpl, Cpu, Ppl, Ppu: Bissell's normal approximation with a one-sided z = Phi^-1(1 - alpha):
 *                      idx * (1 -/+ z sqrt(1/(9 n idx^2) + 1/(2(n-1))))
 *   Cpk, Ppk:          the same with z = Phi^-1(1 - alpha/2)
 *   Cpm, Ppm:          chi-square with nu = n (1 + xi^2) / (1 + 2 xi^2), xi = (mu - T)/sigma
 *                      (Boyles 1991 has (1 + xi^2)^2 in the numerator; qcc, and so this module, use (1 + xi^2))
 */
import { TracegraphError } from '../../core/errors.ts';
import { QCC_CONVENTIONS, type SigmaEstimator, type SpcConventions } from './conventions.ts';
import { mean, sampleSd, withinSigma } from './charts.ts';
import { chiSquareQuantile, normalCdf, normalQuantile } from './distributions.ts';

export interface SpecLimits {
  readonly lsl?: number | null;
  readonly usl?: number | null;
  /** Defaults to the midpoint of a two-sided specification. */
  readonly target?: number | null;
}

export interface CapabilityInput {
  /** Centre of the process (qcc: the grand mean). */
  readonly mean: number;
  /** Within (short-term) sigma: Cp family. */
  readonly sigmaWithin?: number | null;
  /** Overall (long-term) sigma: Pp family. */
  readonly sigmaOverall?: number | null;
  /** Number of individual values behind the estimates; without it there are no intervals. */
  readonly n?: number | null;
  readonly spec: SpecLimits;
  /** Two-sided confidence level of the intervals, 0.95 by default. */
  readonly confidence?: number;
  readonly nSigmas?: number;
}

export interface IndexEstimate {
  readonly value: number;
  readonly lower: number | null;
  readonly upper: number | null;
}

export interface Capability {
  readonly cp: IndexEstimate | null;
  readonly cpl: IndexEstimate | null;
  readonly cpu: IndexEstimate | null;
  readonly cpk: IndexEstimate | null;
  readonly cpm: IndexEstimate | null;
  readonly pp: IndexEstimate | null;
  readonly ppl: IndexEstimate | null;
  readonly ppu: IndexEstimate | null;
  readonly ppk: IndexEstimate | null;
  readonly ppm: IndexEstimate | null;
  /** Off-centre ratio of a two-sided specification; null when one-sided. */
  readonly k: number | null;
  readonly target: number | null;
  /** Expected fraction below LSL / above USL from a normal with the within sigma. */
  readonly expectedBelowLsl: number | null;
  readonly expectedAboveUsl: number | null;
}

function finiteOrNull(v: number | null | undefined): number | null {
  return v === undefined || v === null || !Number.isFinite(v) ? null : v;
}

interface Family {
  p: IndexEstimate | null;
  pl: IndexEstimate | null;
  pu: IndexEstimate | null;
  pk: IndexEstimate | null;
  pm: IndexEstimate | null;
}

function family(
  mu: number,
  sigma: number | null,
  lsl: number | null,
  usl: number | null,
  target: number | null,
  n: number | null,
  alpha: number,
  k: number,
): Family {
  if (sigma === null) return { p: null, pl: null, pu: null, pk: null, pm: null };
  if (!(sigma > 0)) throw new TracegraphError('BAD_INPUT', `capability needs a positive sigma, got ${sigma}`);
  const withCi = n !== null && n >= 2;
  const chi = (idx: number, df: number): IndexEstimate => ({
    value: idx,
    lower: withCi ? idx * Math.sqrt(chiSquareQuantile(alpha / 2, df) / df) : null,
    upper: withCi ? idx * Math.sqrt(chiSquareQuantile(1 - alpha / 2, df) / df) : null,
  });
  const bissell = (idx: number, z: number): IndexEstimate => {
    if (!withCi) return { value: idx, lower: null, upper: null };
    const half = z * Math.sqrt(1 / (9 * (n as number) * idx * idx) + 1 / (2 * ((n as number) - 1)));
    return { value: idx, lower: idx * (1 - half), upper: idx * (1 + half) };
  };
  const zOne = normalQuantile(1 - alpha);
  const zTwo = normalQuantile(1 - alpha / 2);
  const pl = lsl === null ? null : bissell((mu - lsl) / (k * sigma), zOne);
  const pu = usl === null ? null : bissell((usl - mu) / (k * sigma), zOne);
  const kValue = Math.min(pl?.value ?? Infinity, pu?.value ?? Infinity);
  const pk = bissell(kValue, zTwo);
  if (lsl === null || usl === null) return { p: null, pl, pu, pk, pm: null };
  const cp = (usl - lsl) / (2 * k * sigma);
  const p = chi(cp, (n ?? 2) - 1);
  const xi = ((mu - (target as number)) / sigma) ** 2;
  const pm = chi(cp / Math.sqrt(1 + xi), ((n ?? 2) * (1 + xi)) / (1 + 2 * xi));
  return { p, pl, pu, pk, pm };
}

/** Capability and performance indices from summary statistics. */
export function capability(input: CapabilityInput): Capability {
  const lsl = finiteOrNull(input.spec.lsl);
  const usl = finiteOrNull(input.spec.usl);
  if (lsl === null && usl === null)
    throw new TracegraphError('BAD_INPUT', 'capability needs a lower or an upper specification limit (or both)');
  if (lsl !== null && usl !== null && !(usl > lsl))
    throw new TracegraphError('BAD_INPUT', `USL (${usl}) must be above LSL (${lsl})`);
  const confidence = input.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1))
    throw new TracegraphError('BAD_INPUT', `confidence must be between 0 and 1, got ${confidence}`);
  const nSigmas = input.nSigmas ?? 3;
  const n = finiteOrNull(input.n);
  const target = finiteOrNull(input.spec.target) ?? (lsl !== null && usl !== null ? (lsl + usl) / 2 : null);
  const alpha = 1 - confidence;
  const mu = input.mean;
  const within = family(mu, finiteOrNull(input.sigmaWithin), lsl, usl, target, n, alpha, nSigmas);
  const overall = family(mu, finiteOrNull(input.sigmaOverall), lsl, usl, target, n, alpha, nSigmas);
  const sw = finiteOrNull(input.sigmaWithin);
  return {
    cp: within.p,
    cpl: within.pl,
    cpu: within.pu,
    cpk: within.pk,
    cpm: within.pm,
    pp: overall.p,
    ppl: overall.pl,
    ppu: overall.pu,
    ppk: overall.pk,
    ppm: overall.pm,
    k: lsl !== null && usl !== null ? Math.abs((lsl + usl) / 2 - mu) / ((usl - lsl) / 2) : null,
    target,
    expectedBelowLsl: lsl !== null && sw !== null ? normalCdf((lsl - mu) / sw) : null,
    expectedAboveUsl: usl !== null && sw !== null ? normalCdf((mu - usl) / sw) : null,
  };
}

export interface CapabilityFromData extends Capability {
  readonly mean: number;
  readonly sigmaWithin: number;
  readonly sigmaOverall: number;
  readonly n: number;
  /** Observed fraction of values below LSL / above USL. */
  readonly observedBelowLsl: number | null;
  readonly observedAboveUsl: number | null;
}

/**
 * Capability of subgrouped data: centre = grand mean, within sigma by `sigmaEstimator` (R-bar/d2 by
 * default, as qcc's X-bar chart), overall sigma = the plain sample sd of all values (no c4), n = all values.
 */
export function capabilityFromSubgroups(
  subgroups: readonly (readonly number[])[],
  spec: SpecLimits,
  options?: { readonly sigmaEstimator?: SigmaEstimator; readonly conventions?: SpcConventions; readonly confidence?: number },
): CapabilityFromData {
  const all = subgroups.flat();
  if (all.length < 2) throw new TracegraphError('BAD_INPUT', `capability needs at least 2 values, got ${all.length}`);
  const conventions = options?.conventions ?? QCC_CONVENTIONS;
  const sigmaWithin = withinSigma(subgroups, options?.sigmaEstimator ?? 'rBar', conventions);
  const sigmaOverall = sampleSd(all);
  const mu = mean(all);
  const result = capability({
    mean: mu,
    sigmaWithin,
    sigmaOverall,
    n: all.length,
    spec,
    confidence: options?.confidence,
    nSigmas: conventions.nSigmas,
  });
  const lsl = finiteOrNull(spec.lsl);
  const usl = finiteOrNull(spec.usl);
  return {
    ...result,
    mean: mu,
    sigmaWithin,
    sigmaOverall,
    n: all.length,
    observedBelowLsl: lsl === null ? null : all.filter((x) => x < lsl).length / all.length,
    observedAboveUsl: usl === null ? null : all.filter((x) => x > usl).length / all.length,
  };
}
