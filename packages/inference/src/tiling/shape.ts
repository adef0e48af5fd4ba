import type { ShapeZYX } from '@seahorse/io';
import { InferenceRuntimeError } from '../errors.js';

/** Number of voxels of a `[Z, Y, X]` shape. */
export function voxelCount(shapeZYX: ShapeZYX): number {
  return shapeZYX[0] * shapeZYX[1] * shapeZYX[2];
}

/**
 * Checks that a `[Z, Y, X]` shape holds three positive integers.
 * @throws InferenceRuntimeError `INVALID_SHAPE` naming `what` and the shape.
 */
export function assertShapeZYX(shapeZYX: readonly number[], what: string): asserts shapeZYX is ShapeZYX {
  if (shapeZYX.length !== 3 || !shapeZYX.every((n) => Number.isInteger(n) && n > 0)) {
    throw new InferenceRuntimeError('INVALID_SHAPE', `${what}: expected 3 positive integers [z, y, x], got [${shapeZYX.join(', ')}]`);
  }
}

/**
 * Checks that a channel-first array `[C, Z, Y, X]` (x fastest) has exactly `C * Z * Y * X` values.
 * @throws InferenceRuntimeError `INVALID_SHAPE` with both lengths.
 */
export function assertLengthCZYX(data: ArrayLike<number>, channels: number, shapeZYX: ShapeZYX, what: string): void {
  const want = channels * voxelCount(shapeZYX);
  if (data.length !== want) {
    throw new InferenceRuntimeError('INVALID_SHAPE',
      `${what}: ${data.length} values do not fit [C=${channels}, Z=${shapeZYX[0]}, Y=${shapeZYX[1]}, X=${shapeZYX[2]}] (${want} values)`);
  }
}
