/**
 * Summary statistics computed exactly as pandas computes `Series.describe()` (pandas' nanops on
 * float64, numpy's pairwise summation), plus a median, quartiles and a Student-t 95% confidence
 * interval of the mean.
 */
import { numpySum, quantileLinear } from '../numpy-sum.js';

export { numpySum };


/** What pandas' `Series.describe()` gives (NaN values excluded; `count` counts the others). */
export interface PandasDescribe {
  /** Number of non-NaN values (infinities count). */
  readonly count: number;
  /** `nanmean`; `Infinity` when any value is infinite; NaN when count is 0. */
  readonly mean: number;
  /** Sample standard deviation (ddof = 1); NaN when count < 2 or any value is infinite. */
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/**
 * `Series.describe()`'s count, mean, std (ddof 1), min and max, bit for bit as pandas' nanops:
 * NaN entries are replaced by 0 and kept in place for the sums, `mean = Σ/count`,
 * `var = Σ(mean − x)²/(count − 1)` (two-pass), `std = √var`.
 * @example
 * ```ts
 * describeLikePandas([1.0, 0.4, 0.8]); // { count: 3, mean: 0.7333…, std: 0.3055…, min: 0.4, max: 1 }
 * ```
 */
export function describeLikePandas(values: readonly number[]): PandasDescribe {
  const filled = values.map((v) => (Number.isNaN(v) ? 0 : v));
  const count = values.filter((v) => !Number.isNaN(v)).length;
  const mean = count === 0 ? NaN : numpySum(filled) / count;
  let std = NaN;
  if (count > 1) {
    const sqr = values.map((v) => (Number.isNaN(v) ? 0 : (mean - v) ** 2));
    std = Math.sqrt(numpySum(sqr) / (count - 1));
  }
  const finiteOrInf = values.filter((v) => !Number.isNaN(v));
  const min = count === 0 ? NaN : finiteOrInf.reduce((m, v) => (v < m ? v : m), Infinity);
  const max = count === 0 ? NaN : finiteOrInf.reduce((m, v) => (v > m ? v : m), -Infinity);
  return { count, mean, std, min, max };
}

/**
 * Natural log of the gamma function for x > 0: shift x up to ≥ 30 with the recurrence, then
 * Stirling's series to the x⁻⁹ term (truncation below 1e-17 there).
 */
function logGamma(x: number): number {
  let shift = 0;
  let z = x;
  while (z < 30) { shift += Math.log(z); z += 1; }
  const z2 = 1 / (z * z);
  const series = (1 / z) * (1 / 12 - z2 * (1 / 360 - z2 * (1 / 1260 - z2 * (1 / 1680 - z2 / 1188))));
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + series - shift;
}

/** Continued fraction of the regularized incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Regularized incomplete beta `I_x(a, b)`. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Student-t cumulative distribution function with `df` degrees of freedom. */
function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * incompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * Quantile of Student's t distribution (scipy's `t.ppf(p, df)`), by bisection on the CDF
 * to about 1e-12 relative.
 * @param p - Probability in (0, 1).
 * @param df - Degrees of freedom, > 0.
 * @example
 * ```ts
 * studentTQuantile(0.975, 9); // 2.2621571627…
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Every statistic Seahorse reports for one metric of one structure. */
export interface FullStatistics extends PandasDescribe {
  /** Linear-interpolation quartiles over the non-NaN values (pandas/numpy default). */
  readonly q25: number;
  readonly median: number;
  readonly q75: number;
  /** 95% confidence interval of the mean: `mean ± t(0.975, count−1)·std/√count`; NaN when count < 2. */
  readonly ci95Low: number;
  readonly ci95High: number;
}

/**
 * {@link describeLikePandas} plus quartiles, median and a Student-t 95% confidence interval of
 * the mean.
 * @example
 * ```ts
 * fullStatistics([0.7, 0.4]).std; // 0.2121…
 * ```
 */
export function fullStatistics(values: readonly number[]): FullStatistics {
  const d = describeLikePandas(values);
  const sorted = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
  const q = (p: number): number => quantileLinear(sorted, p);
  let ci95Low = NaN;
  let ci95High = NaN;
  if (d.count > 1 && Number.isFinite(d.std)) {
    const half = (studentTQuantile(0.975, d.count - 1) * d.std) / Math.sqrt(d.count);
    ci95Low = d.mean - half;
    ci95High = d.mean + half;
  }
  return { ...d, q25: q(0.25), median: q(0.5), q75: q(0.75), ci95Low, ci95High };
}
