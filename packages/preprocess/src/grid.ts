import { spacingXYZ as spacingOfAffine, type GridXYZ, type ShapeXYZ } from '@seahorse/io';
import { PreprocessError } from './errors.js';
import { assertValidAffine, scanName } from './validate.js';

/** Default largest number of voxels a target grid may have: 2^28 (1 GiB as float32). */
export const DEFAULT_MAX_VOXELS = 2 ** 28;

/**
 * Checks a target grid (`@seahorse/io`'s `GridXYZ`): positive integer shape, usable affine, and at most `maxVoxels` voxels.
 * @throws PreprocessError `GRID_TOO_LARGE` (with the shape, spacing and memory it would need),
 *   `DEGENERATE_AFFINE` or `INVALID_OPTION`.
 */
export function assertGridFits(grid: GridXYZ, scan: string, maxVoxels = DEFAULT_MAX_VOXELS, bytesPerVoxel = 4): void {
  const s = grid.shapeXYZ;
  if (s.length !== 3 || !s.every((n) => Number.isInteger(n) && n > 0)) {
    throw new PreprocessError('INVALID_OPTION', scan, `target grid shapeXYZ must be three positive integers, got [${s.join(', ')}]`);
  }
  assertValidAffine(grid.affine, scan, 'target grid affine');
  const n = s[0] * s[1] * s[2];
  if (n > maxVoxels) {
    const sp = spacingOfAffine(grid.affine).map((v) => v.toPrecision(4)).join(' × ');
    throw new PreprocessError('GRID_TOO_LARGE', scan,
      `target grid [${s.join(' × ')}] at ${sp} mm has ${n} voxels (${(n * bytesPerVoxel / 2 ** 30).toFixed(1)} GiB), ` +
      `more than the limit of ${maxVoxels} voxels; use a coarser spacing or raise maxVoxels`);
  }
}

/**
 * A grid with new voxel spacing covering the same field of view as `grid`, with the same axis
 * directions (oblique and sheared axes stay as they are). Rule, per axis d:
 * - `shape'[d] = max(1, round(shape[d] * spacing[d] / spacing'[d]))`;
 * - column d of the affine is rescaled to length `spacing'[d]`;
 * - the outer corner of voxel (0,0,0) (index −0.5 on every axis) stays at the same world point.
 *
 * @param spacingXYZ - New spacing in mm, `[x, y, z]`, each finite and > 0.
 * @throws PreprocessError `INVALID_OPTION` for bad spacing, `DEGENERATE_AFFINE`.
 * @example
 * ```ts
 * const iso1mm = gridWithSpacing(gridOf(t1), [1, 1, 1]); // gridOf from @seahorse/io
 * ```
 */
export function gridWithSpacing(grid: GridXYZ, spacingXYZ: readonly [number, number, number], options: { scan?: string } = {}): GridXYZ {
  const scan = scanName(options.scan);
  if (spacingXYZ.length !== 3 || !spacingXYZ.every((v) => Number.isFinite(v) && v > 0)) {
    throw new PreprocessError('INVALID_OPTION', scan, `spacingXYZ must be three finite positive numbers in mm, got [${spacingXYZ.join(', ')}]`);
  }
  assertValidAffine(grid.affine, scan);
  const old = spacingOfAffine(grid.affine);
  const a = grid.affine;
  const out = new Float64Array(16);
  out[15] = 1;
  const shape: number[] = [];
  for (let d = 0; d < 3; d++) {
    shape.push(Math.max(1, Math.round(grid.shapeXYZ[d]! * old[d]! / spacingXYZ[d]!)));
    const k = spacingXYZ[d]! / old[d]!;
    for (let r = 0; r < 3; r++) out[4 * r + d] = a[4 * r + d]! * k;
  }
  for (let r = 0; r < 3; r++) {
    let t = a[4 * r + 3]!;
    for (let d = 0; d < 3; d++) t += -0.5 * a[4 * r + d]! + 0.5 * out[4 * r + d]!;
    out[4 * r + 3] = t;
  }
  return { shapeXYZ: shape as unknown as ShapeXYZ, affine: out };
}
