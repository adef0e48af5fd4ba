import type { Mat4 } from '@seahorse/io';
import { PreprocessError } from './errors.js';

/**
 * Small float64 helpers for 4×4 voxel-to-world affines, row-major (`m[4 * row + col]`), as in
 * `@seahorse/io`'s `VolumeXYZ.affine`.
 */

/** Element (row, col) of a row-major 4×4. */
export function at(m: Mat4, row: number, col: number): number {
  return m[4 * row + col]!;
}

/** `a · b` for row-major 4×4 matrices, each entry summed in column order k = 0..3. */
export function multiplyAffine(a: Mat4, b: Mat4): Mat4 {
  const out = new Float64Array(16);
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[4 * r + k]! * b[4 * k + c]!;
      out[4 * r + c] = s;
    }
  }
  return out;
}

/** Voxel spacing in mm, `[x, y, z]`: the lengths of the affine's first three columns. */
export function spacingXYZOf(affine: Mat4): [number, number, number] {
  const s = (c: number) => Math.hypot(at(affine, 0, c), at(affine, 1, c), at(affine, 2, c));
  return [s(0), s(1), s(2)];
}

/**
 * Checks an affine is usable: 16 finite numbers, last row `[0, 0, 0, 1]`, and a 3×3 part that is
 * well conditioned (|det| ≥ 1e-6 × product of column lengths, i.e. the voxel axes are not
 * (nearly) coplanar, and no column is zero).
 * @throws PreprocessError `DEGENERATE_AFFINE` naming the problem and the matrix.
 */
export function assertValidAffine(affine: Mat4, scan: string, field = 'affine'): void {
  const show = () => `[${Array.from(affine, (v) => String(v)).join(', ')}]`;
  if (affine.length !== 16 || !Array.from(affine).every(Number.isFinite)) {
    throw new PreprocessError('DEGENERATE_AFFINE', scan, `${field} must be 16 finite numbers, got ${show()}`);
  }
  if (at(affine, 3, 0) !== 0 || at(affine, 3, 1) !== 0 || at(affine, 3, 2) !== 0 || at(affine, 3, 3) !== 1) {
    throw new PreprocessError('DEGENERATE_AFFINE', scan, `${field} last row must be [0, 0, 0, 1], got ${show()}`);
  }
  const [sx, sy, sz] = spacingXYZOf(affine);
  const det = det3(affine);
  if (!(sx > 0 && sy > 0 && sz > 0) || !(Math.abs(det) >= 1e-6 * sx * sy * sz)) {
    throw new PreprocessError('DEGENERATE_AFFINE', scan,
      `${field} is singular or nearly so (column lengths ${sx}, ${sy}, ${sz} mm, determinant ${det}): ${show()}. ` +
      'Check the NIfTI header (pixdim, sform/qform).');
  }
}

function det3(m: Mat4): number {
  const a = at(m, 0, 0), b = at(m, 0, 1), c = at(m, 0, 2);
  const d = at(m, 1, 0), e = at(m, 1, 1), f = at(m, 1, 2);
  const g = at(m, 2, 0), h = at(m, 2, 1), i = at(m, 2, 2);
  return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
}

/**
 * Inverse of an affine (world → voxel), by the 3×3 inverse and `-R⁻¹ t`.
 * @throws PreprocessError `DEGENERATE_AFFINE` (see {@link assertValidAffine}).
 */
export function invertAffine(affine: Mat4, scan: string): Mat4 {
  assertValidAffine(affine, scan);
  const a = at(affine, 0, 0), b = at(affine, 0, 1), c = at(affine, 0, 2);
  const d = at(affine, 1, 0), e = at(affine, 1, 1), f = at(affine, 1, 2);
  const g = at(affine, 2, 0), h = at(affine, 2, 1), i = at(affine, 2, 2);
  const det = det3(affine);
  const inv = [
    (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
    (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
    (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
  ] as const;
  const tx = at(affine, 0, 3), ty = at(affine, 1, 3), tz = at(affine, 2, 3);
  const out = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    const r0 = inv[3 * r]!, r1 = inv[3 * r + 1]!, r2 = inv[3 * r + 2]!;
    out[4 * r] = r0; out[4 * r + 1] = r1; out[4 * r + 2] = r2;
    out[4 * r + 3] = -(r0 * tx + r1 * ty + r2 * tz);
  }
  out[15] = 1;
  return out;
}
