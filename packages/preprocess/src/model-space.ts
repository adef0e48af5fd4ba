import { gridOf, spacingXYZ, type GridXYZ, type OrientationCodes, type VolumeXYZ } from '@seahorse/io';
import { PreprocessError } from './errors.js';
import { reorient } from './reorient.js';
import { resampleToSpacing, type Interpolation } from './resample.js';
import { scanName } from './validate.js';

/** Where a model expects its input: voxel axis orientation and voxel spacing. */
export interface ModelSpace {
  /** Orientation codes of the model's voxel axes, e.g. `'RAS'` or `'LPS'`. */
  orientation: OrientationCodes;
  /** Spacing in mm, `[x, y, z]` of the model's voxel axes. */
  spacingXYZ: readonly [number, number, number];
}

/** What {@link toModelSpace} returns. */
export interface ModelSpaceResult {
  /** The volume on the model's grid. */
  volume: VolumeXYZ;
  /**
   * The scan's own grid, to map predictions back onto: each posterior channel with
   * {@link resampleToGrid} (linear), or with {@link reorient} to the native codes when `lossless`.
   */
  nativeGrid: GridXYZ;
  /** True when the volume was only reoriented (no interpolation: spacing already matched within `spacingTolerance`). */
  lossless: boolean;
}

/**
 * Brings a scan into a model's space: a lossless reorientation to `space.orientation` (axis
 * permutation and flips, {@link reorient}), then, only when the spacing differs from
 * `space.spacingXYZ` by more than `spacingTolerance` mm on some axis, a resampling to that spacing
 * over the same field of view ({@link resampleToSpacing}). Oblique and sheared axes are kept.
 *
 * @param options.interpolation - Default `'linear'` for images, `'nearest'` for labels.
 * @param options.spacingTolerance - mm. Default 1e-4.
 * @throws Everything {@link reorient} and {@link resampleToGrid} throw.
 * @example
 * ```ts
 * const { volume, nativeGrid } = toModelSpace(t1, { orientation: 'RAS', spacingXYZ: [1, 1, 1] }, { scan: 'sub-01' });
 * // ... normalise, infer -> one posterior channel per class on volume's grid ...
 * const back = resampleToGrid(channel, nativeGrid, { interpolation: 'linear' }); // then argmax over channels
 * ```
 */
export function toModelSpace(volume: VolumeXYZ, space: ModelSpace,
  options: { interpolation?: Interpolation; spacingTolerance?: number; maxVoxels?: number; scan?: string } = {}): ModelSpaceResult {
  const scan = scanName(options.scan);
  const tol = options.spacingTolerance ?? 1e-4;
  if (!(tol >= 0)) throw new PreprocessError('INVALID_OPTION', scan, `toModelSpace option 'spacingTolerance' = ${tol} is invalid: use a number ≥ 0`);
  const nativeGrid = gridOf(volume);
  const oriented = reorient(volume, space.orientation, { scan });
  const spacing = spacingXYZ(oriented.affine);
  if (spacing.every((s, d) => Math.abs(s - space.spacingXYZ[d]!) <= tol)) return { volume: oriented, nativeGrid, lossless: true };
  const resampled = resampleToSpacing(oriented, space.spacingXYZ, {
    scan, ...(options.interpolation ? { interpolation: options.interpolation } : {}),
    ...(options.maxVoxels ? { maxVoxels: options.maxVoxels } : {}),
  });
  return { volume: resampled, nativeGrid, lossless: false };
}
