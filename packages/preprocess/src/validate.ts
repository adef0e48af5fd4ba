import { assertUsableAffine, GeometryError, type Mat4, type VolumeXYZ, type VoxelArray } from '@seahorse/io';
import { DEFAULT_SCAN_NAME, PreprocessError } from './errors.js';

/** The scan name for messages: the caller's, or {@link DEFAULT_SCAN_NAME}. */
export function scanName(scan: string | undefined): string {
  return scan !== undefined && scan.length > 0 ? scan : DEFAULT_SCAN_NAME;
}

/**
 * Runs `@seahorse/io` geometry for one scan, turning its `GeometryError` into this package's error
 * with io's message after the scan name: `BAD_AFFINE` becomes `DEGENERATE_AFFINE`,
 * `BAD_ORIENTATION` becomes `INVALID_OPTION`. Other errors pass through.
 * @example
 * ```ts
 * const have = withPreprocessErrors(scan, () => axisOrientation(volume.affine));
 * ```
 */
export function withPreprocessErrors<T>(scan: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof GeometryError) {
      throw new PreprocessError(e.code === 'BAD_ORIENTATION' ? 'INVALID_OPTION' : 'DEGENERATE_AFFINE', scan, e.message);
    }
    throw e;
  }
}

/**
 * Checks an affine is usable (io's `assertUsableAffine`: 16 finite numbers, last row
 * `[0, 0, 0, 1]`, not singular or nearly so).
 * @param field - Names the matrix in the message. Default `'affine'`.
 * @throws PreprocessError `DEGENERATE_AFFINE` naming the scan, the problem and the matrix.
 */
export function assertValidAffine(affine: Mat4, scan: string, field = 'affine'): void {
  withPreprocessErrors(scan, () => assertUsableAffine(affine, field));
}

/**
 * Checks that every voxel is finite.
 * @throws PreprocessError `NON_FINITE_VOXELS` naming the first offending flat index and its value,
 *   and how many voxels are not finite.
 */
export function assertFiniteVoxels(data: ArrayLike<number>, scan: string): void {
  let first = -1;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first >= 0) {
    throw new PreprocessError('NON_FINITE_VOXELS', scan,
      `voxel data holds ${count} NaN/Inf value(s); first at flat index ${first} (value ${String(data[first])}). ` +
      'Fix or mask the scan before normalising.');
  }
}

/**
 * Checks that a volume is of the expected kind.
 * @throws PreprocessError `WRONG_VOLUME_KIND` naming the operation and the kind found.
 */
export function assertKind(volume: VolumeXYZ, kind: 'intensity' | 'label', operation: string, scan: string): void {
  if (volume.kind !== kind) {
    throw new PreprocessError('WRONG_VOLUME_KIND', scan,
      `${operation} needs kind '${kind}', got kind '${volume.kind}'` +
      (kind === 'intensity' ? ' (intensity transforms never touch label maps)' : ''));
  }
}

/**
 * Checks that `data.length` equals the product of `shapeXYZ` and that every extent is a positive integer.
 * @throws PreprocessError `SHAPE_MISMATCH`.
 */
export function assertShapeMatchesData(shapeXYZ: readonly number[], data: { length: number }, scan: string): void {
  if (shapeXYZ.length !== 3 || !shapeXYZ.every((n) => Number.isInteger(n) && n > 0)) {
    throw new PreprocessError('SHAPE_MISMATCH', scan, `shapeXYZ must be three positive integers, got [${shapeXYZ.join(', ')}]`);
  }
  const n = shapeXYZ[0]! * shapeXYZ[1]! * shapeXYZ[2]!;
  if (n !== data.length) {
    throw new PreprocessError('SHAPE_MISMATCH', scan,
      `shapeXYZ [${shapeXYZ.join(', ')}] holds ${n} voxels but data has length ${data.length}`);
  }
}

/** Copies any voxel array to float32 (InnerEye casts every image to float32 on load). */
export function toFloat32(data: VoxelArray): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}
