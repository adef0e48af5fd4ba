import type { VolumeZYX } from '@seahorse/io';
import { z } from 'zod';
import { MetricsError } from './errors.js';
import { assertSameGrid } from './grid.js';
import { cropMaskPair, type CroppedMaskPair } from './mask-pair.js';
import { deepMindMetricsOfPair } from './deepmind-surface-distance.js';
import { monaiMetricsOfPair } from './monai-surface-distance.js';
import { overlapAndDistanceOfPair, type DistanceArithmetic, type OverlapAndDistance } from './surface-distance.js';

/** InnerEye's per-structure result, one row of `metrics.csv` before rounding. */
export interface StructureMetrics extends OverlapAndDistance {
  /** Structure name, e.g. `"hippocampus_L"`. */
  readonly structure: string;
}

/** {@link StructureMetrics} plus the beyond-InnerEye variants. */
export interface ExtendedStructureMetrics extends StructureMetrics {
  /** MONAI-convention 95th-percentile Hausdorff distance (mm). */
  readonly HD95_MONAI_mm: number;
  /** MONAI-convention average symmetric surface distance (mm). */
  readonly ASSD_MONAI_mm: number;
  /** Predicted volume, mm³. */
  readonly PredictedVolume_mm3: number;
  /** Ground-truth volume, mm³. */
  readonly GroundTruthVolume_mm3: number;
  /**
   * DeepMind-convention 95th-percentile Hausdorff distance (mm): area-weighted surfels, no
   * interpolation; `Infinity` when either mask is empty (both included).
   */
  readonly HD95_DeepMind_mm: number;
  /**
   * DeepMind-convention average symmetric surface distance (mm): the mean of the two area-weighted
   * directed averages; NaN when either mask is empty.
   */
  readonly ASSD_DeepMind_mm: number;
}

const optionsSchema = z.object({
  structures: z.array(z.string().min(1)).min(1),
  subject: z.string().optional(),
  arithmetic: z.enum(['simpleitk', 'float64']).optional(),
});

/** Options of {@link computeStructureMetrics}. */
export interface StructureMetricsOptions {
  /**
   * One name per ground-truth mask, in class order: structure `i` is class `i + 1` of the
   * segmentation (class 0 is background), e.g. `['hippocampus_L', 'hippocampus_R']`.
   */
  readonly structures: readonly string[];
  /** Subject id, only for error messages. */
  readonly subject?: string;
  /**
   * `'simpleitk'` (default): HD and MeanDistance value for value as InnerEye's SimpleITK calls give
   * them; `'float64'`: the exact FH distance transform. See {@link DistanceArithmetic}.
   */
  readonly arithmetic?: DistanceArithmetic;
}

function validate(segmentation: VolumeZYX, groundTruths: readonly VolumeZYX[], options: StructureMetricsOptions): string {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new MetricsError('BAD_OPTIONS', `computeStructureMetrics options: ${parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const who = options.subject === undefined ? '' : ` of subject '${options.subject}'`;
  if (options.structures.length !== groundTruths.length) {
    throw new MetricsError('BAD_OPTIONS', `options.structures names ${options.structures.length} structure(s) `
      + `[${options.structures.join(', ')}] but ${groundTruths.length} ground-truth mask(s) were given${who}`);
  }
  groundTruths.forEach((gt, i) =>
    assertSameGrid(segmentation, gt, `segmentation${who}`, `ground truth '${options.structures[i]}'${who}`));
  return who;
}

function pairFor(segmentation: VolumeZYX, gt: VolumeZYX, structure: string, label: number, who: string): CroppedMaskPair {
  return cropMaskPair(
    { data: segmentation.data, label, name: `segmentation${who}` },
    { data: gt.data, label: undefined, name: `ground truth '${structure}'${who}` },
    segmentation.shapeZYX, segmentation.spacingZYX);
}

/**
 * InnerEye's `calculate_metrics_per_class`: for each structure `i`, prediction A = `segmentation ==
 * i + 1` and ground truth B = `groundTruths[i]` (values 0/1), then `DiceNumeric`,
 * `HausdorffDistance_mm` and `MeanDistance_mm` with the segmentation's spacing.
 * Both empty: all three NaN. Exactly one empty: Dice 0, distances `Infinity`.
 *
 * @param segmentation - Label map `[Z, Y, X]` (0 = background, `i + 1` = structure `i`).
 * @param groundTruths - One binary mask per structure, on the segmentation's grid.
 * @returns One {@link StructureMetrics} per structure, in `options.structures` order.
 * @throws MetricsError `BAD_OPTIONS` when the names and masks disagree in number or a name is empty.
 * @throws MetricsError `NOT_BINARY` when a ground truth holds a value other than 0 and 1 (InnerEye's ValueError).
 * @throws MetricsError `SHAPE_MISMATCH` / `SPACING_MISMATCH` when a mask is on another grid.
 * @example
 * ```ts
 * const rows = computeStructureMetrics(toZYX(seg), [toZYX(left), toZYX(right)],
 *   { structures: ['hippocampus_L', 'hippocampus_R'], subject: '007' });
 * rows[0].DiceNumeric; // e.g. 0.918
 * ```
 */
export function computeStructureMetrics(
  segmentation: VolumeZYX, groundTruths: readonly VolumeZYX[], options: StructureMetricsOptions,
): StructureMetrics[] {
  const who = validate(segmentation, groundTruths, options);
  return groundTruths.map((gt, i) => {
    const structure = options.structures[i]!;
    return { structure, ...overlapAndDistanceOfPair(pairFor(segmentation, gt, structure, i + 1, who), options.arithmetic) };
  });
}

/**
 * {@link computeStructureMetrics} plus MONAI- and DeepMind-convention HD95 and ASSD and both
 * volumes in mm³, from the same crop (one pass over the volumes per structure).
 * @throws MetricsError as {@link computeStructureMetrics}.
 * @example
 * ```ts
 * const [left] = computeExtendedStructureMetrics(seg, [gtL], { structures: ['hippocampus_L'] });
 * left.HD95_MONAI_mm;
 * ```
 */
export function computeExtendedStructureMetrics(
  segmentation: VolumeZYX, groundTruths: readonly VolumeZYX[], options: StructureMetricsOptions,
): ExtendedStructureMetrics[] {
  const who = validate(segmentation, groundTruths, options);
  const [sz, sy, sx] = segmentation.spacingZYX;
  const voxelMm3 = sz * sy * sx;
  return groundTruths.map((gt, i) => {
    const structure = options.structures[i]!;
    const pair = pairFor(segmentation, gt, structure, i + 1, who);
    const monai = monaiMetricsOfPair(pair);
    const deepMind = deepMindMetricsOfPair(pair);
    return {
      structure,
      ...overlapAndDistanceOfPair(pair, options.arithmetic),
      HD95_MONAI_mm: monai.hdPercentileMm,
      ASSD_MONAI_mm: monai.assdMm,
      PredictedVolume_mm3: pair.countA * voxelMm3,
      GroundTruthVolume_mm3: pair.countB * voxelMm3,
      HD95_DeepMind_mm: deepMind.hdPercentileMm,
      ASSD_DeepMind_mm: deepMind.assdMm,
    };
  });
}
