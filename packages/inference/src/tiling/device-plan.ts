import type { ShapeZYX } from '@seahorse/io';
import type { PadPlacement, TilingMode } from '@seahorse/model-package';
import { InferenceRuntimeError } from '../errors.js';
import { padToMultipleZYX, paddedShapeZYX } from './pad.js';
import { largestTileWithinBudget } from './plan.js';
import { voxelCount } from './shape.js';

/** A GPU's memory, in bytes (from `nvidia-smi`, see `gpuMemory`). */
export interface DeviceMemory {
  readonly totalBytes: number;
  readonly freeBytes: number;
}

/**
 * What a GPU keeps for itself besides one pass's activations: the CUDA context, cuDNN's and
 * cuBLAS's workspaces and the five members' weights (8 M parameters each, 32 MB). 1.5 GiB.
 */
export const GPU_RESERVE_BYTES = 1.5 * 2 ** 30;

/**
 * Peak bytes per input voxel of one pass on a GPU. Not yet measured on a GPU: the CPU's figure
 * (about 720 B/voxel for the full-size InnerEye UNet3D, rounded up to 800) is used, since the
 * network's activations are the same float32 tensors; `scripts/gpu-bench.sh` records the real peak.
 */
export const GPU_BYTES_PER_VOXEL = 800;

/** The inputs of {@link planForDeviceMemory}. */
export interface DevicePlanInput {
  /** The network input's unpadded `[Z, Y, X]`. */
  readonly shapeZYX: ShapeZYX;
  /** The model's patch (`inference.patchSizeZYX`). */
  readonly patchZYX: ShapeZYX;
  readonly padMultiple: number;
  readonly padPlacement: PadPlacement;
  /** Overlap of `gaussian` windows and of `whole`'s fallback. */
  readonly overlap: number;
  /** The mode asked for; absent: `whole` when the padded volume fits in one pass, else `innereye`. */
  readonly mode?: TilingMode;
  /** Default {@link GPU_BYTES_PER_VOXEL}. */
  readonly bytesPerVoxel?: number;
}

/** A GPU-sized plan: what `planTiling` is then given. */
export interface DevicePlan {
  readonly mode: TilingMode;
  /** The patch of one pass: the padded volume (`whole`), the model's patch (`innereye`), the largest that fits (`gaussian`, `whole`'s fallback). */
  readonly patchZYX: ShapeZYX;
  /** Bytes one pass may use: the free memory less {@link GPU_RESERVE_BYTES}, 90% of it. */
  readonly memoryBudgetBytes: number;
  readonly bytesPerVoxel: number;
  /** Whether one pass of `patchZYX` fits in the budget (`innereye`'s patch is fixed: it may not). */
  readonly fits: boolean;
  /** One line: why this plan. */
  readonly reason: string;
}

const MiB = 2 ** 20;

/**
 * Chooses `whole` mode, the patch size and the memory budget of one pass from a GPU's memory: a
 * pure function. `innereye` keeps the model's patch (its crops are InnerEye's, result for
 * result); `whole` runs the padded volume in one pass when it fits and otherwise falls back to the
 * largest tiles that do; `gaussian` takes the largest tile that fits (fewer, bigger passes suit a GPU).
 * @throws InferenceRuntimeError `INVALID_OPTIONS` when the memory is not positive.
 * @example
 * planForDeviceMemory({ totalBytes: 141e9, freeBytes: 140e9 }, { shapeZYX: [256, 256, 256], patchZYX: [128, 176, 176],
 *   padMultiple: 16, padPlacement: 'split', overlap: 0.5 }).mode // 'whole'
 */
export function planForDeviceMemory(memory: DeviceMemory, input: DevicePlanInput): DevicePlan {
  if (!(memory.totalBytes > 0) || !(memory.freeBytes >= 0)) {
    throw new InferenceRuntimeError('INVALID_OPTIONS', `device memory: total ${memory.totalBytes} and free ${memory.freeBytes} bytes must be positive`);
  }
  const bytesPerVoxel = input.bytesPerVoxel ?? GPU_BYTES_PER_VOXEL;
  const budget = Math.max(0, Math.min(memory.freeBytes, memory.totalBytes) - GPU_RESERVE_BYTES) * 0.9;
  const padded = paddedShapeZYX(input.shapeZYX, padToMultipleZYX(input.shapeZYX, input.padMultiple, input.padPlacement));
  const maxVoxels = Math.floor(budget / bytesPerVoxel);
  const wholeFits = voxelCount(padded) <= maxVoxels;
  const mode: TilingMode = input.mode ?? (wholeFits ? 'whole' : 'innereye');
  const shape = (s: ShapeZYX) => s.join('×');
  const of = `${Math.round(budget / MiB)} MiB for one pass at ${bytesPerVoxel} B/voxel`;
  const tile = (): ShapeZYX | undefined => {
    try { return largestTileWithinBudget(padded, input.padMultiple, input.overlap, maxVoxels); } catch { return undefined; }
  };
  const common = { memoryBudgetBytes: budget, bytesPerVoxel };
  if (mode === 'innereye') {
    const patch: ShapeZYX = [Math.min(input.patchZYX[0], padded[0]), Math.min(input.patchZYX[1], padded[1]), Math.min(input.patchZYX[2], padded[2])];
    const fits = voxelCount(patch) <= maxVoxels;
    return { ...common, mode, patchZYX: patch, fits, reason: `innereye: the model's ${shape(patch)} patch ${fits ? 'fits' : 'does NOT fit'} in ${of}` };
  }
  if (mode === 'whole' && wholeFits) {
    return { ...common, mode, patchZYX: padded, fits: true, reason: `whole: the padded ${shape(padded)} volume fits in ${of}` };
  }
  const t = tile();
  if (!t) return { ...common, mode, patchZYX: [input.padMultiple, input.padMultiple, input.padMultiple], fits: false, reason: `${mode}: not even a ${input.padMultiple}³ tile fits in ${of}` };
  return { ...common, mode, patchZYX: t, fits: true, reason: `${mode}: ${mode === 'whole' ? `the ${shape(padded)} volume does not fit; ` : ''}${shape(t)} tiles fit in ${of}` };
}
