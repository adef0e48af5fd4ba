/**
 * numpy's reductions that Seahorse must reproduce bit for bit: sums and linear quantiles.
 */

/**
 * numpy's pairwise summation (`pairwise_sum_DOUBLE` / `pairwise_sum_FLOAT`: blocks of 128,
 * 8 accumulators), bit for bit. `round` is applied after every addition: identity for float64,
 * `Math.fround` for float32.
 */
function pairwiseSum(a: ArrayLike<number>, start: number, n: number, round: (x: number) => number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = round(res + a[start + i]!);
    return res;
  }
  if (n <= 128) {
    const r = [a[start]!, a[start + 1]!, a[start + 2]!, a[start + 3]!, a[start + 4]!, a[start + 5]!, a[start + 6]!, a[start + 7]!];
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = round(r[j]! + a[start + i + j]!);
    let res = round(round(round(r[0]! + r[1]!) + round(r[2]! + r[3]!)) + round(round(r[4]! + r[5]!) + round(r[6]! + r[7]!)));
    for (; i < n; i++) res = round(res + a[start + i]!);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return round(pairwiseSum(a, start, n2, round) + pairwiseSum(a, start + n2, n - n2, round));
}

const identity = (x: number): number => x;

/**
 * `np.sum` of a float64 vector: numpy's pairwise summation, bit for bit.
 * @example
 * ```ts
 * numpySum([0.1, 0.2, 0.3]); // 0.6000000000000001, as numpy
 * ```
 */
export function numpySum(values: ArrayLike<number>): number {
  return pairwiseSum(values, 0, values.length, identity);
}

/**
 * `np.sum` of a float32 vector (float32 accumulators), bit for bit; `values` must already be
 * float32 numbers.
 * @example
 * ```ts
 * numpySumFloat32(Float32Array.of(0.1, 0.2, 0.3));
 * ```
 */
export function numpySumFloat32(values: ArrayLike<number>): number {
  return pairwiseSum(values, 0, values.length, Math.fround);
}

/**
 * Linear-interpolation quantile of ascending `sorted` values, bit for bit as numpy's default
 * (`np.percentile(..., method='linear')`, which pandas uses too): virtual index
 * `h = (n·q + (1 − q)) − 1`, then numpy's `_lerp` (`a + (b−a)·t` for t < 0.5, `b − (b−a)·(1−t)` otherwise).
 * @param q - In [0, 1].
 * @returns NaN for an empty array.
 * @example
 * ```ts
 * quantileLinear(Float64Array.of(1, 2, 3, 4), 0.5); // 2.5
 * ```
 */
export function quantileLinear(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = Math.min(Math.max(n * q + (1 - q) - 1, 0), n - 1);
  const lo = Math.floor(h);
  const t = h - lo;
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, n - 1)]!;
  if (t === 0) return a;
  const diff = b - a;
  return t < 0.5 ? a + diff * t : b - diff * (1 - t);
}
