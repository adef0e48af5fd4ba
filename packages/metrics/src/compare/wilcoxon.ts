// The Wilcoxon signed-rank test as scipy.stats.wilcoxon (scipy 1.17) computes it with its
// defaults (zero_method='wilcox', correction=False, alternative='two-sided', method='auto'):
// - more than 50 pairs: the normal approximation;
// - at most 50 pairs, no ties among |d| and no zero difference: the exact null distribution;
// - at most 13 pairs with ties or zeros: scipy's permutation test, which enumerates all 2ⁿ sign
//   flips (exact, deterministic), done here the same way;
// - 14 to 50 pairs with ties or zeros: the normal approximation (tie-corrected variance).
// Zero differences are dropped from the ranks (Wilcox); the statistic is min(R+, R−).

/** Which null distribution gave the p-value. */
export type WilcoxonMethod = 'exact' | 'permutation' | 'normal';

export interface WilcoxonResult {
  /** min(R+, R−) over the non-zero differences. */
  readonly statistic: number;
  /** Two-sided p-value; NaN when there are no pairs. */
  readonly pvalue: number;
  readonly method: WilcoxonMethod;
  /** Pairs given, and those whose difference is exactly zero. */
  readonly n: number;
  readonly zeros: number;
  readonly ties: boolean;
}

/** Average ranks of `values` (1-based), and whether any two are equal. */
function averageRanks(values: readonly number[]): { ranks: number[]; ties: boolean } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  let ties = false;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    if (j > i) ties = true;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = r;
    i = j + 1;
  }
  return { ranks, ties };
}

/** erfc(x) for x ≥ 0: Taylor series of erf below 2, a continued fraction (Lentz) above. */
function erfc(x: number): number {
  if (x < 2) {
    let sum = 0;
    let term = x;
    for (let n = 0; n < 200; n++) {
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
      term *= (-x * x) / (n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + …))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** The standard normal's survival function P(Z > z). */
export function normalSf(z: number): number {
  return z >= 0 ? erfc(z / Math.SQRT2) / 2 : 1 - erfc(-z / Math.SQRT2) / 2;
}

/** The exact null pmf of R+ for n untied, non-zero differences: subset-sum counts of {1..n} / 2ⁿ. */
function exactPmf(n: number): number[] {
  const max = (n * (n + 1)) / 2;
  let counts = new Array<number>(max + 1).fill(0);
  counts[0] = 1;
  for (let k = 1; k <= n; k++) {
    const next = counts.slice();
    for (let s = k; s <= max; s++) next[s]! += counts[s - k]!;
    counts = next;
  }
  const total = 2 ** n;
  return counts.map((c) => c / total);
}

/**
 * The two-sided Wilcoxon signed-rank test of paired differences `d` (b − a), as
 * `scipy.stats.wilcoxon(d)` with its defaults; see the file's header for which method applies when.
 * @example
 * ```ts
 * wilcoxonSignedRank([0.01, -0.02, 0.03, 0.05]); // { statistic: 2, pvalue: 0.375, method: 'exact', … }
 * ```
 */
export function wilcoxonSignedRank(d: readonly number[]): WilcoxonResult {
  const n = d.length;
  const zeros = d.filter((v) => v === 0).length;
  const nonZero = d.filter((v) => v !== 0);
  if (n === 0) return { statistic: NaN, pvalue: NaN, method: 'normal', n, zeros, ties: false };
  const { ranks, ties } = averageRanks(nonZero.map(Math.abs));
  const rPlusOf = (signs: readonly boolean[]) => ranks.reduce((s, r, i) => (signs[i] ? s + r : s), 0);
  const positive = nonZero.map((v) => v > 0);
  const rPlus = rPlusOf(positive);
  const rMinus = ranks.reduce((s, r) => s + r, 0) - rPlus;
  const statistic = Math.min(rPlus, rMinus);
  const count = nonZero.length;
  let method: WilcoxonMethod;
  if (n > 50) method = 'normal';
  else if (!ties && zeros === 0) method = 'exact';
  else if (n <= 13) method = 'permutation';
  else method = 'normal';

  let pvalue: number;
  if (method === 'exact') {
    const pmf = exactPmf(count);
    const mean = (count * (count + 1)) / 4;
    const sumRange = (from: number, to: number) => { let s = 0; for (let k = Math.max(0, from); k <= Math.min(to, pmf.length - 1); k++) s += pmf[k]!; return s; };
    const cdf = (k: number) => (k <= mean ? sumRange(0, k) : 1 - sumRange(k + 1, pmf.length - 1));
    const sf = (k: number) => (k <= mean ? sumRange(k, pmf.length - 1) : 1 - sumRange(0, k - 1));
    pvalue = Math.min(1, Math.max(0, 2 * Math.min(sf(Math.floor(rPlus)), cdf(Math.ceil(rPlus)))));
  } else if (method === 'permutation') {
    // Every sign flip of the n differences (zeros stay zero): the null distribution of R+.
    const gamma = Math.abs(100 * Number.EPSILON * rPlus);
    let less = 0;
    let greater = 0;
    const total = 2 ** n;
    const zeroAt = d.map((v) => v === 0);
    for (let mask = 0; mask < total; mask++) {
      let s = 0;
      let j = 0;
      for (let i = 0; i < n; i++) {
        if (zeroAt[i]) continue;
        const flipped = (mask >> i) & 1 ? !positive[j] : positive[j];
        if (flipped) s += ranks[j]!;
        j++;
      }
      if (s <= rPlus + gamma) less++;
      if (s >= rPlus - gamma) greater++;
    }
    pvalue = Math.min(1, 2 * Math.min(less / total, greater / total));
  } else {
    const mn = (count * (count + 1)) / 4;
    let se = count * (count + 1) * (2 * count + 1);
    const tieCounts = new Map<number, number>();
    for (const v of nonZero) tieCounts.set(Math.abs(v), (tieCounts.get(Math.abs(v)) ?? 0) + 1);
    let tieCorrect = 0;
    for (const t of tieCounts.values()) tieCorrect += t ** 3 - t;
    se = Math.sqrt((se - tieCorrect / 2) / 24);
    const z = (rPlus - mn) / se;
    pvalue = Number.isNaN(z) ? NaN : Math.min(1, 2 * normalSf(Math.abs(z)));
  }
  return { statistic, pvalue, method, n, zeros, ties };
}
