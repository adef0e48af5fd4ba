/**
 * numpy 1.19's `np.percentile(data, q, interpolation='midpoint')`, which InnerEye's robust
 * statistics use, computed by selection rather than a full sort.
 */

type FloatArray = Float32Array | Float64Array;

/**
 * Puts the k-th smallest element of `a[lo..hi]` at index k, with everything before it ≤ it and
 * everything after it ≥ it (Hoare-style quickselect, median-of-three pivot). Mutates `a`.
 */
function selectInPlace(a: FloatArray, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    if (hi - lo < 16) {
      // insertion sort of the small range
      for (let i = lo + 1; i <= hi; i++) {
        const v = a[i]!;
        let j = i - 1;
        while (j >= lo && a[j]! > v) { a[j + 1] = a[j]!; j--; }
        a[j + 1] = v;
      }
      return;
    }
    const mid = (lo + hi) >>> 1;
    // median of three to a[mid]
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) { swap(a, i, j); i++; j--; }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return; // a[j+1 .. i-1] all equal the pivot
  }
}

function swap(a: FloatArray, i: number, j: number): void {
  const t = a[i]!; a[i] = a[j]!; a[j] = t;
}

/**
 * The order statistics `s[k]` (s = `values` sorted ascending) for every k in `ranks`.
 * Reorders `values` in place (its multiset is unchanged).
 */
export function orderStatisticsInPlace(values: FloatArray, ranks: readonly number[]): Map<number, number> {
  const sorted = [...new Set(ranks)].sort((x, y) => x - y);
  const out = new Map<number, number>();
  let lo = 0;
  const hi = values.length - 1;
  for (const k of sorted) {
    selectInPlace(values, k, lo, hi);
    out.set(k, values[k]!);
    lo = k; // everything after k is ≥ s[k]
  }
  return out;
}

/**
 * numpy 1.19 midpoint percentiles of `values` (which is reordered in place; pass a copy to keep it).
 *
 * For each percent p: `h = (p / 100) * (N - 1)` in float64, then `m = 0.5 * (floor(h) + ceil(h))`;
 * an integer m gives `s[m]`, otherwise `0.5 * s[floor m] + 0.5 * s[floor m + 1]` in float64, where `s`
 * is the data sorted ascending.
 *
 * @param values - Finite values, length ≥ 1. Reordered in place.
 * @param percents - Percentiles in [0, 100].
 * @returns One float64 value per percent, in the order given.
 * @example
 * ```ts
 * midpointPercentilesInPlace(Float32Array.of(4, 1, 3, 2), [0, 25, 50, 100]); // [1, 1.5, 2.5, 4]
 * ```
 */
export function midpointPercentilesInPlace(values: FloatArray, percents: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) throw new RangeError('midpoint percentiles of an empty array');
  const plan = percents.map((p) => {
    const h = (p / 100) * (n - 1);
    const m = 0.5 * (Math.floor(h) + Math.ceil(h));
    const below = Math.floor(m);
    return { m, below, above: Math.min(below + 1, n - 1) };
  });
  const ranks = plan.flatMap((q) => (Number.isInteger(q.m) ? [q.below] : [q.below, q.above]));
  const s = orderStatisticsInPlace(values, ranks);
  return plan.map((q) => (Number.isInteger(q.m) ? s.get(q.below)! : 0.5 * s.get(q.below)! + 0.5 * s.get(q.above)!));
}
