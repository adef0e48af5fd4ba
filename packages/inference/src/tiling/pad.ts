import type { ShapeZYX } from '@seahorse/io';
import type { PadPlacement } from '@seahorse/model-package';
import { InferenceRuntimeError } from '../errors.js';
import { assertLengthCZYX, voxelCount } from './shape.js';

/** Padding per axis, in voxels, `[z, y, x]` order. */
export interface PaddingZYX {
  readonly beforeZYX: readonly [number, number, number];
  readonly afterZYX: readonly [number, number, number];
}

/**
 * The padding that brings each axis of `shapeZYX` up to the next multiple of `multiple`.
 * @param shapeZYX - `[Z, Y, X]` in voxels.
 * @param multiple - positive integer (InnerEye: 16). 1 means no padding.
 * @param placement - see {@link PadPlacement}. Default `'split'`.
 * @throws InferenceRuntimeError `INVALID_OPTIONS` when `multiple` is not a positive integer.
 * @example
 * padToMultipleZYX([37, 40, 33], 16) // { beforeZYX: [6, 4, 8], afterZYX: [5, 4, 7] } → 48, 48, 48
 */
export function padToMultipleZYX(shapeZYX: ShapeZYX, multiple: number, placement: PadPlacement = 'split'): PaddingZYX {
  if (!Number.isInteger(multiple) || multiple < 1) {
    throw new InferenceRuntimeError('INVALID_OPTIONS', `padMultiple must be a positive integer, got ${multiple}`);
  }
  const before: number[] = [];
  const after: number[] = [];
  for (const n of shapeZYX) {
    const p = Math.ceil(n / multiple) * multiple - n;
    const b = placement === 'split' ? Math.ceil(p / 2) : 0;
    before.push(b);
    after.push(p - b);
  }
  return { beforeZYX: [before[0]!, before[1]!, before[2]!], afterZYX: [after[0]!, after[1]!, after[2]!] };
}

/** The shape after padding: `shape + before + after` per axis. */
export function paddedShapeZYX(shapeZYX: ShapeZYX, padding: PaddingZYX): ShapeZYX {
  return [
    shapeZYX[0] + padding.beforeZYX[0] + padding.afterZYX[0],
    shapeZYX[1] + padding.beforeZYX[1] + padding.afterZYX[1],
    shapeZYX[2] + padding.beforeZYX[2] + padding.afterZYX[2],
  ];
}

/**
 * Pads a channel-first `[C, Z, Y, X]` array (x fastest) with a constant.
 * @param dataCZYX - `C * Z * Y * X` values.
 * @param value - the fill value. Default 0 (InnerEye pads the normalised image with 0.0).
 * @returns a new Float32Array of shape `[C, Z', Y', X']`.
 * @throws InferenceRuntimeError `INVALID_SHAPE` when the length does not match.
 */
export function padCZYX(
  dataCZYX: Float32Array, channels: number, shapeZYX: ShapeZYX, padding: PaddingZYX, value = 0,
): Float32Array {
  assertLengthCZYX(dataCZYX, channels, shapeZYX, 'padCZYX input');
  const [Z, Y, X] = shapeZYX;
  const [Zp, Yp, Xp] = paddedShapeZYX(shapeZYX, padding);
  const [bz, by, bx] = padding.beforeZYX;
  const out = new Float32Array(channels * Zp * Yp * Xp);
  if (value !== 0) out.fill(value);
  for (let c = 0; c < channels; c++) {
    for (let z = 0; z < Z; z++) {
      for (let y = 0; y < Y; y++) {
        const src = ((c * Z + z) * Y + y) * X;
        const dst = ((c * Zp + z + bz) * Yp + y + by) * Xp + bx;
        out.set(dataCZYX.subarray(src, src + X), dst);
      }
    }
  }
  return out;
}

/**
 * Crops padding back off a channel-first `[C, Z', Y', X']` array: the inverse of {@link padCZYX}.
 * @param shapeZYX - the ORIGINAL (unpadded) shape.
 * @returns a new Float32Array of shape `[C, Z, Y, X]`.
 */
export function cropPaddingCZYX(
  paddedCZYX: Float32Array, channels: number, shapeZYX: ShapeZYX, padding: PaddingZYX,
): Float32Array {
  const paddedShape = paddedShapeZYX(shapeZYX, padding);
  assertLengthCZYX(paddedCZYX, channels, paddedShape, 'cropPaddingCZYX input');
  const [Z, Y, X] = shapeZYX;
  const [Zp, Yp, Xp] = paddedShape;
  const [bz, by, bx] = padding.beforeZYX;
  const out = new Float32Array(channels * voxelCount(shapeZYX));
  for (let c = 0; c < channels; c++) {
    for (let z = 0; z < Z; z++) {
      for (let y = 0; y < Y; y++) {
        const src = ((c * Zp + z + bz) * Yp + y + by) * Xp + bx;
        out.set(paddedCZYX.subarray(src, src + X), ((c * Z + z) * Y + y) * X);
      }
    }
  }
  return out;
}
