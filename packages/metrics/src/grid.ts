import type { VolumeZYX } from '@seahorse/io';
import { MetricsError } from './errors.js';

/**
 * Checks that a volume's shape and spacing are usable: positive integer sizes whose product is
 * `data.length`, and finite positive spacings.
 * @param what - Names the volume in the error message, e.g. `"ground truth 'hippocampus_L' of subject 7"`.
 * @throws MetricsError `BAD_SHAPE` when the shape is not 3 positive integers or disagrees with `data.length`.
 * @throws MetricsError `BAD_SPACING` when a spacing is not a finite number > 0.
 * @example
 * ```ts
 * assertValidGrid({ data: new Uint8Array(8), shapeZYX: [2, 2, 2], spacingZYX: [1, 1, 1] }, 'mask');
 * ```
 */
export function assertValidGrid(volume: VolumeZYX, what: string): void {
  const s = volume.shapeZYX;
  if (s.length !== 3 || s.some((n) => !Number.isInteger(n) || n <= 0)) {
    throw new MetricsError('BAD_SHAPE', `${what}: shapeZYX must be 3 positive integers, got [${s.join(', ')}]`);
  }
  if (s[0] * s[1] * s[2] !== volume.data.length) {
    throw new MetricsError('BAD_SHAPE',
      `${what}: shapeZYX [${s.join(', ')}] holds ${s[0] * s[1] * s[2]} voxels but data has ${volume.data.length}`);
  }
  const sp = volume.spacingZYX;
  if (sp.length !== 3 || sp.some((v) => !Number.isFinite(v) || v <= 0)) {
    throw new MetricsError('BAD_SPACING', `${what}: spacingZYX must be 3 finite numbers > 0 mm, got [${sp.join(', ')}]`);
  }
}

/**
 * Checks that two volumes lie on the same voxel grid: equal `shapeZYX` and `spacingZYX` equal
 * within `rtol` (relative). Both must also pass {@link assertValidGrid}.
 * @param rtol - Relative spacing tolerance. Default `1e-6`.
 * @throws MetricsError `SHAPE_MISMATCH` or `SPACING_MISMATCH`, printing both values.
 * @example
 * ```ts
 * assertSameGrid(prediction, groundTruth, 'prediction', 'ground truth');
 * ```
 */
export function assertSameGrid(a: VolumeZYX, b: VolumeZYX, whatA: string, whatB: string, rtol = 1e-6): void {
  assertValidGrid(a, whatA);
  assertValidGrid(b, whatB);
  const sa = a.shapeZYX;
  const sb = b.shapeZYX;
  if (sa[0] !== sb[0] || sa[1] !== sb[1] || sa[2] !== sb[2]) {
    throw new MetricsError('SHAPE_MISMATCH',
      `${whatA} has shapeZYX [${sa.join(', ')}] but ${whatB} has [${sb.join(', ')}]; resample one onto the other's grid`);
  }
  for (let d = 0; d < 3; d++) {
    const x = a.spacingZYX[d]!;
    const y = b.spacingZYX[d]!;
    if (Math.abs(x - y) > rtol * Math.max(Math.abs(x), Math.abs(y))) {
      throw new MetricsError('SPACING_MISMATCH',
        `${whatA} has spacingZYX [${a.spacingZYX.join(', ')}] mm but ${whatB} has [${b.spacingZYX.join(', ')}] mm`);
    }
  }
}
