import { GeometryError, SpaceMismatchError } from './errors.js';
import { columnLengths, det3, linearPart } from './matrix.js';
import type { GridXYZ, Mat3, Mat4, ShapeXYZ, VolumeXYZ, VolumeZYX, VoxelArray } from './volume.js';

/** A world frame: `'RAS'` (NIfTI, nibabel: +x Right, +y Anterior, +z Superior) or `'LPS'` (ITK, SimpleITK, DICOM). */
export type WorldFrame = 'RAS' | 'LPS';

/** A volume or its affine: geometry functions accept either. */
export type AffineOrVolume = Mat4 | ArrayLike<number> | { readonly affine: Mat4 };

/** The affine of a volume, or the argument itself when it is a 4×4 matrix; not checked. */
export function matrixOf(x: AffineOrVolume): ArrayLike<number> {
  return 'affine' in x && !(x instanceof Float64Array) ? x.affine : (x as ArrayLike<number>);
}

/** {@link matrixOf}, checked to have 16 entries, the top 3×4 finite. */
function affineOf(x: AffineOrVolume): ArrayLike<number> {
  const m = matrixOf(x);
  if (m.length !== 16) throw new GeometryError(`affine must have 16 entries (row-major 4×4), got ${m.length}`);
  for (let i = 0; i < 12; i++) {
    if (!Number.isFinite(m[i]!)) throw new GeometryError(`affine[${i}] (row ${i >> 2}, column ${i & 3}) is ${m[i]}, not finite`);
  }
  return m;
}

/**
 * Voxel spacing in mm, in `[x, y, z]` index order: the Euclidean norm of each of the affine's first
 * three columns (the world distance between neighbouring voxel centres along that index).
 * @param x - A volume or its row-major 4×4 affine.
 * @returns `[sx, sy, sz]`, mm.
 * @throws GeometryError when the affine is not 16 finite numbers.
 * @example
 * spacingXYZ(readNifti('t1.nii.gz')); // [1, 1, 1.2]
 */
export function spacingXYZ(x: AffineOrVolume): [number, number, number] {
  return columnLengths(affineOf(x));
}

/**
 * The volume of one voxel in mm³: `|det|` of the affine's 3×3 part, as nibabel's
 * `abs(np.linalg.det(img.affine[:3, :3]))`. For an oblique or sheared affine this is the true
 * volume of the parallelepiped a voxel spans (the product of the spacings is not, under shear).
 * @throws GeometryError when the affine is not 16 finite numbers.
 * @example
 * voxelVolumeMm3(readNifti('t1.nii.gz')); // 1.2 for 1 × 1 × 1.2 mm voxels
 */
export function voxelVolumeMm3(x: AffineOrVolume): number {
  return Math.abs(det3(linearPart(affineOf(x))));
}

/**
 * The grid of a volume (or of another grid): a copy of its shape and of its affine, without data.
 * @example
 * const nativeGrid = gridOf(t1); // { shapeXYZ: [X, Y, Z], affine }
 */
export function gridOf(volume: GridXYZ): GridXYZ {
  return { shapeXYZ: [...volume.shapeXYZ] as unknown as ShapeXYZ, affine: Float64Array.from(volume.affine) };
}

/**
 * World position, in mm, of the centre of voxel `(0, 0, 0)`: the affine's translation column.
 * @param frame - `'RAS'` (default, NIfTI/nibabel) or `'LPS'` (SimpleITK's `GetOrigin()`: x and y negated).
 * @throws GeometryError when the affine is not 16 finite numbers.
 * @example
 * originXYZ(vol, 'LPS'); // equals SimpleITK's image.GetOrigin()
 */
export function originXYZ(x: AffineOrVolume, frame: WorldFrame = 'RAS'): [number, number, number] {
  const m = affineOf(x);
  const s = frame === 'LPS' ? -1 : 1;
  return [s * m[3]!, s * m[7]!, m[11]!];
}

/**
 * Direction cosines: the affine's 3×3 part with each column divided by its spacing. Column `j` is
 * the world unit vector along voxel index `j` (x, y, z). For a sheared affine the columns are not
 * orthogonal; this returns them as they are.
 * @param frame - `'RAS'` (default) or `'LPS'` (SimpleITK's `GetDirection()`: rows x and y negated).
 * @returns Row-major 3×3.
 * @throws GeometryError when a column has zero length or the affine is not finite.
 * @example
 * directionMatrix(vol); // identity for an RAS-aligned volume
 */
export function directionMatrix(x: AffineOrVolume, frame: WorldFrame = 'RAS'): Mat3 {
  const m = affineOf(x);
  const sp = spacingXYZ(m);
  const out = new Float64Array(9);
  for (let c = 0; c < 3; c++) {
    if (sp[c] === 0) throw new GeometryError(`affine column ${c} is zero: the voxel axis ${'xyz'[c]} has no direction`);
    for (let r = 0; r < 3; r++) out[3 * r + c] = (m[4 * r + c]! / sp[c]!) * (frame === 'LPS' && r < 2 ? -1 : 1);
  }
  return out;
}

/**
 * The zero-copy `[Z, Y, X]` view of a volume: the same `data` array (not a copy), the reversed
 * shape and the spacing in `[z, y, x]` order. This is SimpleITK's `GetArrayFromImage` layout and
 * `reversed(GetSpacing())`, which InnerEye's networks use.
 * @example
 * const zyx = toZYX(vol);
 * zyx.data === vol.data; // true
 * zyx.shapeZYX;          // [Z, Y, X]
 */
export function toZYX<T extends VoxelArray>(volume: VolumeXYZ<T>): VolumeZYX<T> {
  const [x, y, z] = volume.shapeXYZ;
  const [sx, sy, sz] = spacingXYZ(volume);
  return { data: volume.data, shapeZYX: [z, y, x], spacingZYX: [sz, sy, sx] };
}

/** Options of {@link assertSameSpace}. */
export interface SameSpaceOptions {
  /** Relative tolerance on spacing, direction and origin. Default `1e-5`. */
  rtol?: number;
  /** Absolute tolerance (mm for spacing and origin, unitless for direction). Default `1e-5`. */
  atol?: number;
  /** Names for the two volumes in the message, e.g. file names. Default `['a', 'b']`. */
  names?: readonly [string, string];
}

function closeEnough(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): boolean {
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - b[i]!) <= atol + rtol * Math.abs(b[i]!))) return false;
  }
  return true;
}

function fmt(v: ArrayLike<number>): string {
  return `[${Array.from(v, (n) => Number(n.toPrecision(8))).join(', ')}]`;
}

/**
 * Checks that two volumes share a voxel grid: equal `shapeXYZ`, and spacing, direction and origin
 * equal within `|a - b| <= atol + rtol·|b|` (numpy `allclose` semantics), like torchio's
 * `check_consistent_space`. Call it before comparing voxels (Dice, Hausdorff…).
 * @throws SpaceMismatchError (`code: 'SPACE_MISMATCH'`, `property` set) naming the first property
 *   that differs and printing both values.
 * @throws GeometryError when either affine is not finite.
 * @example
 * assertSameSpace(image, label, { names: ['img.nii.gz', 'seg.nii.gz'] });
 */
export function assertSameSpace(
  a: GridXYZ,
  b: GridXYZ,
  options: SameSpaceOptions = {},
): void {
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-5;
  const [na, nb] = options.names ?? ['a', 'b'];
  const remedy = ' Resample one onto the other\'s grid first (nearest neighbour for labels).';
  if (a.shapeXYZ.length !== b.shapeXYZ.length || a.shapeXYZ.some((s, i) => s !== b.shapeXYZ[i])) {
    throw new SpaceMismatchError('shapeXYZ', `shapeXYZ differs: ${na} ${fmt(a.shapeXYZ)} vs ${nb} ${fmt(b.shapeXYZ)}.${remedy}`);
  }
  const checks: [string, (v: AffineOrVolume) => ArrayLike<number>, string][] = [
    ['spacingXYZ', spacingXYZ, ' mm'],
    ['direction', (v) => directionMatrix(v), ''],
    ['originXYZ', (v) => originXYZ(v), ' mm (RAS)'],
  ];
  for (const [property, get, unit] of checks) {
    const va = get(a.affine);
    const vb = get(b.affine);
    if (!closeEnough(va, vb, rtol, atol)) {
      throw new SpaceMismatchError(property,
        `${property} differs beyond rtol=${rtol}, atol=${atol}: ${na} ${fmt(va)}${unit} vs ${nb} ${fmt(vb)}${unit}.${remedy}`);
    }
  }
}
