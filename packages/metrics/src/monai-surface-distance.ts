import type { VolumeZYX } from '@seahorse/io';
import { contourMask } from './contour.js';
import { squaredDistanceTransformMm } from './distance-transform.js';
import { assertSameGrid } from './grid.js';
import { binaryMaskPair, cropMaskPair, type CroppedMaskPair } from './mask-pair.js';
import { quantileLinear } from './numpy-sum.js';

/**
 * MONAI's surface distances of a cropped, non-empty pair (MONAI ≥ 1.3, `get_mask_edges` with
 * `crop=True`, then `get_surface_distance(..., distance_metric="euclidean", spacing)`):
 * - edges E(X) = X minus its 6-connected erosion, where voxels beyond the image count as
 *   background (scipy `binary_erosion`, `border_value=0`, after zero padding);
 * - each edge voxel of one mask gets the exact EDT (mm) to the nearest edge voxel of the other.
 * @returns The directed distances A→B and B→A, each sorted ascending.
 */
export function monaiSurfaceDistancesOfPair(pair: CroppedMaskPair): { aToB: Float64Array; bToA: Float64Array } {
  const { a, b, shapeZYX, spacingZYX } = pair;
  const eA = contourMask(a, shapeZYX, 6, 'background');
  const eB = contourMask(b, shapeZYX, 6, 'background');
  const dA = squaredDistanceTransformMm(eA, shapeZYX, spacingZYX);
  const dB = squaredDistanceTransformMm(eB, shapeZYX, spacingZYX);
  const aToB: number[] = [];
  const bToA: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (eA[i] !== 0) aToB.push(Math.sqrt(dB[i]!));
    if (eB[i] !== 0) bToA.push(Math.sqrt(dA[i]!));
  }
  return { aToB: Float64Array.from(aToB).sort(), bToA: Float64Array.from(bToA).sort() };
}

/** MONAI-convention HD at `percentile` and ASSD of a cropped pair, with InnerEye's empty-mask rule. */
export function monaiMetricsOfPair(pair: CroppedMaskPair, percentile = 95): { hdPercentileMm: number; assdMm: number } {
  if (pair.countA === 0 && pair.countB === 0) return { hdPercentileMm: NaN, assdMm: NaN };
  if (pair.countA === 0 || pair.countB === 0) return { hdPercentileMm: Infinity, assdMm: Infinity };
  const { aToB, bToA } = monaiSurfaceDistancesOfPair(pair);
  const q = percentile / 100;
  const hd = Math.max(quantileLinear(aToB, q), quantileLinear(bToA, q));
  let sum = 0;
  for (const v of aToB) sum += v;
  for (const v of bToA) sum += v;
  return { hdPercentileMm: hd, assdMm: sum / (aToB.length + bToA.length) };
}

/**
 * Percentile Hausdorff distance in MONAI's convention (`compute_hausdorff_distance(percentile=95,
 * directed=False, spacing)`): `max(q95(d_{A→B}), q95(d_{B→A}))` over edge voxels, with linear
 * interpolation between order statistics. It differs from InnerEye's `HausdorffDistance_mm` in
 * three ways: it uses only edge voxels (not every mask voxel), edges also form along the image
 * border, and it takes a percentile, not the maximum.
 * @param percentile - In [0, 100]. Default 95.
 * @returns mm; `NaN` when both masks are empty; `Infinity` when exactly one is (InnerEye's rule;
 *   MONAI itself warns and may return NaN or inf there).
 * @throws MetricsError `NOT_BINARY`, `SHAPE_MISMATCH`, `SPACING_MISMATCH`, `BAD_SHAPE`, `BAD_SPACING`.
 * @example
 * ```ts
 * hausdorffPercentileMonaiMm(prediction, groundTruth);     // HD95
 * hausdorffPercentileMonaiMm(prediction, groundTruth, 100); // MONAI's HD (edge voxels only)
 * ```
 */
export function hausdorffPercentileMonaiMm(a: VolumeZYX, b: VolumeZYX, percentile = 95): number {
  return monaiMetricsOfPair(binaryMaskPair(a, b), percentile).hdPercentileMm;
}

/**
 * Average symmetric surface distance in MONAI's convention (`compute_average_surface_distance(
 * symmetric=True, spacing)`): the mean of the pooled directed distances from A's edge voxels to B's
 * edges and from B's to A's. Unlike InnerEye's `MeanDistance_mm`, edges form along the image border
 * too, and a voxel's distance is to the other mask's edge voxels (6-connected erosion residue), not
 * to its 26-contour, so inside-the-other-mask distances differ.
 * @returns mm; `NaN` when both masks are empty; `Infinity` when exactly one is.
 * @throws MetricsError as {@link hausdorffPercentileMonaiMm}.
 * @example
 * ```ts
 * averageSymmetricSurfaceDistanceMonaiMm(prediction, groundTruth);
 * ```
 */
export function averageSymmetricSurfaceDistanceMonaiMm(a: VolumeZYX, b: VolumeZYX): number {
  return monaiMetricsOfPair(binaryMaskPair(a, b)).assdMm;
}

/**
 * Volume of a binary mask in mm³: voxel count × `spacingZYX[0]·spacingZYX[1]·spacingZYX[2]`.
 * @throws MetricsError `NOT_BINARY`, `BAD_SHAPE`, `BAD_SPACING`.
 * @example
 * ```ts
 * volumeMm3({ data: Uint8Array.of(1, 1, 0), shapeZYX: [1, 1, 3], spacingZYX: [2, 1, 1] }); // 4
 * ```
 */
export function volumeMm3(mask: VolumeZYX): number {
  assertSameGrid(mask, mask, 'mask', 'mask');
  const pair = cropMaskPair({ data: mask.data, label: undefined, name: 'mask' },
    { data: new Uint8Array(mask.data.length), label: undefined, name: 'mask' }, mask.shapeZYX, mask.spacingZYX, 0);
  const [sz, sy, sx] = mask.spacingZYX;
  return pair.countA * sz * sy * sx;
}
