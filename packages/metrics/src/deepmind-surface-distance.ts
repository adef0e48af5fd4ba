import type { SpacingZYX, VolumeZYX } from '@seahorse/io';
import { DEEPMIND_NEIGHBOUR_CODE_TO_NORMALS, DEEPMIND_NEIGHBOUR_KERNEL_ZYX } from './deepmind-lookup-table.js';
import { squaredDistanceTransformMm } from './distance-transform.js';
import { MetricsError } from './errors.js';
import { binaryMaskPair, type CroppedMaskPair } from './mask-pair.js';
import { numpySum } from './numpy-sum.js';

/**
 * DeepMind's surfels of a pair, as `surface_distance.compute_surface_distances(mask_gt, mask_pred,
 * spacing_mm)` returns them, with A = prediction and B = ground truth.
 */
export interface DeepMindSurfaceDistances {
  /** Distance (mm) from each surfel of A to B's surface, ascending (ties by area): DeepMind's `distances_pred_to_gt`. */
  readonly aToBMm: Float64Array;
  /** Area (mm²) of each of A's surfels, in the order of `aToBMm`: `surfel_areas_pred`. */
  readonly areasAMm2: Float64Array;
  /** Distance (mm) from each surfel of B to A's surface, ascending: `distances_gt_to_pred`. */
  readonly bToAMm: Float64Array;
  /** Area (mm²) of each of B's surfels, in the order of `bToAMm`: `surfel_areas_gt`. */
  readonly areasBMm2: Float64Array;
}

/**
 * Surface area (mm²) of the surfels of each of the 256 neighbour codes for a voxel spacing, as
 * DeepMind's `create_table_neighbour_code_to_surface_area(spacing_mm)`: for each marching-cubes
 * normal `n` of the code, `‖(n0·sy·sx, n1·sz·sx, n2·sz·sy)‖`, summed over the code's normals.
 * @param spacingZYX - Voxel spacing `[z, y, x]` in mm.
 * @returns 256 areas in mm², indexed by code (0 for codes 0 and 255).
 * @example
 * ```ts
 * deepMindSurfelAreaTableMm2([1, 1, 1])[1]; // √3/8 ≈ 0.2165: the triangle cutting one corner voxel off
 * ```
 */
export function deepMindSurfelAreaTableMm2(spacingZYX: SpacingZYX): Float64Array {
  const [s0, s1, s2] = spacingZYX;
  const table = new Float64Array(256);
  DEEPMIND_NEIGHBOUR_CODE_TO_NORMALS.forEach((normals, code) => {
    let sum = 0;
    for (const [n0, n1, n2] of normals) {
      const a = n0 * s1 * s2;
      const b = n1 * s0 * s2;
      const c = n2 * s0 * s1;
      sum += Math.sqrt(a * a + b * b + c * c);
    }
    table[code] = sum;
  });
  return table;
}

/**
 * Neighbour code of every voxel corner of a cropped mask: the corner grid has shape
 * `[Z+1, Y+1, X+1]`; corner `(i, j, k)` sits between voxels `i−1, i` (and so on) and its code is
 * `Σ kernel[dz][dy][dx] · mask[i−1+dz, j−1+dy, k−1+dx]`, voxels outside the crop counting as 0
 * (DeepMind's `ndimage.correlate(..., mode="constant", cval=0)` on the zero-padded crop).
 */
function neighbourCodesZYX(mask: Uint8Array, shapeZYX: readonly [number, number, number]): Uint8Array {
  const [nz, ny, nx] = shapeZYX;
  const cy = ny + 1;
  const cx = nx + 1;
  const codes = new Uint8Array((nz + 1) * cy * cx);
  // A voxel (z, y, x) is the [1−ez][1−ey][1−ex] member of the neighbourhood of corner (z+ez, y+ey, x+ex).
  const weights: number[] = [];
  const offsets: number[] = [];
  for (let ez = 0; ez < 2; ez++) for (let ey = 0; ey < 2; ey++) for (let ex = 0; ex < 2; ex++) {
    weights.push(DEEPMIND_NEIGHBOUR_KERNEL_ZYX[1 - ez]![1 - ey]![1 - ex]!);
    offsets.push((ez * cy + ey) * cx + ex);
  }
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) {
    const row = (z * ny + y) * nx;
    const corner = (z * cy + y) * cx;
    for (let x = 0; x < nx; x++) {
      if (mask[row + x] === 0) continue;
      for (let k = 0; k < 8; k++) {
        const c = corner + x + offsets[k]!;
        codes[c] = codes[c]! | weights[k]!;
      }
    }
  }
  return codes;
}

/** `1` where a corner's code is neither 0 nor 255 (DeepMind's `borders`). */
function bordersOf(codes: Uint8Array): Uint8Array {
  const out = new Uint8Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] !== 0 && codes[i] !== 255 ? 1 : 0;
  return out;
}

/** Distances and areas of one side's surfels, sorted by (distance, area) as Python's `sorted(zip(...))`. */
function sortedSurfels(
  borders: Uint8Array, codes: Uint8Array, otherSquaredMm2: Float64Array, areaTable: Float64Array,
): { distances: Float64Array; areas: Float64Array } {
  const d: number[] = [];
  const a: number[] = [];
  for (let i = 0; i < borders.length; i++) {
    if (borders[i] === 0) continue;
    d.push(Math.sqrt(otherSquaredMm2[i]!));
    a.push(areaTable[codes[i]!]!);
  }
  const order = Array.from(d, (_, i) => i).sort((i, j) => {
    const di = d[i]!; const dj = d[j]!;
    if (di !== dj) return di < dj ? -1 : 1;
    const ai = a[i]!; const aj = a[j]!;
    return ai < aj ? -1 : ai > aj ? 1 : 0;
  });
  return { distances: Float64Array.from(order, (k) => d[k]!), areas: Float64Array.from(order, (k) => a[k]!) };
}

/**
 * DeepMind's `compute_surface_distances` on a cropped pair: surfels at the voxel corners (a grid
 * shifted by half a voxel), one per corner whose 2×2×2 neighbour code is neither 0 nor 255, weighted
 * by its marching-cubes area; each surfel's distance is the exact EDT (mm) from its corner to the
 * nearest surfel corner of the other mask (`Infinity` when the other mask is empty).
 */
export function deepMindSurfaceDistancesOfPair(pair: CroppedMaskPair): DeepMindSurfaceDistances {
  const { shapeZYX, spacingZYX } = pair;
  const cornersZYX: [number, number, number] = [shapeZYX[0] + 1, shapeZYX[1] + 1, shapeZYX[2] + 1];
  const codesA = neighbourCodesZYX(pair.a, shapeZYX);
  const codesB = neighbourCodesZYX(pair.b, shapeZYX);
  const bordersA = bordersOf(codesA);
  const bordersB = bordersOf(codesB);
  const areaTable = deepMindSurfelAreaTableMm2(spacingZYX);
  const toA = squaredDistanceTransformMm(bordersA, cornersZYX, spacingZYX);
  const toB = squaredDistanceTransformMm(bordersB, cornersZYX, spacingZYX);
  const sa = sortedSurfels(bordersA, codesA, toB, areaTable);
  const sb = sortedSurfels(bordersB, codesB, toA, areaTable);
  return { aToBMm: sa.distances, areasAMm2: sa.areas, bToAMm: sb.distances, areasBMm2: sb.areas };
}

/**
 * DeepMind's robust Hausdorff of one direction: the distance at which the cumulative surfel area
 * (`np.cumsum(areas) / np.sum(areas)`) first reaches `percent / 100` (`np.searchsorted`, left),
 * clamped to the last surfel; `Infinity` when there are no surfels.
 */
function directedAreaPercentile(distances: Float64Array, areas: Float64Array, percent: number): number {
  const n = distances.length;
  if (n === 0) return Infinity;
  const total = numpySum(areas);
  const target = percent / 100;
  let cum = 0;
  for (let i = 0; i < n; i++) {
    cum += areas[i]!;
    if (cum / total >= target) return distances[i]!;
  }
  return distances[n - 1]!;
}

/** DeepMind's area-weighted mean distance of one direction: `np.sum(d·area) / np.sum(area)` (NaN with no surfels). */
function directedAreaMean(distances: Float64Array, areas: Float64Array): number {
  const products = new Float64Array(distances.length);
  for (let i = 0; i < products.length; i++) products[i] = distances[i]! * areas[i]!;
  return numpySum(products) / numpySum(areas);
}

/** Throws `BAD_OPTIONS` unless `percent` is a number in [0, 100]. */
function checkPercent(percent: number): void {
  if (typeof percent !== 'number' || !(percent >= 0 && percent <= 100)) {
    throw new MetricsError('BAD_OPTIONS', `percent must be a number in [0, 100], got ${String(percent)}`);
  }
}

/**
 * DeepMind's `compute_robust_hausdorff(surface_distances, percent)` on surfels from
 * {@link surfaceDistancesDeepMind}: per direction, the first sorted distance at which the cumulative
 * surfel area reaches `percent`% (`np.searchsorted`, no interpolation), then the larger of the two.
 * @param percent - In [0, 100]. Default 95.
 * @returns mm; `Infinity` when either side has no surfels.
 * @throws MetricsError `BAD_OPTIONS` for a percent outside [0, 100].
 * @example
 * ```ts
 * const s = surfaceDistancesDeepMind(prediction, groundTruth);
 * [95, 100].map((p) => robustHausdorffFromSurfelsMm(s, p));
 * ```
 */
export function robustHausdorffFromSurfelsMm(surfels: DeepMindSurfaceDistances, percent = 95): number {
  checkPercent(percent);
  return Math.max(directedAreaPercentile(surfels.bToAMm, surfels.areasBMm2, percent),
    directedAreaPercentile(surfels.aToBMm, surfels.areasAMm2, percent));
}

/**
 * DeepMind's `compute_average_surface_distance(surface_distances)` on surfels from
 * {@link surfaceDistancesDeepMind}: per direction `np.sum(d·area) / np.sum(area)`.
 * @returns `{ predToGtMm, gtToPredMm }` in mm; a direction without surfels is NaN (0/0), one towards
 *   an empty mask `Infinity`.
 * @example
 * ```ts
 * averageSurfaceDistancesFromSurfelsMm(surfaceDistancesDeepMind(prediction, groundTruth)).predToGtMm;
 * ```
 */
export function averageSurfaceDistancesFromSurfelsMm(surfels: DeepMindSurfaceDistances): { predToGtMm: number; gtToPredMm: number } {
  return { predToGtMm: directedAreaMean(surfels.aToBMm, surfels.areasAMm2), gtToPredMm: directedAreaMean(surfels.bToAMm, surfels.areasBMm2) };
}

/** DeepMind-convention HD at `percent` and the directed and symmetric average surface distances of a cropped pair. */
export function deepMindMetricsOfPair(pair: CroppedMaskPair, percent = 95): {
  hdPercentileMm: number; predToGtMm: number; gtToPredMm: number; assdMm: number;
} {
  checkPercent(percent);
  const s = deepMindSurfaceDistancesOfPair(pair);
  const { predToGtMm, gtToPredMm } = averageSurfaceDistancesFromSurfelsMm(s);
  return { hdPercentileMm: robustHausdorffFromSurfelsMm(s, percent), predToGtMm, gtToPredMm, assdMm: (predToGtMm + gtToPredMm) / 2 };
}

/**
 * DeepMind's surface distances of two binary masks (`surface_distance.compute_surface_distances(
 * mask_gt=b, mask_pred=a, spacing_mm=spacingZYX)`): every surfel of each mask with its area and its
 * distance to the other surface, sorted. The building block of the two metrics below (and of
 * DeepMind's surface Dice).
 * @param a - Prediction, a binary `VolumeZYX` (values 0/1).
 * @param b - Ground truth on the same grid.
 * @throws MetricsError `NOT_BINARY`, `SHAPE_MISMATCH`, `SPACING_MISMATCH`, `BAD_SHAPE`, `BAD_SPACING`.
 * @example
 * ```ts
 * const { aToBMm, areasAMm2 } = surfaceDistancesDeepMind(prediction, groundTruth);
 * ```
 */
export function surfaceDistancesDeepMind(a: VolumeZYX, b: VolumeZYX): DeepMindSurfaceDistances {
  return deepMindSurfaceDistancesOfPair(binaryMaskPair(a, b, 0));
}

/**
 * Percentile Hausdorff distance in DeepMind's convention (`compute_robust_hausdorff(
 * compute_surface_distances(gt, pred, spacing), percent)`): per direction, the smallest surfel
 * distance at which the surfels' cumulative area reaches `percent`% of the surface area (no
 * interpolation), then the maximum of the two directions. Surfels are marching-cubes triangles at
 * the voxel corners, weighted by area; MONAI's variant counts edge voxels equally and interpolates.
 * @param a - Prediction, binary (0/1).
 * @param b - Ground truth on the same grid.
 * @param percent - In [0, 100]. Default 95. 100 gives the surfel Hausdorff distance.
 * @returns mm. `Infinity` when either mask is empty, both included (DeepMind's rule; InnerEye
 *   gives NaN when both are empty).
 * @throws MetricsError `BAD_OPTIONS` for a percent outside [0, 100]; `NOT_BINARY`,
 *   `SHAPE_MISMATCH`, `SPACING_MISMATCH`, `BAD_SHAPE`, `BAD_SPACING` for bad masks.
 * @example
 * ```ts
 * hausdorffPercentileDeepMindMm(prediction, groundTruth);      // HD95
 * hausdorffPercentileDeepMindMm(prediction, groundTruth, 100); // surfel HD
 * ```
 */
export function hausdorffPercentileDeepMindMm(a: VolumeZYX, b: VolumeZYX, percent = 95): number {
  checkPercent(percent);
  return deepMindMetricsOfPair(binaryMaskPair(a, b, 0), percent).hdPercentileMm;
}

/**
 * DeepMind's `compute_average_surface_distance`: the area-weighted mean distance from each mask's
 * surfels to the other surface, one number per direction.
 * @param a - Prediction, binary (0/1).
 * @param b - Ground truth on the same grid.
 * @returns `{ predToGtMm, gtToPredMm }` in mm (DeepMind returns `(gt_to_pred, pred_to_gt)`). A
 *   direction from an empty mask is NaN (0/0); a direction to an empty mask is `Infinity`.
 * @throws MetricsError as {@link hausdorffPercentileDeepMindMm}.
 * @example
 * ```ts
 * const { predToGtMm, gtToPredMm } = averageSurfaceDistancesDeepMindMm(prediction, groundTruth);
 * ```
 */
export function averageSurfaceDistancesDeepMindMm(a: VolumeZYX, b: VolumeZYX): { predToGtMm: number; gtToPredMm: number } {
  return averageSurfaceDistancesFromSurfelsMm(surfaceDistancesDeepMind(a, b));
}

/**
 * Average symmetric surface distance from DeepMind's directed averages: `(predToGt + gtToPred) / 2`,
 * the mean of the two area-weighted directed means (DeepMind defines only the directed pair; this
 * is the usual symmetric combination of it). Unlike MONAI's pooled mean, each surface weighs half
 * whatever its area.
 * @returns mm. NaN when either mask is empty (one direction is 0/0 in DeepMind's code).
 * @throws MetricsError as {@link hausdorffPercentileDeepMindMm}.
 * @example
 * ```ts
 * averageSymmetricSurfaceDistanceDeepMindMm(prediction, groundTruth);
 * ```
 */
export function averageSymmetricSurfaceDistanceDeepMindMm(a: VolumeZYX, b: VolumeZYX): number {
  return deepMindMetricsOfPair(binaryMaskPair(a, b, 0)).assdMm;
}
