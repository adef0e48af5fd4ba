import type { ShapeZYX } from '@seahorse/io';
import { InferenceRuntimeError } from '../errors.js';
import type { TilingPlan } from '../tiling/plan.js';
import { slidingWindowInference } from '../tiling/sliding-window.js';
import { addPosteriorsInPlace, argmaxClasses, dividePosteriorsInPlace } from './aggregate.js';
import { keepLargestComponent } from './largest-component.js';

/** Progress of an ensemble prediction: patch `patch` (1-based) of `patches` for member `member` (1-based) of `members`. */
export interface EnsembleProgress {
  readonly member: number;
  readonly members: number;
  readonly memberName: string;
  readonly patch: number;
  readonly patches: number;
}

/**
 * What runs the members' network passes: the runtime's `OnnxSessionHost`, or anything with its
 * `members` and `run`.
 */
export interface MemberRunner {
  /** The ensemble members, in manifest order. */
  readonly members: readonly { readonly name: string }[];
  /** Member `member`'s posteriors `[K, Z, Y, X]` for one `[C, Z, Y, X]` block. */
  run(member: number, inputCZYX: Float32Array, channels: number, shapeZYX: ShapeZYX): Promise<Float32Array>;
}

/** Inputs of {@link predictEnsemble}. */
export interface PredictEnsembleInput {
  /** Runs the ensemble members (e.g. a started `OnnxSessionHost`), in manifest order. */
  readonly runner: MemberRunner;
  /** Normalised network input `[Cin, Z, Y, X]` float32, x fastest. Not modified. */
  readonly inputCZYX: Float32Array;
  readonly inputChannels: number;
  readonly shapeZYX: ShapeZYX;
  /** Number of classes K (output channels). */
  readonly classes: number;
  /** From `planTiling(shapeZYX, …)`. */
  readonly plan: TilingPlan;
  /** Class indices (≥ 1) whose largest 6-connected component alone is kept. Default none. */
  readonly largestComponentClasses?: readonly number[];
  /** Called after every patch, e.g. to heartbeat a Temporal activity. */
  readonly onProgress?: (p: EnsembleProgress) => void;
}

/** Result of {@link predictEnsemble}, on the unpadded `[Z, Y, X]` grid of the input. */
export interface EnsemblePrediction {
  /** Mean posteriors `[K, Z, Y, X]` float32. */
  readonly posteriorsCZYX: Float32Array;
  /** Argmax of the mean posteriors (ties → lowest class), after optional largest-component. `[Z, Y, X]`. */
  readonly segmentationZYX: Uint8Array;
  /** Voxels set to background by the largest-component step, per listed class index. */
  readonly removedByLargestComponent: Readonly<Record<number, number>>;
}

/**
 * Runs every member over the volume in turn (one member's pass resident at a time), sums their
 * float32 posteriors in manifest order, divides by the member count, takes the argmax (ties to the
 * lowest class) and optionally keeps each listed class's largest 6-connected component. This is
 * InnerEye's `EnsemblePipeline` followed by `post_process`.
 * @throws InferenceRuntimeError from the runner (`WORKER_FAILED`, `MODEL_IO_MISMATCH`, `CANCELLED`) or for shapes.
 * @example
 * const plan = planTiling([Z, Y, X], { mode: 'innereye' });
 * const { segmentationZYX } = await predictEnsemble({ runner: host, inputCZYX, inputChannels: 1, shapeZYX: [Z, Y, X], classes: 3, plan });
 */
export async function predictEnsemble(input: PredictEnsembleInput): Promise<EnsemblePrediction> {
  const { runner, inputCZYX, inputChannels, shapeZYX, classes, plan } = input;
  const members = runner.members.length;
  if (members === 0) throw new InferenceRuntimeError('INVALID_OPTIONS', 'the runner holds no ensemble members');
  let sum: Float32Array | undefined;
  for (let m = 0; m < members; m++) {
    const memberName = runner.members[m]!.name;
    const posteriors = await slidingWindowInference(
      inputCZYX, inputChannels, classes, plan,
      (patch, patchZYX) => runner.run(m, patch, inputChannels, patchZYX),
      ({ index, count }) => input.onProgress?.({ member: m + 1, members, memberName, patch: index + 1, patches: count }),
    );
    if (sum === undefined) sum = posteriors;
    else addPosteriorsInPlace(sum, posteriors);
  }
  dividePosteriorsInPlace(sum!, members);
  const segmentationZYX = argmaxClasses(sum!, classes, shapeZYX);
  const removed: Record<number, number> = {};
  for (const c of input.largestComponentClasses ?? []) removed[c] = keepLargestComponent(segmentationZYX, shapeZYX, c);
  return { posteriorsCZYX: sum!, segmentationZYX, removedByLargestComponent: removed };
}
