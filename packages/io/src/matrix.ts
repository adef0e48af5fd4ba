/**
 * Small float64 matrix helpers, the only ones in Seahorse:
 * - 3×3 matrices, row-major: `m[3 * row + col]` ({@link Mat3});
 * - 4×4 voxel-to-world affines, row-major: `m[4 * row + col]` ({@link Mat4}, `VolumeXYZ.affine`).
 */
import { GeometryError } from './errors.js';
import type { Mat3, Mat4 } from './volume.js';

/** Element (row, col) of a row-major 4×4. */
export function at(m: ArrayLike<number>, row: number, col: number): number {
  return m[4 * row + col]!;
}

/** det of a row-major 3×3: `a(ei − fh) − b(di − fg) + c(dh − eg)`. */
export function det3(a: ArrayLike<number>): number {
  return a[0]! * (a[4]! * a[8]! - a[5]! * a[7]!) - a[1]! * (a[3]! * a[8]! - a[5]! * a[6]!) + a[2]! * (a[3]! * a[7]! - a[4]! * a[6]!);
}

/** The 3×3 part (rotation, zooms and shears) of a row-major 4×4, as a row-major 3×3. */
export function linearPart(affine: ArrayLike<number>): Mat3 {
  const out = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[3 * r + c] = affine[4 * r + c]!;
  return out;
}

/**
 * `a · b` for row-major 3×3 matrices, each entry summed in column order k = 0..2.
 * @example
 * multiply3(rotationZ, direction); // the direction cosines turned about world z
 */
export function multiply3(a: ArrayLike<number>, b: ArrayLike<number>): Mat3 {
  const out = new Float64Array(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) {
    let s = 0;
    for (let k = 0; k < 3; k++) s += a[3 * r + k]! * b[3 * k + c]!;
    out[3 * r + c] = s;
  }
  return out;
}

/**
 * The orthogonal factor `U` of the polar decomposition `A = U P` of a non-singular 3×3 (the closest
 * orthogonal matrix to `A`, which is what nibabel's SVD `P · Qs` gives), by Newton's iteration
 * `U ← (U + U⁻ᵀ) / 2`, until no entry moves by 1e-15 (at most 100 steps).
 */
export function polarOrthogonal(a: ArrayLike<number>): Mat3 {
  let u = Float64Array.from(a);
  for (let iter = 0; iter < 100; iter++) {
    const d = det3(u);
    // inverse-transpose = cofactor matrix / det
    const cof = new Float64Array([
      u[4]! * u[8]! - u[5]! * u[7]!, -(u[3]! * u[8]! - u[5]! * u[6]!), u[3]! * u[7]! - u[4]! * u[6]!,
      -(u[1]! * u[8]! - u[2]! * u[7]!), u[0]! * u[8]! - u[2]! * u[6]!, -(u[0]! * u[7]! - u[1]! * u[6]!),
      u[1]! * u[5]! - u[2]! * u[4]!, -(u[0]! * u[5]! - u[2]! * u[3]!), u[0]! * u[4]! - u[1]! * u[3]!,
    ]);
    const next = new Float64Array(9);
    let change = 0;
    for (let i = 0; i < 9; i++) {
      next[i] = 0.5 * (u[i]! + cof[i]! / d);
      change = Math.max(change, Math.abs(next[i]! - u[i]!));
    }
    u = next;
    if (change < 1e-15) break;
  }
  return u;
}

/**
 * Lengths of the first three columns of a row-major 4×4 (`hypot` of rows 0..2), not checked:
 * the voxel spacing in mm when `m` is an affine (`spacingXYZ` checks it first).
 */
export function columnLengths(m: ArrayLike<number>): [number, number, number] {
  const s = (c: number) => Math.hypot(at(m, 0, c), at(m, 1, c), at(m, 2, c));
  return [s(0), s(1), s(2)];
}

/**
 * `a · b` for row-major 4×4 matrices, each entry summed in column order k = 0..3.
 * @example
 * const voxelToVoxel = multiplyAffine(invertAffine(input.affine), output.affine);
 */
export function multiplyAffine(a: ArrayLike<number>, b: ArrayLike<number>): Mat4 {
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

/**
 * Checks an affine is usable for orientation, inversion and resampling: 16 finite numbers, last
 * row `[0, 0, 0, 1]`, and a 3×3 part that is well conditioned (|det| ≥ 1e-6 × product of column
 * lengths, i.e. the voxel axes are not (nearly) coplanar, and no column is zero).
 * @param field - Names the matrix in the message. Default `'affine'`.
 * @throws GeometryError `BAD_AFFINE` naming the problem and printing the matrix.
 * @example
 * assertUsableAffine(grid.affine, 'target grid affine');
 */
export function assertUsableAffine(affine: ArrayLike<number>, field = 'affine'): void {
  const show = () => `[${Array.from(affine, (v) => String(v)).join(', ')}]`;
  if (affine.length !== 16 || !Array.from(affine).every(Number.isFinite)) {
    throw new GeometryError(`${field} must be 16 finite numbers, got ${show()}`);
  }
  if (at(affine, 3, 0) !== 0 || at(affine, 3, 1) !== 0 || at(affine, 3, 2) !== 0 || at(affine, 3, 3) !== 1) {
    throw new GeometryError(`${field} last row must be [0, 0, 0, 1], got ${show()}`);
  }
  const [sx, sy, sz] = columnLengths(affine);
  const det = det3(linearPart(affine));
  if (!(sx > 0 && sy > 0 && sz > 0) || !(Math.abs(det) >= 1e-6 * sx * sy * sz)) {
    throw new GeometryError(
      `${field} is singular or nearly so (column lengths ${sx}, ${sy}, ${sz} mm, determinant ${det}): ${show()}. ` +
      'Check the NIfTI header (pixdim, sform/qform).');
  }
}

/**
 * Inverse of an affine (world → voxel), by the 3×3 inverse (adjugate / det) and `-R⁻¹ t`.
 * @throws GeometryError `BAD_AFFINE` (see {@link assertUsableAffine}).
 * @example
 * const worldToVoxel = invertAffine(volume.affine);
 */
export function invertAffine(affine: ArrayLike<number>): Mat4 {
  assertUsableAffine(affine);
  const a = at(affine, 0, 0), b = at(affine, 0, 1), c = at(affine, 0, 2);
  const d = at(affine, 1, 0), e = at(affine, 1, 1), f = at(affine, 1, 2);
  const g = at(affine, 2, 0), h = at(affine, 2, 1), i = at(affine, 2, 2);
  const det = det3(linearPart(affine));
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
