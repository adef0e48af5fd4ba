import { accumulatePatchCZYX, extractPatchCZYX, normaliseByWeights, overwritePatchCZYX } from './accumulate.js';
import { InferenceRuntimeError } from '../errors.js';
import { gaussianImportanceMap } from './importance-map.js';
import { cropPaddingCZYX, padCZYX } from './pad.js';
import type { TilingPlan } from './plan.js';
import { assertLengthCZYX, voxelCount } from './shape.js';
import type { ShapeZYX } from '@seahorse/io';

/**
 * One network pass: a `[Cin, Pz, Py, Px]` patch in, a `[Cout, Pz, Py, Px]` posterior patch out
 * (both x fastest). May be async (an ONNX session in the session host process).
 */
export type PatchPredictor = (patchCZYX: Float32Array, patchZYX: ShapeZYX) => Float32Array | Promise<Float32Array>;

/** Progress of a tiled pass: patch `index` (0-based) of `count` is done. */
export type PatchProgress = (done: { index: number; count: number }) => void;

/**
 * Runs a predictor over a volume following a {@link TilingPlan}: pad → for each window (in plan
 * order) extract → predict → overwrite or accumulate → normalise → crop padding.
 * @param inputCZYX - `[Cin, Z, Y, X]` float32, x fastest, already normalised.
 * @param inputChannels - Cin.
 * @param outputChannels - Cout (the number of classes).
 * @returns `[Cout, Z, Y, X]` float32 on the unpadded grid.
 * @throws InferenceRuntimeError `INVALID_SHAPE` when an array length does not match its shape.
 */
export async function slidingWindowInference(
  inputCZYX: Float32Array, inputChannels: number, outputChannels: number, plan: TilingPlan,
  predictor: PatchPredictor, onPatch?: PatchProgress,
): Promise<Float32Array> {
  assertLengthCZYX(inputCZYX, inputChannels, plan.shapeZYX, 'network input');
  const padded = padCZYX(inputCZYX, inputChannels, plan.shapeZYX, plan.padding, plan.padValue);
  const shape = plan.paddedShapeZYX;
  const out = new Float32Array(outputChannels * voxelCount(shape));
  const weights = plan.blend === 'gaussian' ? new Float32Array(voxelCount(shape)) : undefined;
  const importance = plan.blend === 'gaussian' ? gaussianImportanceMap(plan.patchZYX, plan.sigmaScale) : undefined;
  const count = plan.windows.length;
  for (let i = 0; i < count; i++) {
    const w = plan.windows[i]!;
    const isWholeVolume = count === 1 && w.sizeZYX.every((s, k) => s === shape[k]);
    const patch = isWholeVolume ? padded : extractPatchCZYX(padded, inputChannels, shape, w);
    const result = await predictor(patch, w.sizeZYX);
    if (result.length !== outputChannels * voxelCount(w.sizeZYX)) {
      throw new InferenceRuntimeError('MODEL_IO_MISMATCH',
        `predictor returned ${result.length} values for a [${w.sizeZYX.join(', ')}] patch; expected ${outputChannels} channels (${outputChannels * voxelCount(w.sizeZYX)} values)`);
    }
    if (weights && importance) accumulatePatchCZYX(out, weights, outputChannels, shape, w, result, importance);
    else overwritePatchCZYX(out, outputChannels, shape, w, result);
    onPatch?.({ index: i, count });
  }
  if (weights) normaliseByWeights(out, weights, outputChannels);
  return cropPaddingCZYX(out, outputChannels, plan.shapeZYX, plan.padding);
}
