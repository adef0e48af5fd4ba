/**
 * Voxel grids for phantoms: spacing, axis order and direction (any of the 48 axis-aligned
 * orientations, optionally tilted obliquely) and the affine that centres the head in the field of view.
 */

import { multiply3, type GridXYZ, type ShapeXYZ } from '@seahorse/io';
import type { PhantomAnatomy } from './anatomy.js';
import type { Random } from './random.js';

/**
 * A phantom's voxel grid: `@seahorse/io`'s `GridXYZ` (shape and voxel→world affine, float64
 * row-major 4×4, RAS+ mm) with how it was drawn.
 */
export interface PhantomGrid extends GridXYZ {
  /** Voxel spacing along the voxel axes x, y, z, in mm. */
  readonly spacingXYZ: readonly [number, number, number];
  /** Tilt away from the nearest axis-aligned orientation, in degrees (0 = not oblique). */
  readonly obliqueDeg: number;
}

/** How the grids of a cohort vary. */
export interface GridOptions {
  /**
   * `'varied'` (default): per subject, a random spacing in `spacingRangeMm` per axis, a random
   * axis order and direction (all 48), and an oblique tilt of up to `maxObliqueDeg` for about 60%
   * of subjects. `'fixed'`: every subject on the same grid, `fixedShapeXYZ` voxels of
   * `fixedSpacingMm`, RAS, not oblique (the head still varies within it).
   */
  geometry?: 'varied' | 'fixed';
  /** Range of voxel spacing, mm. Default [2.2, 2.8]. */
  spacingRangeMm?: readonly [number, number];
  /** Largest tilt per rotation axis, degrees. Default 10. */
  maxObliqueDeg?: number;
  /** Margin around the head, mm. Default 6. */
  marginMm?: number;
  /** `'fixed'` geometry: isotropic spacing in mm. Default 2.5. */
  fixedSpacingMm?: number;
  /** `'fixed'` geometry: shape. Default [64, 80, 64]. */
  fixedShapeXYZ?: ShapeXYZ;
}

/** A row-major 3×3 as nine numbers. */
type M3 = [number, number, number, number, number, number, number, number, number];

function rotation(axis: 0 | 1 | 2, rad: number): M3 {
  const c = Math.cos(rad), s = Math.sin(rad);
  if (axis === 0) return [1, 0, 0, 0, c, -s, 0, s, c];
  if (axis === 1) return [c, 0, s, 0, 1, 0, -s, 0, c];
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

const PERMUTATIONS: readonly (readonly [number, number, number])[] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

/**
 * A grid around one anatomy.
 * @param rng - The subject's random stream (not used for `'fixed'` geometry).
 * @param anatomy - The head the grid must hold.
 * @param options - See {@link GridOptions}.
 * @returns A {@link PhantomGrid} whose field of view holds the whole head plus the margin.
 * @example
 * const grid = sampleGrid(createRandom(1, 2), anatomy, { geometry: 'varied' });
 * grid.shapeXYZ; // e.g. [58, 71, 64]
 */
export function sampleGrid(rng: Random, anatomy: PhantomAnatomy, options: GridOptions = {}): PhantomGrid {
  if ((options.geometry ?? 'varied') === 'fixed') {
    const s = options.fixedSpacingMm ?? 2.5;
    const shapeXYZ = options.fixedShapeXYZ ?? [64, 80, 64];
    const affine = new Float64Array(16);
    for (let k = 0; k < 3; k++) {
      affine[5 * k] = s;
      affine[4 * k + 3] = -s * (shapeXYZ[k]! - 1) / 2;
    }
    affine[15] = 1;
    return { shapeXYZ: [...shapeXYZ], affine, spacingXYZ: [s, s, s], obliqueDeg: 0 };
  }
  const [smin, smax] = options.spacingRangeMm ?? [2.2, 2.8];
  const maxTilt = ((options.maxObliqueDeg ?? 10) * Math.PI) / 180;
  const margin = options.marginMm ?? 6;
  const spacingXYZ: [number, number, number] = [rng.uniform(smin, smax), rng.uniform(smin, smax), rng.uniform(smin, smax)];
  // Axis-aligned direction: voxel axis i runs along world axis perm[i], with a random sign.
  const perm = PERMUTATIONS[rng.int(PERMUTATIONS.length)]!;
  const direction = new Array<number>(9).fill(0) as M3;
  for (let i = 0; i < 3; i++) direction[3 * perm[i]! + i] = rng.next() < 0.5 ? -1 : 1;
  let tilted: ArrayLike<number> = direction;
  let obliqueDeg = 0;
  if (rng.next() < 0.6) {
    const angles = [rng.uniform(-maxTilt, maxTilt), rng.uniform(-maxTilt, maxTilt), rng.uniform(-maxTilt, maxTilt)];
    const rot = multiply3(multiply3(rotation(2, angles[2]!), rotation(1, angles[1]!)), rotation(0, angles[0]!));
    tilted = multiply3(rot, direction);
    obliqueDeg = Math.max(...angles.map((a) => Math.abs((a * 180) / Math.PI)));
  }
  const [ha, hb, hc] = anatomy.headSemiAxesRAS;
  const shape: number[] = [];
  for (let i = 0; i < 3; i++) {
    const ux = tilted[i]!, uy = tilted[3 + i]!, uz = tilted[6 + i]!;
    const halfExtent = Math.sqrt((ha * ux) ** 2 + (hb * uy) ** 2 + (hc * uz) ** 2) + margin;
    shape.push(Math.ceil((2 * halfExtent) / spacingXYZ[i]!) + 1);
  }
  const affine = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    let t = anatomy.centreRAS[r]!;
    for (let c = 0; c < 3; c++) {
      const v = tilted[3 * r + c]! * spacingXYZ[c]!;
      affine[4 * r + c] = v;
      t -= (v * (shape[c]! - 1)) / 2;
    }
    affine[4 * r + 3] = t;
  }
  affine[15] = 1;
  return { shapeXYZ: [shape[0]!, shape[1]!, shape[2]!], affine, spacingXYZ, obliqueDeg };
}
