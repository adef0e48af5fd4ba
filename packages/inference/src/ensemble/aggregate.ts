import type { ShapeZYX } from '@seahorse/io';
import { InferenceRuntimeError } from '../errors.js';
import { voxelCount } from '../tiling/shape.js';

/**
 * Adds one member's posteriors into a running float32 sum, in place: `sum[i] = fround(sum[i] + p[i])`,
 * exactly as numpy's float32 `+=` (InnerEye's `aggregate.posteriors += r.posteriors`).
 * @throws InferenceRuntimeError `INVALID_SHAPE` when the lengths differ.
 */
export function addPosteriorsInPlace(sumCZYX: Float32Array, memberCZYX: Float32Array): void {
  if (sumCZYX.length !== memberCZYX.length) {
    throw new InferenceRuntimeError('INVALID_SHAPE', `cannot add posteriors of ${memberCZYX.length} values to a sum of ${sumCZYX.length}`);
  }
  for (let i = 0; i < sumCZYX.length; i++) sumCZYX[i] = sumCZYX[i]! + memberCZYX[i]!;
}

/** Divides a float32 posterior sum by the member count in place (`fround(sum / n)`, numpy's float32 `/=`). */
export function dividePosteriorsInPlace(sumCZYX: Float32Array, memberCount: number): void {
  if (!Number.isInteger(memberCount) || memberCount < 1) {
    throw new InferenceRuntimeError('INVALID_OPTIONS', `member count must be a positive integer, got ${memberCount}`);
  }
  for (let i = 0; i < sumCZYX.length; i++) sumCZYX[i] = sumCZYX[i]! / memberCount;
}

/**
 * The mean of members' `[C, Z, Y, X]` float32 posteriors: sum in the given (manifest) order, then
 * divide by the count. Order matters only for float32 rounding; it is InnerEye's.
 * @returns a new Float32Array.
 * @example
 * meanPosteriors([p0, p1, p2, p3, p4]) // (((p0 + p1) + p2) + p3) + p4) / 5, in float32
 */
export function meanPosteriors(membersCZYX: readonly Float32Array[]): Float32Array {
  if (membersCZYX.length === 0) throw new InferenceRuntimeError('INVALID_OPTIONS', 'meanPosteriors needs at least one member, got 0');
  const sum = Float32Array.from(membersCZYX[0]!);
  for (let m = 1; m < membersCZYX.length; m++) addPosteriorsInPlace(sum, membersCZYX[m]!);
  dividePosteriorsInPlace(sum, membersCZYX.length);
  return sum;
}

/**
 * Class index per voxel: argmax over channels of `[C, Z, Y, X]` posteriors; ties go to the LOWEST
 * class index (numpy's first maximum: background > class 1 > class 2 …).
 * @returns Uint8Array `[Z, Y, X]`, x fastest.
 * @throws InferenceRuntimeError `INVALID_SHAPE` for a length mismatch or more than 256 classes.
 */
export function argmaxClasses(posteriorsCZYX: Float32Array, classes: number, shapeZYX: ShapeZYX): Uint8Array {
  const n = voxelCount(shapeZYX);
  if (posteriorsCZYX.length !== classes * n || classes < 1 || classes > 256) {
    throw new InferenceRuntimeError('INVALID_SHAPE', `argmax: ${posteriorsCZYX.length} values do not fit ${classes} classes × [${shapeZYX.join(', ')}] (at most 256 classes)`);
  }
  const seg = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = posteriorsCZYX[i]!;
    let arg = 0;
    for (let c = 1; c < classes; c++) {
      const v = posteriorsCZYX[c * n + i]!;
      if (v > best) { best = v; arg = c; }
    }
    seg[i] = arg;
  }
  return seg;
}
