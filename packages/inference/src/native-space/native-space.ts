/**
 * The way back from the model's grid to the scan's (nnU-Net v2's "revert preprocessing" step, as
 * one module): an ensemble prediction made in model space becomes posteriors and a segmentation on
 * the scan's own grid, which is where every output file is written.
 */

import { orientationCodes, type GridXYZ, type ShapeZYX, type VolumeXYZ } from '@seahorse/io';
import { reorient, resampleToGrid } from '@seahorse/preprocess';
import { argmaxClasses } from '../ensemble/aggregate.js';
import { keepLargestComponent } from '../ensemble/largest-component.js';
import { assertLengthCZYX } from '../tiling/shape.js';

/**
 * How the model's grid relates to the scan's:
 * - `'none'`: the same grid (InnerEye: native spacing and orientation);
 * - `'reorient'`: the same voxels with axes permuted and flipped (a `targetOrientation`, or a
 *   `targetSpacingXYZ` the scan already has): mapped back losslessly;
 * - `'resample'`: another spacing: posteriors resampled linearly onto the scan's grid.
 */
export type ModelToScan = 'none' | 'reorient' | 'resample';

/** Posteriors and their segmentation on one grid, `[K, Z, Y, X]` and `[Z, Y, X]`, x fastest. */
export interface GridPrediction {
  readonly posteriorsCZYX: Float32Array;
  readonly segmentationZYX: Uint8Array;
}

/** Inputs of {@link predictionOnScanGrid}. */
export interface NativeSpaceOptions {
  /** The grid the network saw (the prepared input's shape and affine). */
  readonly modelGrid: GridXYZ;
  /** The scan's own grid (`gridOf(scan)`). */
  readonly scanGrid: GridXYZ;
  /** How the two relate; see {@link ModelToScan}. */
  readonly relation: ModelToScan;
  /** Number of classes K. */
  readonly classes: number;
  /** Class indices (≥ 1) whose largest 6-connected component alone is kept (the manifest's post-processing). Default none. */
  readonly largestComponentClasses?: readonly number[];
  /** Name used in error messages. Default `'scan'`. */
  readonly scanName?: string;
}

/**
 * Maps an ensemble prediction from the model's grid onto the scan's.
 *
 * With `relation: 'none'` the prediction is returned as it is. Otherwise each class's posterior is
 * mapped back (`'reorient'`: the inverse permutation and flips; `'resample'`: linear interpolation
 * onto the scan's grid, `resampleToGrid`), the segmentation is recomputed as their argmax (ties to
 * the lowest class), and the largest-component step is applied again, on the scan's grid.
 *
 * @param prediction - On the model grid: mean posteriors `[K, Z, Y, X]` and their segmentation
 *   (after any largest-component step).
 * @returns Posteriors `[K, Z', Y', X']` and segmentation `[Z', Y', X']` on the scan's grid.
 * @throws InferenceRuntimeError `INVALID_SHAPE` when the posteriors do not fit `classes` × the model
 *   grid; PreprocessError from `reorient` / `resampleToGrid`.
 * @example
 * const onScan = predictionOnScanGrid(prediction, { modelGrid: gridOf(prepared), scanGrid: gridOf(scan), relation: 'resample', classes: 3 });
 */
export function predictionOnScanGrid(prediction: GridPrediction, options: NativeSpaceOptions): GridPrediction {
  const { modelGrid, scanGrid, relation, classes } = options;
  const name = options.scanName ?? 'scan';
  const [mx, my, mz] = modelGrid.shapeXYZ;
  assertLengthCZYX(prediction.posteriorsCZYX, classes, [mz, my, mx], `${name}: model-space posteriors`);
  if (relation === 'none') return prediction;
  const n = mx * my * mz;
  const scanCodes = orientationCodes(scanGrid.affine);
  const [sx, sy, sz] = scanGrid.shapeXYZ;
  const ns = sx * sy * sz;
  const posteriorsCZYX = new Float32Array(classes * ns);
  for (let c = 0; c < classes; c++) {
    const channel: VolumeXYZ<Float32Array> = {
      data: prediction.posteriorsCZYX.subarray(c * n, (c + 1) * n).slice(), shapeXYZ: modelGrid.shapeXYZ, affine: modelGrid.affine, kind: 'intensity',
    };
    const back = relation === 'reorient'
      ? reorient(channel, scanCodes, { scan: name })
      : resampleToGrid(channel, scanGrid, { interpolation: 'linear', scan: name });
    posteriorsCZYX.set(back.data, c * ns);
  }
  const scanShapeZYX: ShapeZYX = [sz, sy, sx];
  const segmentationZYX = argmaxClasses(posteriorsCZYX, classes, scanShapeZYX);
  for (const c of options.largestComponentClasses ?? []) keepLargestComponent(segmentationZYX, scanShapeZYX, c);
  return { posteriorsCZYX, segmentationZYX };
}
