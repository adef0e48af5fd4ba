/** What went wrong, as a stable machine-readable code. */
export type PreprocessErrorCode =
  /** Every voxel has the same value: Otsu's threshold and any window are undefined. */
  | 'CONSTANT_IMAGE'
  /** A voxel is NaN or ±Infinity. */
  | 'NON_FINITE_VOXELS'
  /** The voxel-to-world affine is not finite, not affine (bad last row) or singular. */
  | 'DEGENERATE_AFFINE'
  /** The target grid would need more voxels than the allowed maximum. */
  | 'GRID_TOO_LARGE'
  /** An intensity transform was given a label volume, or a label-only method an image. */
  | 'WRONG_VOLUME_KIND'
  /** The intensity window collapsed (its upper end is not above its lower end). */
  | 'DEGENERATE_WINDOW'
  /** Shapes, lengths or channel counts do not agree. */
  | 'SHAPE_MISMATCH'
  /** An option is out of range or of the wrong form. */
  | 'INVALID_OPTION';

/**
 * The one error class of `@seahorse/preprocess`. The message always names the scan (the
 * `scan` option of the call, `'volume'` when none was given), the field and the offending value.
 *
 * @example
 * ```ts
 * try { mriWindow(data, { scan: 'sub-01_T1w.nii.gz' }); }
 * catch (e) { if (e instanceof PreprocessError && e.code === 'CONSTANT_IMAGE') skipScan(e.scan); }
 * ```
 */
export class PreprocessError extends Error {
  override readonly name = 'PreprocessError';
  constructor(
    readonly code: PreprocessErrorCode,
    /** The scan the error is about (file name or id given by the caller). */
    readonly scan: string,
    message: string,
  ) {
    super(`${scan}: ${message}`);
  }
}

/** The scan name used in error messages when the caller gives none. */
export const DEFAULT_SCAN_NAME = 'volume';
