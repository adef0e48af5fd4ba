import type { VolumeXYZ } from '@seahorse/io';
import { PreprocessError } from './errors.js';
import { assertFiniteVoxels, assertKind, assertShapeMatchesData, scanName, toFloat32 } from './validate.js';

/** What {@link zScore} returns. */
export interface ZScoreResult {
  /** `float32((x - mean) / std)` for every voxel, same order and length as the input. */
  output: Float32Array;
  /** Mean of all voxels (float64 accumulation). */
  mean: number;
  /** Population standard deviation (ddof 0) of all voxels, float64 two-pass. */
  std: number;
}

/**
 * Z-score normalisation over the whole volume (InnerEye's `SimpleNorm` with an all-ones mask; the
 * `msd-reference` model's preprocessing): `float32((x - mean) / std)`.
 *
 * Statistics are accumulated in float64 (two passes), not numpy's float32 pairwise sums, so a few
 * voxels can differ from a float32 numpy computation by 1 ulp.
 *
 * @param data - Voxels, any index order. Not modified.
 * @param options.scan - Scan name for error messages. Default `'volume'`.
 * @throws PreprocessError `NON_FINITE_VOXELS`; `CONSTANT_IMAGE` when std is 0.
 * @example
 * ```ts
 * const { output, mean, std } = zScore(Float32Array.of(1, 2, 3)); // output ≈ [-1.2247, 0, 1.2247]
 * ```
 */
export function zScore(data: Float32Array | Float64Array, options: { scan?: string } = {}): ZScoreResult {
  const scan = scanName(options.scan);
  assertFiniteVoxels(data, scan);
  const n = data.length;
  if (n === 0) throw new PreprocessError('SHAPE_MISMATCH', scan, 'cannot z-score an empty image');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += data[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) { const d = data[i]! - mean; ss += d * d; }
  const std = Math.sqrt(ss / n);
  if (!(std > 0)) {
    throw new PreprocessError('CONSTANT_IMAGE', scan, `every voxel has the value ${data[0]}: z-score needs a non-zero standard deviation`);
  }
  const output = new Float32Array(n);
  for (let i = 0; i < n; i++) output[i] = (data[i]! - mean) / std;
  return { output, mean, std };
}

/**
 * {@link zScore} on a volume, keeping its geometry; the result is a float32 intensity volume.
 * @throws PreprocessError `WRONG_VOLUME_KIND` for a label volume, plus everything {@link zScore} throws.
 * @example
 * ```ts
 * const { volume } = zScoreVolume(t1, { scan: 'hippocampus_003.nii.gz' });
 * ```
 */
export function zScoreVolume(volume: VolumeXYZ, options: { scan?: string } = {}):
  Omit<ZScoreResult, 'output'> & { volume: VolumeXYZ<Float32Array> } {
  const scan = scanName(options.scan);
  assertKind(volume, 'intensity', 'z-score', scan);
  assertShapeMatchesData(volume.shapeXYZ, volume.data, scan);
  const { output, ...rest } = zScore(toFloat32(volume.data), options);
  return { ...rest, volume: { data: output, shapeXYZ: [...volume.shapeXYZ], affine: Float64Array.from(volume.affine), kind: 'intensity' } };
}
