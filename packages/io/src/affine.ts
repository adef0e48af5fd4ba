import { NiftiFormatError } from './errors.js';
import type { NiftiHeader } from './nifti-header.js';
import type { Mat4 } from './volume.js';

/**
 * Which header fields the voxel-to-world affine came from.
 * - `'sform'`: `srow_x/y/z`, because `sform_code > 0`;
 * - `'qform'`: quaternion, `pixdim` and `qoffset`, because `sform_code == 0` and `qform_code > 0`;
 * - `'pixdim'`: neither code set: diagonal `(-pixdim[1], pixdim[2], pixdim[3])` centred on the grid
 *   (nibabel's `get_base_affine`, i.e. Analyze's convention with a flipped x).
 */
export type AffineSource = 'sform' | 'qform' | 'pixdim';

/** nibabel's threshold below which `1 - (b²+c²+d²)` counts as zero, per header precision. */
const QUATERNION_THRESHOLD = { 1: 3 * 1.1920928955078125e-7, 2: 3 * 2.220446049250313e-16 } as const;

/** Row-major 4×4 identity. */
export function identityMat4(): Mat4 {
  const m = new Float64Array(16);
  m[0] = m[5] = m[10] = m[15] = 1;
  return m;
}

/**
 * The spatial pixdims as nibabel uses them after its header checks: zeros become 1, negatives
 * their absolute value.
 * @throws NiftiFormatError `NAN_PIXDIM` when `pixdim[1..3]` holds NaN or ±Infinity.
 */
export function spatialPixdims(header: NiftiHeader, file = '<buffer>'): [number, number, number] {
  const out: number[] = [];
  for (let i = 1; i <= 3; i++) {
    const v = header.pixdim[i] ?? 1;
    if (!Number.isFinite(v)) throw new NiftiFormatError('NAN_PIXDIM', file, `pixdim[${i}]`, `${v} is not a finite voxel size`);
    out.push(v === 0 ? 1 : Math.abs(v));
  }
  return out as [number, number, number];
}

/**
 * The sform: `srow_x`, `srow_y`, `srow_z` as the first three rows, `[0 0 0 1]` below.
 * @throws NiftiFormatError `NAN_AFFINE` when a row holds NaN or ±Infinity.
 */
export function sformAffine(header: NiftiHeader, file = '<buffer>'): Mat4 {
  const m = identityMat4();
  const names = ['srow_x', 'srow_y', 'srow_z'];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      const v = header.srow[r]![c]!;
      if (!Number.isFinite(v)) throw new NiftiFormatError('NAN_AFFINE', file, `${names[r]}[${c}]`, `${v} is not finite`);
      m[4 * r + c] = v;
    }
  }
  return m;
}

/**
 * The qform, built as in the NIfTI-1 specification (method 2) and nibabel's `get_qform`:
 * `a = sqrt(1 - b² - c² - d²)` (0 when that is within rounding of 0), rotation `R` from the unit
 * quaternion `(a, b, c, d)`, then `R · diag(pixdim[1], pixdim[2], qfac · pixdim[3])`, offset
 * `qoffset_x/y/z`. `qfac` is `pixdim[0]` when it is exactly -1, else 1 (nibabel sets any other
 * value to 1).
 * @throws NiftiFormatError `NAN_AFFINE` for non-finite quaternion or offsets, `BAD_QUATERNION` when
 *   `b² + c² + d²` exceeds 1 beyond rounding, `NAN_PIXDIM` for non-finite voxel sizes.
 */
export function qformAffine(header: NiftiHeader, file = '<buffer>'): Mat4 {
  const [b, c, d] = header.quaternBCD;
  const names = ['quatern_b', 'quatern_c', 'quatern_d'];
  header.quaternBCD.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new NiftiFormatError('NAN_AFFINE', file, names[i]!, `${v} is not finite`);
  });
  header.qoffsetXYZ.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new NiftiFormatError('NAN_AFFINE', file, `qoffset_${'xyz'[i]}`, `${v} is not finite`);
  });
  const w2 = 1 - (b * b + c * c + d * d);
  let a: number;
  if (Math.abs(w2) < QUATERNION_THRESHOLD[header.version]) a = 0;
  else if (w2 < 0) {
    throw new NiftiFormatError('BAD_QUATERNION', file, 'quatern_b/c/d',
      `b²+c²+d² = ${1 - w2} exceeds 1: (${b}, ${c}, ${d}) is not a unit quaternion's vector part`);
  } else a = Math.sqrt(w2);
  // nibabel quat2mat: normalises by the squared norm.
  const n = a * a + b * b + c * c + d * d;
  const rot = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  if (n >= 2.220446049250313e-16) {
    const s = 2 / n;
    const X = b * s, Y = c * s, Z = d * s;
    const wX = a * X, wY = a * Y, wZ = a * Z;
    const xX = b * X, xY = b * Y, xZ = b * Z;
    const yY = c * Y, yZ = c * Z, zZ = d * Z;
    rot.splice(0, 9,
      1 - (yY + zZ), xY - wZ, xZ + wY,
      xY + wZ, 1 - (xX + zZ), yZ - wX,
      xZ - wY, yZ + wX, 1 - (xX + yY));
  }
  const [px, py, pz] = spatialPixdims(header, file);
  const qfac = header.pixdim[0] === -1 ? -1 : 1;
  const scale = [px, py, pz * qfac];
  const m = identityMat4();
  for (let r = 0; r < 3; r++) {
    for (let col = 0; col < 3; col++) m[4 * r + col] = rot[3 * r + col]! * scale[col]!;
    m[4 * r + 3] = header.qoffsetXYZ[r]!;
  }
  return m;
}

/**
 * nibabel's fallback affine when neither form is coded (`get_base_affine`): voxel sizes on the
 * diagonal with x negated, translated so that the grid centre `(shape - 1) / 2` maps to 0.
 * Dimensions missing from `dim` (2-D images) count as 1.
 * @throws NiftiFormatError `NAN_PIXDIM` for non-finite voxel sizes.
 */
export function pixdimAffine(header: NiftiHeader, file = '<buffer>'): Mat4 {
  const ndim = header.dim[0] ?? 3;
  const zooms = spatialPixdims(header, file).map((z, i) => (i < ndim ? z : 1));
  const shape = [1, 2, 3].map((i) => (i <= ndim ? header.dim[i] ?? 1 : 1));
  zooms[0] = -zooms[0]!;
  const m = identityMat4();
  for (let i = 0; i < 3; i++) {
    m[5 * i] = zooms[i]!;
    m[4 * i + 3] = -((shape[i]! - 1) / 2) * zooms[i]!;
  }
  return m;
}

/**
 * The voxel-to-world affine by nibabel's rule (`Nifti1Header.get_best_affine`):
 * **sform if `sform_code > 0`, else qform if `qform_code > 0`, else the pixdim affine.**
 * (Negative codes are treated as set, as nibabel tests `!= 0`.) Note that nifti-reader-js and
 * niivue prefer the qform when `qform_code > sform_code`; Seahorse does not.
 *
 * @returns The affine (float64, row-major) and which fields it came from.
 * @throws NiftiFormatError `NAN_AFFINE`, `NAN_PIXDIM` or `BAD_QUATERNION` for the form used.
 * @example
 * const { affine, source } = niftiAffine(header); // source: 'sform' | 'qform' | 'pixdim'
 */
export function niftiAffine(header: NiftiHeader, file = '<buffer>'): { affine: Mat4; source: AffineSource } {
  if (header.sformCode !== 0) return { affine: sformAffine(header, file), source: 'sform' };
  if (header.qformCode !== 0) return { affine: qformAffine(header, file), source: 'qform' };
  return { affine: pixdimAffine(header, file), source: 'pixdim' };
}
