import type { ShapeZYX } from '@seahorse/io';
import { InferenceRuntimeError } from '../errors.js';
import { voxelCount } from '../tiling/shape.js';

/**
 * A posterior in [0, 1] as InnerEye stores it (`store_posteriors_as_nifti` → `LinearTransform` from
 * [0, 1] to [0, 255] in float32 with numpy 1.19 casting, `np.clip`, then `astype(ubyte)`, which
 * TRUNCATES): `trunc(clip(fround(p · 255), 0, 255))`. So 1 → 255, 0.5 → 127, 0.999 → 254.
 * @example
 * posteriorToByte(0.5) // 127
 */
export function posteriorToByte(p: number): number {
  const v = Math.fround(Math.fround(p) * 255);
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
}

/** {@link posteriorToByte} over an array (e.g. one class's `[Z, Y, X]` posteriors). */
export function posteriorsToBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = posteriorToByte(values[i]!);
  return out;
}

/**
 * InnerEye's uncertainty map (`compute_uncertainty_map_from_posteriors`): the normalised Shannon
 * entropy `−Σ_c p·log2 p / log2(C)` per voxel, in [0, 1] (1 = uniform posteriors). Computed in float32
 * as numpy does it on float32 posteriors: terms with p = 0 are skipped (`nansum` of `0·log2 0`),
 * classes are summed in order, `log2` values are rounded to float32.
 * @param posteriorsCZYX - `[C, Z, Y, X]` float32, x fastest.
 * @returns Float32Array `[Z, Y, X]`.
 */
export function normalisedEntropy(posteriorsCZYX: Float32Array, classes: number, shapeZYX: ShapeZYX): Float32Array {
  const n = voxelCount(shapeZYX);
  if (posteriorsCZYX.length !== classes * n || classes < 2) {
    throw new InferenceRuntimeError('INVALID_SHAPE', `entropy: ${posteriorsCZYX.length} values do not fit ${classes} classes (≥ 2) × [${shapeZYX.join(', ')}]`);
  }
  const norm = Math.fround(Math.log2(classes));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < classes; c++) {
      const p = posteriorsCZYX[c * n + i]!;
      if (p > 0) s = Math.fround(s + Math.fround(p * Math.fround(Math.log2(p))));
    }
    out[i] = Math.fround(-s / norm);
  }
  return out;
}
