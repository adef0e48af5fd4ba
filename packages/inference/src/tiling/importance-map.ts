import type { ShapeZYX } from '@seahorse/io';
import { InferenceRuntimeError } from '../errors.js';
import { voxelCount } from './shape.js';

/**
 * A Gaussian importance map for blending overlapping patches (nnU-Net / MONAI style): the separable
 * product of `exp(−(i − c)² / (2σ²))` per axis with centre `c = floor(P / 2)` and `σ = sigmaScale · P`,
 * scaled to a maximum of 1 and floored at `minWeight` so that no voxel gets zero weight.
 * @param patchZYX - patch shape `[Z, Y, X]`.
 * @param sigmaScale - σ as a fraction of the patch length. Default 0.125 (⅛).
 * @param minWeight - smallest weight. Default 1e-3 (MONAI's floor).
 * @returns Float32Array `[Z, Y, X]`, x fastest.
 * @throws InferenceRuntimeError `INVALID_OPTIONS` when `sigmaScale ≤ 0`.
 * @example
 * const w = gaussianImportanceMap([16, 16, 16]); // w[8*256 + 8*16 + 8] === 1
 */
export function gaussianImportanceMap(patchZYX: ShapeZYX, sigmaScale = 0.125, minWeight = 1e-3): Float32Array {
  if (!(sigmaScale > 0)) throw new InferenceRuntimeError('INVALID_OPTIONS', `sigmaScale must be > 0, got ${sigmaScale}`);
  const axes = patchZYX.map((p) => {
    const c = Math.floor(p / 2);
    const sigma = sigmaScale * p;
    return Float64Array.from({ length: p }, (_, i) => Math.exp(-((i - c) ** 2) / (2 * sigma * sigma)));
  });
  const [wz, wy, wx] = axes as [Float64Array, Float64Array, Float64Array];
  const out = new Float32Array(voxelCount(patchZYX));
  let o = 0;
  for (let z = 0; z < patchZYX[0]; z++) {
    for (let y = 0; y < patchZYX[1]; y++) {
      const zy = wz[z]! * wy[y]!;
      for (let x = 0; x < patchZYX[2]; x++) out[o++] = Math.max(minWeight, zy * wx[x]!);
    }
  }
  return out;
}
