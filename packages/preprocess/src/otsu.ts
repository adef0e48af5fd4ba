import { PreprocessError } from './errors.js';

/** Number of histogram bins InnerEye's Otsu threshold uses (scikit-image's default). */
export const OTSU_BINS = 256;

/**
 * The float32 bin edges numpy 1.19's `np.histogram(x, bins)` makes for float32 data:
 * `e[i] = float32(i * ((last - first) / bins) + first)` computed in float64, and `e[bins] = last`.
 */
export function histogramEdgesFloat32(first: number, last: number, bins: number): Float32Array {
  const edges = new Float32Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i < bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/**
 * Otsu's threshold exactly as scikit-image 0.17.2 computes it (`threshold_otsu(image, nbins=256)`)
 * on a float32 image, which is what InnerEye's `mri_window` calls on the flattened channel.
 *
 * - Bin edges are float32 ({@link histogramEdgesFloat32}) between the data's min and max.
 * - Value x goes to bin i when `e[i] <= x < e[i+1]`; the last bin also holds the maximum.
 * - Bin centres are `float32(e[i] + e[i+1]) / 2`.
 * - Class weights and means are sequential cumulative sums in float64; the threshold is the centre
 *   at the first argmax of `w1[:-1] * w2[1:] * (m1[:-1] - m2[1:])**2`.
 *
 * @param data - Finite float32 voxels, any order (the histogram ignores it). Not modified.
 * @param scan - Name of the scan, for error messages.
 * @returns The threshold, a float32 value (as a JS number).
 * @throws PreprocessError `CONSTANT_IMAGE` when min == max.
 * @example
 * ```ts
 * otsuThreshold(Float32Array.of(0, 0, 0, 10, 10, 10), 'toy'); // ≈ 0.0195 (bin 0's centre)
 * ```
 */
export function otsuThreshold(data: Float32Array, scan: string): number {
  const n = data.length;
  if (n === 0) throw new PreprocessError('SHAPE_MISMATCH', scan, 'cannot threshold an empty image');
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    if (v < first) first = v;
    if (v > last) last = v;
  }
  if (first === last) {
    throw new PreprocessError('CONSTANT_IMAGE', scan,
      `every voxel has the value ${first}: Otsu's threshold (and MriWindow) need at least two distinct values`);
  }
  const bins = OTSU_BINS;
  const edges = histogramEdgesFloat32(first, last, bins);
  const counts = new Uint32Array(bins);
  const norm = bins / (last - first);
  const lastBin = bins - 1;
  for (let i = 0; i < n; i++) {
    const x = data[i]!;
    // first guess (x - first >= 0, so truncation is floor), then the exact rule against the float32 edges
    let b = ((x - first) * norm) | 0;
    if (b > lastBin) b = lastBin;
    while (b > 0 && x < edges[b]!) b--;
    while (b < lastBin && x >= edges[b + 1]!) b++;
    counts[b]!++;
  }
  const hist = Float64Array.from(counts);
  const centres = new Float64Array(bins);
  for (let i = 0; i < bins; i++) centres[i] = Math.fround(edges[i]! + edges[i + 1]!) / 2;

  const w1 = new Float64Array(bins);
  const m1 = new Float64Array(bins);
  let sw = 0;
  let swc = 0;
  for (let i = 0; i < bins; i++) {
    sw += hist[i]!;
    swc += hist[i]! * centres[i]!;
    w1[i] = sw;
    m1[i] = swc / sw;
  }
  const w2 = new Float64Array(bins);
  const m2 = new Float64Array(bins);
  sw = 0;
  swc = 0;
  for (let i = bins - 1; i >= 0; i--) {
    sw += hist[i]!;
    swc += hist[i]! * centres[i]!;
    w2[i] = sw;
    m2[i] = swc / sw;
  }
  let best = -Infinity;
  let bestIndex = 0;
  for (let i = 0; i < bins - 1; i++) {
    const d = m1[i]! - m2[i + 1]!;
    const v = (w1[i]! * w2[i + 1]!) * (d * d);
    if (v > best) { best = v; bestIndex = i; }
  }
  return centres[bestIndex]!;
}
