import type { GridXYZ, VolumeXYZ } from '@seahorse/io';
import { resampleToGrid } from './resample.js';

/**
 * Model-space class posteriors mapped onto a scan's native grid as the inference runtime does it:
 * each class channel resampled linearly onto the native grid ({@link resampleToGrid}), then per
 * voxel the first class with the largest value (numpy's argmax). Native voxels outside the model
 * grid get 0 in every channel, hence label 0.
 * @param posteriors - Channel-major: channel c is `data[c*N, (c+1)*N)`, N = X·Y·Z of `model`, x fastest.
 */
export function nativeLabelsViaResample(posteriors: Float32Array, channels: number, model: GridXYZ, native: GridXYZ,
  scan?: string): VolumeXYZ<Uint8Array> {
  const n = model.shapeXYZ[0] * model.shapeXYZ[1] * model.shapeXYZ[2];
  const back = Array.from({ length: channels }, (_, c) => resampleToGrid(
    { data: posteriors.subarray(c * n, (c + 1) * n), shapeXYZ: model.shapeXYZ, affine: model.affine, kind: 'intensity' },
    native, { interpolation: 'linear', ...(scan !== undefined ? { scan } : {}) }));
  const first = back[0]!;
  const labels = new Uint8Array(first.data.length);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < channels; c++) if (back[c]!.data[i]! > back[best]!.data[i]!) best = c;
    labels[i] = best;
  }
  return { data: labels, shapeXYZ: first.shapeXYZ, affine: first.affine, kind: 'label' };
}
