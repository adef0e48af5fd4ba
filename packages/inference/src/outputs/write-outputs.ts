import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeNifti, type ShapeZYX, type VolumeXYZ } from '@seahorse/io';
import { InferenceRuntimeError } from '../errors.js';
import { voxelCount } from '../tiling/shape.js';
import { normalisedEntropy, posteriorsToBytes } from './posterior-bytes.js';

/** File names InnerEye writes per subject (and Seahorse with it). */
export const SEGMENTATION_FILE = 'segmentation.nii.gz';
export const UNCERTAINTY_FILE = 'uncertainty.nii.gz';
/** `posterior_<class>.nii.gz`. */
export function posteriorFileName(className: string): string {
  return `posterior_${className}.nii.gz`;
}

/** Inputs of {@link writeInferenceOutputs}. */
export interface InferenceOutputs {
  /**
   * The volume whose grid the outputs are on (the input scan as read): its `shapeXYZ` and `affine`
   * (and NIfTI header codes, when it carries them) are copied into every output file.
   */
  readonly reference: VolumeXYZ;
  /** `[Z, Y, X]` labels on the reference grid (x fastest, so it is also the `[X, Y, Z]` NIfTI order). */
  readonly segmentationZYX: Uint8Array;
  /** `[K, Z, Y, X]` float32 posteriors on the reference grid. */
  readonly posteriorsCZYX: Float32Array;
  /** K class names, in channel order (index 0 background). */
  readonly classNames: readonly string[];
}

/** Paths written by {@link writeInferenceOutputs}. */
export interface WrittenOutputs {
  readonly segmentation: string;
  readonly posteriors: Readonly<Record<string, string>>;
  readonly uncertainty: string;
}

/**
 * Writes InnerEye's per-subject outputs into `folder` (created if needed), each atomically (temp file
 * in the same folder, then rename), all on the reference scan's grid with its geometry:
 * - `segmentation.nii.gz`: uint8 labels;
 * - `posterior_<class>.nii.gz`: uint8, `trunc(fround(p·255))` (see `posteriorToByte`);
 * - `uncertainty.nii.gz`: uint8 of the normalised entropy, scaled the same way (InnerEye stores it
 *   with `store_posteriors_as_nifti` too).
 * @throws InferenceRuntimeError `INVALID_SHAPE` when an array does not fit the reference grid;
 *   `OUTPUT_WRITE_FAILED` when the folder cannot be created; NiftiWriteError from `@seahorse/io`.
 * @example
 * writeInferenceOutputs('out/sub-01', { reference: t1, segmentationZYX, posteriorsCZYX, classNames: ['background', 'L', 'R'] });
 */
export function writeInferenceOutputs(folder: string, outputs: InferenceOutputs): WrittenOutputs {
  const { reference, segmentationZYX, posteriorsCZYX, classNames } = outputs;
  const [X, Y, Z] = reference.shapeXYZ;
  const shapeZYX: ShapeZYX = [Z, Y, X];
  const n = voxelCount(shapeZYX);
  const K = classNames.length;
  if (segmentationZYX.length !== n || posteriorsCZYX.length !== K * n) {
    throw new InferenceRuntimeError('INVALID_SHAPE',
      `outputs for ${folder}: segmentation has ${segmentationZYX.length} values and posteriors ${posteriorsCZYX.length}; the reference grid [x=${X}, y=${Y}, z=${Z}] needs ${n} and ${K}×${n}`);
  }
  try {
    mkdirSync(folder, { recursive: true });
  } catch (err) {
    throw new InferenceRuntimeError('OUTPUT_WRITE_FAILED', `cannot create output folder ${folder}: ${(err as Error).message}`, { cause: err });
  }
  const header = (reference as { header?: unknown }).header;
  const like = (data: Uint8Array, kind: 'label' | 'intensity') =>
    ({ data, shapeXYZ: reference.shapeXYZ, affine: reference.affine, kind, ...(header ? { header } : {}) }) as VolumeXYZ;
  const segmentation = path.join(folder, SEGMENTATION_FILE);
  writeNifti(segmentation, like(segmentationZYX, 'label'), { datatype: 'uint8', description: 'Seahorse segmentation' });
  const posteriors: Record<string, string> = {};
  classNames.forEach((name, c) => {
    const file = path.join(folder, posteriorFileName(name));
    writeNifti(file, like(posteriorsToBytes(posteriorsCZYX.subarray(c * n, (c + 1) * n)), 'intensity'),
      { datatype: 'uint8', description: `Seahorse posterior ${name} x255` });
    posteriors[name] = file;
  });
  const uncertainty = path.join(folder, UNCERTAINTY_FILE);
  writeNifti(uncertainty, like(posteriorsToBytes(normalisedEntropy(posteriorsCZYX, K, shapeZYX)), 'intensity'),
    { datatype: 'uint8', description: 'Seahorse normalised entropy x255' });
  return { segmentation, posteriors, uncertainty };
}
