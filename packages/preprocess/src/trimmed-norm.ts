import type { VolumeXYZ } from '@seahorse/io';
import { z } from 'zod';
import { PreprocessError } from './errors.js';
import { linearWindowFloat32 } from './linear-window.js';
import { robustStatsInPlace } from './mri-window.js';
import { parseOptions } from './options.js';
import { midpointPercentilesInPlace } from './percentiles.js';
import { assertFiniteVoxels, assertKind, assertShapeMatchesData, scanName, toFloat32 } from './validate.js';

/** Options of {@link trimmedNorm}. Defaults follow InnerEye's `normalize_trim` and its `TrimmedNorm` config. */
export interface TrimmedNormOptions {
  /** Robust standard deviations either side of the median. Finite, > 0. Default 1.9 (`normalize_trim`'s default). */
  sharpen?: number;
  /** `[low, high]` percentiles (0 ≤ low < high ≤ 100) outside which voxels are ignored for the statistics. Default `[1, 99]`. */
  trimPercentiles?: readonly [number, number];
  /** `[out0, out1]` with out0 < out1. Default `[-1, 1]`. */
  outputRange?: readonly [number, number];
  /** Scan name for error messages. Default `'volume'`. */
  scan?: string;
}

export const trimmedNormOptionsSchema = z.object({
  sharpen: z.number().finite().positive().default(1.9),
  trimPercentiles: z.tuple([z.number().min(0).max(100), z.number().min(0).max(100)])
    .refine(([a, b]) => a < b, { message: 'trimPercentiles must be [low, high] with low < high' })
    .default([1, 99]),
  outputRange: z.tuple([z.number().finite(), z.number().finite()])
    .refine(([a, b]) => a < b, { message: 'outputRange must be [out0, out1] with out0 < out1' })
    .default([-1, 1]),
  scan: z.string().optional(),
}).strict();

/** What {@link trimmedNorm} returns. */
export interface TrimmedNormResult {
  /** Normalised float32 voxels, same order and length as the input. */
  output: Float32Array;
  /** The trim thresholds: numpy 1.19 midpoint percentiles at `trimPercentiles` (float64). */
  trimThresholds: [number, number];
  /** The input window `[lo, hi]` mapped onto `outputRange`. */
  window: [number, number];
}

/**
 * InnerEye's `TrimmedNorm` percentile windowing (`normalize_trim`) with an all-ones mask:
 *
 * 1. `[t0, t1]` = midpoint percentiles of all voxels at `trimPercentiles` (float64).
 * 2. Robust statistics (median, IQR std, min, max) of the voxels with `t0 < x < t1`.
 * 3. Window `lo = max(median - std*sharpen, min)`, `hi = min(median + std*sharpen, max)`.
 * 4. Map `[lo, hi]` onto `outputRange` in float32 and clip ({@link linearWindowFloat32}).
 *
 * @param data - One channel's voxels as float32, any index order. Not modified.
 * @throws PreprocessError `NON_FINITE_VOXELS`, `CONSTANT_IMAGE` (nothing strictly between the trim
 *   thresholds), `DEGENERATE_WINDOW` (`hi <= lo`), `INVALID_OPTION`.
 * @example
 * ```ts
 * const { output, window } = trimmedNorm(t1Float32, { trimPercentiles: [1, 99], scan: 'sub-01' });
 * ```
 */
export function trimmedNorm(data: Float32Array, options: TrimmedNormOptions = {}): TrimmedNormResult {
  const scan = scanName(options.scan);
  const opts = parseOptions(trimmedNormOptionsSchema, options, scan, 'TrimmedNorm');
  assertFiniteVoxels(data, scan);
  const all = Float64Array.from(data);
  const [t0, t1] = midpointPercentilesInPlace(all, opts.trimPercentiles) as [number, number];
  let count = 0;
  for (let i = 0; i < data.length; i++) { const v = data[i]!; if (v > t0 && v < t1) count++; }
  if (count === 0) {
    throw new PreprocessError('CONSTANT_IMAGE', scan,
      `TrimmedNorm found no voxel strictly between its trim thresholds ${t0} and ${t1} ` +
      `(percentiles ${opts.trimPercentiles.join(', ')}): the image is (nearly) constant`);
  }
  const inside = new Float64Array(count);
  for (let i = 0, j = 0; i < data.length; i++) { const v = data[i]!; if (v > t0 && v < t1) inside[j++] = v; }
  const s = robustStatsInPlace(inside);
  const lo = Math.max(s.median - s.std * opts.sharpen, s.min);
  const hi = Math.min(s.median + s.std * opts.sharpen, s.max);
  if (!(hi > lo)) {
    throw new PreprocessError('DEGENERATE_WINDOW', scan,
      `TrimmedNorm's window collapsed: lo ${lo} >= hi ${hi} (median ${s.median}, robust std ${s.std})`);
  }
  return { output: linearWindowFloat32(data, [lo, hi], opts.outputRange), trimThresholds: [t0, t1], window: [lo, hi] };
}

/**
 * {@link trimmedNorm} on a volume (cast to float32), keeping its geometry.
 * @throws PreprocessError `WRONG_VOLUME_KIND` for a label volume, plus everything {@link trimmedNorm} throws.
 * @example
 * ```ts
 * const { volume } = trimmedNormVolume(t1, { scan: 'sub-01_T1w.nii.gz' });
 * ```
 */
export function trimmedNormVolume(volume: VolumeXYZ, options: TrimmedNormOptions = {}):
  Omit<TrimmedNormResult, 'output'> & { volume: VolumeXYZ<Float32Array> } {
  const scan = scanName(options.scan);
  assertKind(volume, 'intensity', 'TrimmedNorm', scan);
  assertShapeMatchesData(volume.shapeXYZ, volume.data, scan);
  const { output, ...rest } = trimmedNorm(toFloat32(volume.data), options);
  return { ...rest, volume: { data: output, shapeXYZ: [...volume.shapeXYZ], affine: Float64Array.from(volume.affine), kind: 'intensity' } };
}
