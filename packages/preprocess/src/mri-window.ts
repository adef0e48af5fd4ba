import type { VolumeXYZ } from '@seahorse/io';
import { z } from 'zod';
import { PreprocessError } from './errors.js';
import { linearWindowFloat32 } from './linear-window.js';
import { otsuThreshold } from './otsu.js';
import { midpointPercentilesInPlace } from './percentiles.js';
import { parseOptions } from './options.js';
import { assertFiniteVoxels, assertKind, assertShapeMatchesData, scanName, toFloat32 } from './validate.js';

/** InnerEye's robust standard deviation divisor: the inter-quartile range of N(0,1) is 2 × 0.67448975. */
export const IQR_TO_STD = 2 * 0.67448975;

/** Options of {@link mriWindow}. Defaults are InnerEye's Hippocampus settings. */
export interface MriWindowOptions {
  /** Robust standard deviations either side of the median in the window. Finite, > 0. Default 2.5. */
  sharpen?: number;
  /** Multiplier of the upper half-window (InnerEye's per-channel `tail`). Finite, > 0. Default 1.0. */
  tail?: number;
  /** `[out0, out1]` with out0 < out1. Default `[-1, 1]`. */
  outputRange?: readonly [number, number];
  /** Scan name for error messages. Default `'volume'`. */
  scan?: string;
}

export const mriWindowOptionsSchema = z.object({
  sharpen: z.number().finite().positive().default(2.5),
  tail: z.number().finite().positive().default(1.0),
  outputRange: z.tuple([z.number().finite(), z.number().finite()])
    .refine(([a, b]) => a < b, { message: 'outputRange must be [out0, out1] with out0 < out1' })
    .default([-1, 1]),
  scan: z.string().optional(),
}).strict();

/** Robust statistics of the voxels above the Otsu threshold (numpy 1.19 midpoint percentiles, float64). */
export interface RobustStats {
  /** Smallest value (percentile 0). */
  min: number;
  /** Percentile 25. */
  q25: number;
  /** Median: MriWindow's level. */
  median: number;
  /** Percentile 75. */
  q75: number;
  /** Largest value (percentile 100). */
  max: number;
  /** `(q75 - q25) / (2 * 0.67448975)`. */
  std: number;
}

/** What {@link mriWindow} returns. */
export interface MriWindowResult {
  /** Normalised voxels, float32, same order and length as the input, within `outputRange`. */
  output: Float32Array;
  /** Otsu's threshold (a float32 value), see {@link otsuThreshold}. */
  threshold: number;
  /** The input window `[lo, hi]` (float64) mapped linearly onto `outputRange`. */
  window: [number, number];
  /** Statistics of the voxels strictly above `threshold`. */
  foreground: RobustStats;
}

/**
 * InnerEye's robust statistics (`robust_mean_std`): min, quartiles, median and max by numpy 1.19
 * midpoint percentiles, and `std = (q75 - q25) / (2 * 0.67448975)`.
 * @param values - Finite values, length ≥ 1. Reordered in place.
 */
export function robustStatsInPlace(values: Float32Array | Float64Array): RobustStats {
  const [min, q25, median, q75, max] = midpointPercentilesInPlace(values, [0, 25, 50, 75, 100]) as
    [number, number, number, number, number];
  return { min, q25, median, q75, max, std: (q75 - q25) / IQR_TO_STD };
}

/**
 * InnerEye's `MriWindow` photometric normalisation of one channel, number for number
 * (`InnerEye/ML/photometric_normalization.py: mri_window` with float32 input and numpy 1.19,
 * scikit-image 0.17.2):
 *
 * 1. `threshold` = Otsu's threshold of all voxels ({@link otsuThreshold}); the mask is ignored.
 * 2. Robust statistics of the voxels strictly above it ({@link robustStatsInPlace}); level = median.
 * 3. Window `lo = max(level - std*sharpen, threshold)`, `hi = min(max, level + tail*std*sharpen)`.
 * 4. Voxels strictly below the threshold become 0, then {@link linearWindowFloat32} maps `[lo, hi]`
 *    onto `outputRange` in float32 and clips.
 *
 * The input is never modified (InnerEye's version zeroes the sub-threshold voxels of its input in place).
 *
 * @param data - One channel's voxels as float32, any index order (the result keeps it).
 * @param options - {@link MriWindowOptions}; defaults are Hippocampus's (sharpen 2.5, tail 1, range [-1, 1]).
 * @throws PreprocessError `NON_FINITE_VOXELS` for NaN or ±Inf voxels.
 * @throws PreprocessError `CONSTANT_IMAGE` when all voxels are equal.
 * @throws PreprocessError `DEGENERATE_WINDOW` when `hi <= lo` (e.g. a two-valued image).
 * @throws PreprocessError `INVALID_OPTION` for out-of-range options.
 * @example
 * ```ts
 * const { output, threshold, window } = mriWindow(t1Float32, { scan: 'sub-01_T1w.nii.gz' });
 * ```
 */
export function mriWindow(data: Float32Array, options: MriWindowOptions = {}): MriWindowResult {
  const scan = scanName(options.scan);
  const opts = parseOptions(mriWindowOptionsSchema, options, scan, 'MriWindow');
  assertFiniteVoxels(data, scan);
  const threshold = otsuThreshold(data, scan);
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i]! > threshold) count++;
  const above = new Float32Array(count);
  for (let i = 0, j = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v > threshold) above[j++] = v;
  }
  const fg = robustStatsInPlace(above);
  const level = fg.median;
  const lo = Math.max(level - fg.std * opts.sharpen, threshold);
  const hi = Math.min(fg.max, level + opts.tail * fg.std * opts.sharpen);
  if (!(hi > lo)) {
    throw new PreprocessError('DEGENERATE_WINDOW', scan,
      `MriWindow's window collapsed: lo ${lo} >= hi ${hi} (Otsu threshold ${threshold}, foreground median ` +
      `${level}, robust std ${fg.std}); the image has too few distinct intensities above the threshold`);
  }
  const output = linearWindowFloat32(data, [lo, hi], opts.outputRange, threshold);
  return { output, threshold, window: [lo, hi], foreground: fg };
}

/** What {@link mriWindowVolume} returns: the normalised volume and the statistics behind it. */
export interface MriWindowVolumeResult extends Omit<MriWindowResult, 'output'> {
  /** Float32 intensity volume with the input's shape and a copy of its affine. */
  volume: VolumeXYZ<Float32Array>;
}

/**
 * {@link mriWindow} on a volume: casts its voxels to float32 (as InnerEye does on load), normalises
 * them and keeps the geometry.
 * @throws PreprocessError `WRONG_VOLUME_KIND` for a label volume, plus everything {@link mriWindow} throws.
 * @example
 * ```ts
 * const { volume, threshold } = mriWindowVolume(t1, { scan: 'sub-01_T1w.nii.gz' });
 * ```
 */
export function mriWindowVolume(volume: VolumeXYZ, options: MriWindowOptions = {}): MriWindowVolumeResult {
  const scan = scanName(options.scan);
  assertKind(volume, 'intensity', 'MriWindow', scan);
  assertShapeMatchesData(volume.shapeXYZ, volume.data, scan);
  const { output, ...rest } = mriWindow(toFloat32(volume.data), options);
  return {
    ...rest,
    volume: { data: output, shapeXYZ: [...volume.shapeXYZ], affine: Float64Array.from(volume.affine), kind: 'intensity' },
  };
}
