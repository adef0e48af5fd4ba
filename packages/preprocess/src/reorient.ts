import {
  axisOrientation, multiplyAffine, parseOrientationCodes, type OrientationCodes, type VolumeXYZ, type VoxelArray,
} from '@seahorse/io';
import { assertShapeMatchesData, scanName, withPreprocessErrors } from './validate.js';

/**
 * Reorients a volume to the named orientation by a lossless permutation and flips of its voxel axes,
 * as nibabel's `as_closest_canonical` (for `'RAS'`) and `as_reoriented(ornt_transform(...))` do.
 * Voxel values are moved, never interpolated; the affine is `affine · M`, where M maps new voxel
 * indices to old ones (nibabel's `inv_ornt_aff`), so every voxel keeps its world position.
 *
 * @param volume - Any volume (intensity or label); its `kind` is kept.
 * @param target - Orientation codes (`@seahorse/io`'s `OrientationCodes`), e.g. `'RAS'` (default) or `'LPS'`.
 * @param options.scan - Scan name for error messages.
 * @returns A new volume (data copied, even when nothing moves).
 * @throws PreprocessError `INVALID_OPTION` for bad codes, `DEGENERATE_AFFINE`, `SHAPE_MISMATCH`.
 * @example
 * ```ts
 * const ras = reorient(volume, 'RAS');
 * orientationCodes(ras.affine); // 'RAS' (orientationCodes from @seahorse/io)
 * ```
 */
export function reorient<T extends VoxelArray>(volume: VolumeXYZ<T>, target: OrientationCodes = 'RAS',
  options: { scan?: string } = {}): VolumeXYZ<T> {
  const scan = scanName(options.scan);
  assertShapeMatchesData(volume.shapeXYZ, volume.data, scan);
  const want = withPreprocessErrors(scan, () => parseOrientationCodes(target));
  const have = withPreprocessErrors(scan, () => axisOrientation(volume.affine));
  // for each old axis i: its new axis and whether it flips
  const newAxisOf = have.map((h) => want.findIndex((w) => w.worldAxis === h.worldAxis));
  const flipOf = have.map((h, i) => h.sign * want[newAxisOf[i]!]!.sign);
  const oldShape = volume.shapeXYZ;
  const newShape = [0, 0, 0];
  for (let i = 0; i < 3; i++) newShape[newAxisOf[i]!] = oldShape[i]!;

  // M: new voxel index -> old voxel index (row i: old axis i)
  const m = new Float64Array(16);
  for (let i = 0; i < 3; i++) {
    m[4 * i + newAxisOf[i]!] = flipOf[i]!;
    m[4 * i + 3] = flipOf[i]! < 0 ? oldShape[i]! - 1 : 0;
  }
  m[15] = 1;
  const affine = multiplyAffine(volume.affine, m);

  // strides of the old array along each new axis, and the old offset of new voxel (0,0,0)
  const oldStride = [1, oldShape[0]!, oldShape[0]! * oldShape[1]!];
  const step = [0, 0, 0];
  let base = 0;
  for (let i = 0; i < 3; i++) {
    step[newAxisOf[i]!] = flipOf[i]! * oldStride[i]!;
    if (flipOf[i]! < 0) base += (oldShape[i]! - 1) * oldStride[i]!;
  }
  const src = volume.data;
  const Ctor = src.constructor as new (n: number) => T;
  const out = new Ctor(src.length);
  const [nx, ny, nz] = newShape as [number, number, number];
  const [sx, sy, sz] = step as [number, number, number];
  let o = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      let p = base + z * sz + y * sy;
      for (let x = 0; x < nx; x++, p += sx) out[o++] = src[p]!;
    }
  }
  return { data: out, shapeXYZ: [nx, ny, nz], affine, kind: volume.kind };
}
