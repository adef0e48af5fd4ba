/**
 * Typed errors of `@seahorse/io`. Every error names the file, the field and the offending value,
 * and carries a machine-readable `code`, so callers can branch on `err.code` instead of parsing
 * messages.
 */

/** Why a NIfTI file was rejected. */
export type NiftiErrorCode =
  | 'READ_FAILED'          // the file could not be read from disk
  | 'TRUNCATED_GZIP'       // gzip stream ends early or is corrupt
  | 'TOO_SHORT'            // fewer bytes than a NIfTI header
  | 'BAD_MAGIC'            // sizeof_hdr or magic is not NIfTI-1/2
  | 'BAD_DIM'              // dim[0] outside 1..7, or a dimension <= 0
  | 'TOO_LARGE'            // the voxel count overflows or exceeds the memory limit
  | 'UNSUPPORTED_DATATYPE' // RGB, complex, binary, float128 or an unknown code
  | 'BAD_VOX_OFFSET'       // vox_offset negative, not an integer or past the end of the file
  | 'TRUNCATED_DATA'       // fewer voxel bytes than the dimensions need
  | 'BAD_EXTENSION'        // an extension's esize is inconsistent
  | 'NAN_PIXDIM'           // NaN/Inf in a used pixdim
  | 'NAN_AFFINE'           // NaN/Inf in the sform rows or the quaternion/offsets used for the affine
  | 'BAD_QUATERNION'       // b^2+c^2+d^2 > 1 beyond rounding
  | 'BAD_SCALING'          // valid scl_slope with a non-finite scl_inter
  | 'VOLUME_INDEX'         // 4-D file without a volumeIndex, or one out of range
  | 'UNSUPPORTED_DIMS'     // dimensions 5..7 larger than 1
  | 'INT64_PRECISION';     // int64 value not exactly representable as float64

/** A NIfTI file that Seahorse refuses to read, with the file, field and value in the message. */
export class NiftiFormatError extends Error {
  override readonly name = 'NiftiFormatError';
  constructor(
    readonly code: NiftiErrorCode,
    /** The file being read (or `'<buffer>'`). */
    readonly file: string,
    /** The header field at fault, e.g. `'dim[2]'`, `'vox_offset'`. */
    readonly field: string,
    message: string,
  ) {
    super(`${file}: ${field}: ${message}`);
  }
}

/** Why a NIfTI file could not be written. */
export type NiftiWriteErrorCode =
  | 'BAD_VOLUME'      // data length, shape or affine inconsistent
  | 'BAD_OPTIONS'     // invalid write options
  | 'BAD_EXTENSION'   // file name is not .nii or .nii.gz
  | 'VALUE_RANGE'     // a value does not fit the requested datatype
  | 'WRITE_FAILED';   // the file system refused

/** A volume that cannot be written as requested. */
export class NiftiWriteError extends Error {
  override readonly name = 'NiftiWriteError';
  constructor(readonly code: NiftiWriteErrorCode, readonly file: string, readonly field: string, message: string) {
    super(`${file}: ${field}: ${message}`);
  }
}

/** Why a dataset manifest was rejected. */
export type ManifestErrorCode =
  | 'READ_FAILED'      // the manifest could not be read
  | 'BAD_FORMAT'       // not a .csv or .json manifest, or unparsable
  | 'BAD_FIELD'        // a row or field fails validation
  | 'DUPLICATE'        // the same (subject, channel) twice
  | 'PATH_ESCAPE'      // a path leaves the dataset root (.., absolute, or a symlink)
  | 'MISSING_FILE'     // a listed file does not exist
  | 'GEOMETRY';        // image and ground truth disagree (checkGeometry)

/** A dataset manifest that cannot be loaded; the message names the file and the line or field. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(
    readonly code: ManifestErrorCode,
    readonly file: string,
    /** Where in the manifest: `'line 4, column filePath'`, `'training[3].label'`, … */
    readonly location: string,
    message: string,
  ) {
    super(`${file}: ${location}: ${message}`);
  }
}

/** Two volumes that should share a voxel grid do not. */
export class SpaceMismatchError extends Error {
  override readonly name = 'SpaceMismatchError';
  readonly code = 'SPACE_MISMATCH' as const;
  constructor(
    /** `'shapeXYZ' | 'spacingXYZ' | 'direction' | 'originXYZ'` */
    readonly property: string,
    message: string,
  ) {
    super(message);
  }
}

/** Why a geometry function refused its argument. */
export type GeometryErrorCode =
  | 'BAD_AFFINE'       // not 16 finite numbers, last row not [0, 0, 0, 1], or a singular 3×3 part
  | 'BAD_ORIENTATION'; // orientation codes that are not one letter of each of L/R, P/A, I/S

/** An argument to a geometry function is invalid (e.g. a singular or non-finite affine, or bad orientation codes). */
export class GeometryError extends Error {
  override readonly name = 'GeometryError';
  constructor(message: string, readonly code: GeometryErrorCode = 'BAD_AFFINE') {
    super(message);
  }
}
