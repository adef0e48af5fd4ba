import type { Mat4, ShapeXYZ, VolumeXYZ } from '@seahorse/io';
import { assertValidAffine } from './affine.js';
import { PreprocessError } from './errors.js';
import { assertGridFits, DEFAULT_MAX_VOXELS, gridOf, type GridXYZ } from './grid.js';
import { voxelToVoxel } from './resample.js';
import { scanName } from './validate.js';

/**
 * Class posteriors on one grid, channel-major: channel c occupies `data[c*N, (c+1)*N)` with
 * N = X·Y·Z, each channel x fastest. This is a `[C, Z, Y, X]` C-order network output.
 */
export interface PosteriorsCXYZ {
  /** Length `channels * X * Y * Z`. */
  readonly data: Float32Array;
  /** Number of classes C ≥ 1 (class 0 is background). */
  readonly channels: number;
  /** `[X, Y, Z]` of each channel. */
  readonly shapeXYZ: ShapeXYZ;
  /** Voxel-to-world affine of the posterior grid (the model space), float64 row-major. */
  readonly affine: Mat4;
}

/**
 * Maps model-space posteriors back onto a scan's native grid and takes the argmax: each native
 * voxel centre is mapped into the model grid through both affines, every class posterior is
 * interpolated linearly there (SimpleITK's rules: inside when `-0.5 <= c < n - 0.5`, neighbours
 * clamped at the edges), and the label is the first class with the largest value (numpy's argmax).
 * Native voxels outside the model grid get all-zero posteriors, hence label 0.
 *
 * The result has exactly the native grid: its shape and a copy of its affine, bit for bit.
 *
 * @param posteriors - {@link PosteriorsCXYZ} in model space.
 * @param nativeGrid - The scan's own grid (`gridOf(scan)`).
 * @param options.maxVoxels - Largest native grid allowed. Default 2^28.
 * @returns A label volume (Uint8Array for up to 256 classes, else Uint16Array).
 * @throws PreprocessError `SHAPE_MISMATCH`, `DEGENERATE_AFFINE`, `GRID_TOO_LARGE`.
 * @example
 * ```ts
 * const seg = posteriorsToNativeLabels({ data: probs, channels: 3, shapeXYZ: model.shapeXYZ, affine: model.affine }, gridOf(t1));
 * ```
 */
export function posteriorsToNativeLabels(posteriors: PosteriorsCXYZ, nativeGrid: GridXYZ | VolumeXYZ,
  options: { scan?: string; maxVoxels?: number } = {}): VolumeXYZ<Uint8Array | Uint16Array> {
  const scan = scanName(options.scan);
  const { channels, shapeXYZ: ms } = posteriors;
  const [mx, my, mz] = ms;
  const n = mx * my * mz;
  if (!Number.isInteger(channels) || channels < 1 || posteriors.data.length !== channels * n) {
    throw new PreprocessError('SHAPE_MISMATCH', scan,
      `posteriors data length ${posteriors.data.length} is not channels (${channels}) × [${ms.join(' × ')}]`);
  }
  assertValidAffine(posteriors.affine, scan, 'posteriors affine');
  const grid = gridOf(nativeGrid);
  assertGridFits(grid, scan, options.maxVoxels ?? DEFAULT_MAX_VOXELS, 1);
  const map = voxelToVoxel(posteriors.affine, grid.affine, scan);
  const [nx, ny, nz] = grid.shapeXYZ;
  const out = channels <= 256 ? new Uint8Array(nx * ny * nz) : new Uint16Array(nx * ny * nz);
  const p = posteriors.data;
  const sxy = mx * my;
  let o = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const bx = map[1]! * y + map[2]! * z + map[3]!;
      const by = map[5]! * y + map[6]! * z + map[7]!;
      const bz = map[9]! * y + map[10]! * z + map[11]!;
      for (let x = 0; x < nx; x++, o++) {
        const cx = map[0]! * x + bx, cy = map[4]! * x + by, cz = map[8]! * x + bz;
        if (!(cx >= -0.5 && cx < mx - 0.5 && cy >= -0.5 && cy < my - 0.5 && cz >= -0.5 && cz < mz - 0.5)) continue; // label 0
        let x0 = Math.floor(cx), y0 = Math.floor(cy), z0 = Math.floor(cz);
        let fx = cx - x0, fy = cy - y0, fz = cz - z0;
        if (x0 < 0) { x0 = 0; fx = 0; }
        if (y0 < 0) { y0 = 0; fy = 0; }
        if (z0 < 0) { z0 = 0; fz = 0; }
        const dx = x0 < mx - 1 ? 1 : 0;
        const dy = y0 < my - 1 ? mx : 0;
        const dz = z0 < mz - 1 ? sxy : 0;
        const i0 = x0 + mx * y0 + sxy * z0;
        let best = 0;
        let bestValue = -Infinity;
        for (let c = 0, i = i0; c < channels; c++, i += n) {
          const a000 = p[i]!, a100 = p[i + dx]!, a010 = p[i + dy]!, a110 = p[i + dx + dy]!;
          const a001 = p[i + dz]!, a101 = p[i + dx + dz]!, a011 = p[i + dy + dz]!, a111 = p[i + dx + dy + dz]!;
          const v00 = a000 + (a100 - a000) * fx;
          const v10 = a010 + (a110 - a010) * fx;
          const v01 = a001 + (a101 - a001) * fx;
          const v11 = a011 + (a111 - a011) * fx;
          const v0 = v00 + (v10 - v00) * fy;
          const v1 = v01 + (v11 - v01) * fy;
          const v = v0 + (v1 - v0) * fz;
          if (v > bestValue) { bestValue = v; best = c; }
        }
        out[o] = best;
      }
    }
  }
  return { data: out, shapeXYZ: grid.shapeXYZ, affine: grid.affine, kind: 'label' };
}
