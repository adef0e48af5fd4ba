import type { ShapeZYX } from '@seahorse/io';
import type { WindowZYX } from './windows.js';

/**
 * Copies one window out of a channel-first `[C, Z, Y, X]` volume into a new `[C, Pz, Py, Px]` patch.
 * Arrays are x fastest.
 */
export function extractPatchCZYX(
  volumeCZYX: Float32Array, channels: number, shapeZYX: ShapeZYX, window: WindowZYX,
): Float32Array {
  const [Z, Y, X] = shapeZYX;
  const [pz, py, px] = window.sizeZYX;
  const [z0, y0, x0] = window.startZYX;
  const out = new Float32Array(channels * pz * py * px);
  for (let c = 0; c < channels; c++) {
    for (let z = 0; z < pz; z++) {
      for (let y = 0; y < py; y++) {
        const src = ((c * Z + z0 + z) * Y + y0 + y) * X + x0;
        out.set(volumeCZYX.subarray(src, src + px), ((c * pz + z) * py + y) * px);
      }
    }
  }
  return out;
}

/**
 * InnerEye's aggregation (torchio `GridAggregator`, overlap 0): ASSIGNS a `[C, Pz, Py, Px]` patch to
 * its window of the `[C, Z, Y, X]` output, so a later patch overwrites an earlier one where they
 * overlap. No averaging.
 */
export function overwritePatchCZYX(
  outCZYX: Float32Array, channels: number, shapeZYX: ShapeZYX, window: WindowZYX, patchCZYX: Float32Array,
): void {
  const [Z, Y, X] = shapeZYX;
  const [pz, py, px] = window.sizeZYX;
  const [z0, y0, x0] = window.startZYX;
  for (let c = 0; c < channels; c++) {
    for (let z = 0; z < pz; z++) {
      for (let y = 0; y < py; y++) {
        const src = ((c * pz + z) * py + y) * px;
        outCZYX.set(patchCZYX.subarray(src, src + px), ((c * Z + z0 + z) * Y + y0 + y) * X + x0);
      }
    }
  }
}

/**
 * Weighted accumulation for blended tiling: `out += w · patch` per channel and `weightSum += w`, where
 * `w` is the `[Pz, Py, Px]` importance map. Sums are float32.
 */
export function accumulatePatchCZYX(
  outCZYX: Float32Array, weightSumZYX: Float32Array, channels: number, shapeZYX: ShapeZYX,
  window: WindowZYX, patchCZYX: Float32Array, importanceZYX: Float32Array,
): void {
  const [Z, Y, X] = shapeZYX;
  const [pz, py, px] = window.sizeZYX;
  const [z0, y0, x0] = window.startZYX;
  const pv = pz * py * px;
  for (let z = 0; z < pz; z++) {
    for (let y = 0; y < py; y++) {
      const wRow = (z * py + y) * px;
      const vRow = ((z0 + z) * Y + y0 + y) * X + x0;
      for (let x = 0; x < px; x++) weightSumZYX[vRow + x] = weightSumZYX[vRow + x]! + importanceZYX[wRow + x]!;
      for (let c = 0; c < channels; c++) {
        const oRow = c * Z * Y * X + vRow;
        const pRow = c * pv + wRow;
        for (let x = 0; x < px; x++) outCZYX[oRow + x] = outCZYX[oRow + x]! + importanceZYX[wRow + x]! * patchCZYX[pRow + x]!;
      }
    }
  }
}

/** Divides every channel of the accumulated `[C, Z, Y, X]` output by the weight sum, in place. */
export function normaliseByWeights(outCZYX: Float32Array, weightSumZYX: Float32Array, channels: number): void {
  const n = weightSumZYX.length;
  for (let c = 0; c < channels; c++) {
    const base = c * n;
    for (let i = 0; i < n; i++) outCZYX[base + i] = outCZYX[base + i]! / weightSumZYX[i]!;
  }
}
