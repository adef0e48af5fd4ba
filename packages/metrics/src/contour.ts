import type { ShapeZYX } from '@seahorse/io';

/** Neighbourhood of a contour rule: 6 face neighbours or all 26 neighbours. */
export type Connectivity = 6 | 26;

/**
 * The contour of a binary mask: the mask voxels that have at least one neighbour (in the given
 * connectivity) that is not in the mask.
 *
 * `outside` says what a neighbour beyond the array's edge is:
 * - `'not-background'` (default): it does not count, as in ITK's `LabelContourImageFilter` and
 *   `BinaryContourImageFilter`, which InnerEye's MeanDistance uses (a mask touching the image
 *   border has no contour there);
 * - `'background'`: it counts as background, as with scipy's `binary_erosion(border_value=0)`,
 *   which MONAI's surface metrics use.
 *
 * @param mask - Flat `[Z, Y, X]` array (x fastest), non-zero = inside.
 * @param shapeZYX - `[Z, Y, X]`.
 * @param connectivity - `6` (ITK `fullyConnected=false`) or `26` (`fullyConnected=true`).
 * @returns A new `Uint8Array`, 1 on the contour.
 * @example
 * ```ts
 * const c6 = contourMask(mask, [Z, Y, X], 6); // LabelContour(mask) in SimpleITK
 * ```
 */
export function contourMask(
  mask: ArrayLike<number>, shapeZYX: ShapeZYX, connectivity: Connectivity,
  outside: 'not-background' | 'background' = 'not-background',
): Uint8Array {
  const [nz, ny, nx] = shapeZYX;
  const plane = ny * nx;
  const out = new Uint8Array(nz * ny * nx);
  const outsideIsBackground = outside === 'background';
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const row = z * plane + y * nx;
      for (let x = 0; x < nx; x++) {
        const i = row + x;
        if (mask[i] === 0) continue;
        let edge = false;
        for (let dz = -1; dz <= 1 && !edge; dz++) {
          const zz = z + dz;
          for (let dy = -1; dy <= 1 && !edge; dy++) {
            const yy = y + dy;
            for (let dx = -1; dx <= 1; dx++) {
              const nonzero = (dz !== 0 ? 1 : 0) + (dy !== 0 ? 1 : 0) + (dx !== 0 ? 1 : 0);
              if (nonzero === 0 || (connectivity === 6 && nonzero !== 1)) continue;
              const xx = x + dx;
              if (zz < 0 || zz >= nz || yy < 0 || yy >= ny || xx < 0 || xx >= nx) {
                if (outsideIsBackground) { edge = true; break; }
                continue;
              }
              if (mask[zz * plane + yy * nx + xx] === 0) { edge = true; break; }
            }
          }
        }
        if (edge) out[i] = 1;
      }
    }
  }
  return out;
}
