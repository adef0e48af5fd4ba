/**
 * Seahorse's one volume type: voxel data and its geometry, always together.
 *
 * Index order, named in the types:
 * - `XYZ`: storage as on disk in NIfTI, x fastest. Voxel (x, y, z) of a volume of shape
 *   `[X, Y, Z]` is at flat index `x + X * (y + Y * z)`.
 * - `ZYX`: the same memory read as a C-order array of shape `[Z, Y, X]` (last index fastest),
 *   which is SimpleITK's `GetArrayFromImage` order and the order InnerEye's networks use.
 *   Converting between the two never copies: only the shape tuple is reversed.
 */

/** A 4×4 matrix of float64, row-major: `m[4 * row + col]`. */
export type Mat4 = Float64Array;

/** A 3×3 matrix of float64, row-major: `m[3 * row + col]`. */
export type Mat3 = Float64Array;

/** The typed arrays a volume's voxels can live in. */
export type VoxelArray =
  | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array;

/** Shape `[X, Y, Z]`, x fastest in memory. */
export type ShapeXYZ = readonly [x: number, y: number, z: number];
/** Shape `[Z, Y, X]`, x (the last index) fastest in memory. */
export type ShapeZYX = readonly [z: number, y: number, x: number];
/** Voxel spacing in mm, in `[z, y, x]` order (SimpleITK's `reversed(GetSpacing())`). */
export type SpacingZYX = readonly [z: number, y: number, x: number];

/** What the voxel values mean: resampling and normalisation treat the two differently. */
export type VolumeKind = 'intensity' | 'label';

/** A voxel grid without data: its shape and its voxel-to-world affine. */
export interface GridXYZ {
  /** `[X, Y, Z]`. */
  readonly shapeXYZ: ShapeXYZ;
  /**
   * Voxel-to-world transform, float64 row-major 4×4: maps the voxel index `(x, y, z, 1)` (the
   * centre of that voxel) to world coordinates in mm, RAS+ (NIfTI's convention).
   */
  readonly affine: Mat4;
}

/** A 3-D volume with its geometry (a {@link GridXYZ} and voxels on it). Data is x-fastest (`[X, Y, Z]`). */
export interface VolumeXYZ<T extends VoxelArray = VoxelArray> extends GridXYZ {
  /** Voxels, x fastest: index `x + X * (y + Y * z)`. Length `X * Y * Z`. */
  readonly data: T;
  /** `'label'` for segmentations and masks, `'intensity'` for images. */
  readonly kind: VolumeKind;
}

/** A zero-copy `[Z, Y, X]` view of a {@link VolumeXYZ}: the same `data`, the reversed shape. */
export interface VolumeZYX<T extends VoxelArray = VoxelArray> {
  /** Voxels in C order for shape `[Z, Y, X]` (x fastest): the very same array as the XYZ volume's. */
  readonly data: T;
  /** `[Z, Y, X]`. */
  readonly shapeZYX: ShapeZYX;
  /** Voxel spacing in mm, in `[z, y, x]` order (SimpleITK's `reversed(GetSpacing())`). */
  readonly spacingZYX: SpacingZYX;
}
