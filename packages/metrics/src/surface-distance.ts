import type { VolumeZYX } from '@seahorse/io';
import { contourMask } from './contour.js';
import { squaredDistanceTransformMm } from './distance-transform.js';
import { binaryMaskPair, type CroppedMaskPair } from './mask-pair.js';
import { numpySum, numpySumFloat32 } from './numpy-sum.js';
import { simpleItkMaurerDistanceMm, simpleItkMaurerSquaredDistanceF64Mm2 } from './simpleitk-maurer.js';

/** InnerEye's three numbers for one (prediction, ground truth) pair, named after its columns. */
export interface OverlapAndDistance {
  /** ITK's Dice, `2J/(1+J)` with `J = |A∩B|/|A∪B|`. NaN when both masks are empty. */
  readonly DiceNumeric: number;
  /** Symmetric Hausdorff distance in mm. NaN when both empty, `Infinity` when exactly one is. */
  readonly HausdorffDistance_mm: number;
  /** InnerEye's mean surface distance in mm. NaN when both empty, `Infinity` when exactly one is. */
  readonly MeanDistance_mm: number;
}

/** ITK's Dice from voxel counts: `J = I/U`, then `2J/(1+J)`, in float64, as ITK computes it. */
export function diceFromCounts(countA: number, countB: number, intersection: number): number {
  const union = countA + countB - intersection;
  if (union === 0) return NaN;
  const j = intersection / union;
  return (2 * j) / (1 + j);
}

/**
 * How the distances are computed.
 * - `'simpleitk'` (default): value for value as InnerEye's SimpleITK calls: for HD, ITK's double
 *   Maurer transform with its operation order; for MeanDistance, its float32 Maurer maps,
 *   InnerEye's list of surface values (A's surface first, zeros last) and numpy's mean of it
 *   (float64, or float32 when no value is 0).
 * - `'float64'`: the same formulas with the exact Felzenszwalb–Huttenlocher EDT in float64 and a
 *   plain float64 mean.
 * HD differs between the two by a few ulps at most; MeanDistance by up to about 4e-6 relative for
 * spacings that are not float32 numbers (SimpleITK's float32 stray), and about 1e-7 otherwise.
 */
export type DistanceArithmetic = 'simpleitk' | 'float64';

/** InnerEye's `surface_distance` mean from the two maps, as numpy computes `np.mean(list)`. */
function innerEyeSurfaceMean(c6A: Uint8Array, c6B: Uint8Array, mapToB: Float64Array, mapToA: Float64Array): number {
  const list: number[] = [];
  let zeros = 0;
  // seg2ref: non-zero values at A's surface in C order, then its zeros; then ref2seg likewise.
  for (const [surface, map] of [[c6A, mapToB], [c6B, mapToA]] as const) {
    let z = 0;
    for (let i = 0; i < surface.length; i++) {
      if (surface[i] === 0) continue;
      const v = map[i]!;
      if (v !== 0) list.push(v);
      else z++;
    }
    for (let k = 0; k < z; k++) list.push(0);
    zeros += z;
  }
  if (list.length === 0) return NaN;
  // A list of float32 values with float64 zeros becomes float64; without zeros it stays float32.
  return zeros > 0 ? numpySum(list) / list.length : Math.fround(numpySumFloat32(list) / list.length);
}

/**
 * HD and MeanDistance of a cropped, non-empty pair, as InnerEye's SimpleITK calls define them.
 * - `HD = sqrt(max(max_{a∈A\B} d²_B(a), max_{b∈B\A} d²_A(b)))`, where `d²_X` is the squared EDT
 *   to X, exact in float64 (ITK's Hausdorff filter works in double and agrees to rounding).
 * - `MD = (Σ_{p∈C6(A)} D_B(p) + Σ_{q∈C6(B)} D_A(q)) / (|C6(A)| + |C6(B)|)`, `D_X` = distance to C26(X).
 * Outside X the EDT to C26(X) equals the EDT to X, so one transform per mask serves both.
 */
export function innerEyeDistancesOfPair(
  pair: CroppedMaskPair, arithmetic: DistanceArithmetic = 'simpleitk',
): { hausdorffMm: number; meanDistanceMm: number } {
  const { a, b, shapeZYX, spacingZYX, originZYX } = pair;
  const c26A = contourMask(a, shapeZYX, 26);
  const c26B = contourMask(b, shapeZYX, 26);
  const itk = arithmetic === 'simpleitk';
  const dA = itk ? simpleItkMaurerSquaredDistanceF64Mm2(c26A, shapeZYX, spacingZYX, originZYX)
    : squaredDistanceTransformMm(c26A, shapeZYX, spacingZYX);
  const dB = itk ? simpleItkMaurerSquaredDistanceF64Mm2(c26B, shapeZYX, spacingZYX, originZYX)
    : squaredDistanceTransformMm(c26B, shapeZYX, spacingZYX);
  let max2 = 0;
  for (let i = 0; i < a.length; i++) {
    const ai = a[i]!;
    const bi = b[i]!;
    if (ai !== bi) {
      const d2 = ai !== 0 ? dB[i]! : dA[i]!;
      if (d2 > max2) max2 = d2;
    }
  }
  const c6A = contourMask(a, shapeZYX, 6);
  const c6B = contourMask(b, shapeZYX, 6);
  if (itk) {
    const mA = simpleItkMaurerDistanceMm(c26A, shapeZYX, spacingZYX, originZYX);
    const mB = simpleItkMaurerDistanceMm(c26B, shapeZYX, spacingZYX, originZYX);
    return { hausdorffMm: Math.sqrt(max2), meanDistanceMm: innerEyeSurfaceMean(c6A, c6B, mB, mA) };
  }
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    if (c6A[i] !== 0) { sum += Math.sqrt(dB[i]!); count++; }
    if (c6B[i] !== 0) { sum += Math.sqrt(dA[i]!); count++; }
  }
  return { hausdorffMm: Math.sqrt(max2), meanDistanceMm: count === 0 ? NaN : sum / count };
}

/** InnerEye's empty-mask rule applied to a cropped pair. */
export function overlapAndDistanceOfPair(
  pair: CroppedMaskPair, arithmetic: DistanceArithmetic = 'simpleitk',
): OverlapAndDistance {
  const dice = diceFromCounts(pair.countA, pair.countB, pair.intersection);
  if (pair.countA === 0 && pair.countB === 0) {
    return { DiceNumeric: NaN, HausdorffDistance_mm: NaN, MeanDistance_mm: NaN };
  }
  if (pair.countA === 0 || pair.countB === 0) {
    return { DiceNumeric: dice, HausdorffDistance_mm: Infinity, MeanDistance_mm: Infinity };
  }
  const { hausdorffMm, meanDistanceMm } = innerEyeDistancesOfPair(pair, arithmetic);
  return { DiceNumeric: dice, HausdorffDistance_mm: hausdorffMm, MeanDistance_mm: meanDistanceMm };
}

/**
 * InnerEye's `DiceNumeric` of two binary masks (values 0/1) on the same grid:
 * `J = |A∩B|/|A∪B|`, `dice = 2J/(1+J)` in float64 (ITK's formula, bit for bit).
 * @returns In [0, 1]; `NaN` when both masks are empty; `0` when exactly one is.
 * @throws MetricsError `NOT_BINARY`, `SHAPE_MISMATCH`, `SPACING_MISMATCH`, `BAD_SHAPE`, `BAD_SPACING`.
 * @example
 * ```ts
 * const m = (v: number[]) => ({ data: Uint8Array.from(v), shapeZYX: [1, 1, 3] as const, spacingZYX: [1, 1, 1] as const });
 * diceNumeric(m([1, 0, 1]), m([0, 0, 1])); // 2/3
 * ```
 */
export function diceNumeric(a: VolumeZYX, b: VolumeZYX): number {
  const pair = binaryMaskPair(a, b, 0);
  return diceFromCounts(pair.countA, pair.countB, pair.intersection);
}

/**
 * InnerEye's `HausdorffDistance_mm`: `max(max_{a∈A} EDT_B(a), max_{b∈B} EDT_A(b))`, the exact
 * Euclidean distance between voxel centres in mm with the grid's (anisotropic) spacing, maximised
 * over all mask voxels (not a percentile). Equals SimpleITK's `HausdorffDistanceImageFilter` bit
 * for bit with `'simpleitk'` arithmetic (default), and within a few ulps with `'float64'` (the
 * exact Felzenszwalb–Huttenlocher EDT).
 * @param arithmetic - `'simpleitk'` (default) or `'float64'`; see {@link DistanceArithmetic}.
 * @returns mm; `0` when A equals B; `NaN` when both are empty; `Infinity` when exactly one is.
 * @throws MetricsError `NOT_BINARY`, `SHAPE_MISMATCH`, `SPACING_MISMATCH`, `BAD_SHAPE`, `BAD_SPACING`.
 * @example
 * ```ts
 * // InnerEye's test vector: columns x=2 and x=0 of a 1×3×3 grid, spacing (z, y, x) = (1, 2, 3) mm.
 * const col = (x: number) => ({ data: Uint8Array.from({ length: 9 }, (_, i) => (i % 3 === x ? 1 : 0)),
 *   shapeZYX: [1, 3, 3] as const, spacingZYX: [1, 2, 3] as const });
 * hausdorffDistanceMm(col(2), col(0)); // 6
 * ```
 */
export function hausdorffDistanceMm(a: VolumeZYX, b: VolumeZYX, arithmetic: DistanceArithmetic = 'simpleitk'): number {
  return overlapAndDistanceOfPair(binaryMaskPair(a, b), arithmetic).HausdorffDistance_mm;
}

/**
 * InnerEye's `MeanDistance_mm` (its `surface_distance`):
 * `(Σ_{p∈C6(A)} D_B(p) + Σ_{q∈C6(B)} D_A(q)) / (|C6(A)| + |C6(B)|)`, where C6(X) are the voxels of
 * X with a face neighbour inside the image and outside X (SimpleITK `LabelContour`), and `D_X` is
 * the mm distance to the nearest voxel of C26(X) (the sites of `SignedMaurerDistanceMap`), so it is
 * the EDT outside X and the distance to X's contour inside X.
 * @param arithmetic - `'simpleitk'` (default: SimpleITK's float32 maps and numpy's mean, value for
 *   value) or `'float64'` (exact distances); see {@link DistanceArithmetic}.
 * @returns mm; `NaN` when both are empty; `Infinity` when exactly one is empty. When one mask fills
 *   the whole image it has no contour: `'simpleitk'` then gives about 1.8e19 (√FLT_MAX) as
 *   SimpleITK does, `'float64'` gives `Infinity`.
 * @throws MetricsError `NOT_BINARY`, `SHAPE_MISMATCH`, `SPACING_MISMATCH`, `BAD_SHAPE`, `BAD_SPACING`.
 * @example
 * ```ts
 * meanDistanceMm(prediction, groundTruth); // e.g. 0.168
 * ```
 */
export function meanDistanceMm(a: VolumeZYX, b: VolumeZYX, arithmetic: DistanceArithmetic = 'simpleitk'): number {
  return overlapAndDistanceOfPair(binaryMaskPair(a, b), arithmetic).MeanDistance_mm;
}

/**
 * All three InnerEye numbers for two binary masks from one crop and two distance transforms.
 * @throws MetricsError as {@link diceNumeric}.
 * @example
 * ```ts
 * const { DiceNumeric, HausdorffDistance_mm, MeanDistance_mm } = overlapAndDistance(pred, gt);
 * ```
 */
export function overlapAndDistance(
  a: VolumeZYX, b: VolumeZYX, arithmetic: DistanceArithmetic = 'simpleitk',
): OverlapAndDistance {
  return overlapAndDistanceOfPair(binaryMaskPair(a, b), arithmetic);
}
