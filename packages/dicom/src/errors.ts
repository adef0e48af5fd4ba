/**
 * Typed errors of `@seahorse/dicom`. Every error names the source (folder, zip or file) and the
 * reason, and carries a machine-readable `code`. Messages never carry patient or study module
 * values (names, ids, dates): they may be shown in logs and Temporal histories. They may carry
 * series UIDs and series numbers, which the user needs to choose a series.
 */

/** Why a DICOM input was refused. */
export type DicomErrorCode =
  | 'READ_FAILED'            // a file or folder could not be read
  | 'NOT_DICOM'              // a file given explicitly is not DICOM Part 10
  | 'PARSE_FAILED'           // truncated or corrupt DICOM
  | 'NO_IMAGES'              // nothing with pixel data was found
  | 'SEVERAL_SERIES'         // more than one series, and none chosen
  | 'SERIES_NOT_FOUND'       // the chosen series is not there
  | 'MISSING_PIXEL_DATA'     // an image without (7FE0,0010)
  | 'MISSING_FIELD'          // a required element is absent or unreadable
  | 'UNSUPPORTED_TRANSFER_SYNTAX'
  | 'UNSUPPORTED_PIXELS'     // colour, palette, bit depths Seahorse does not read
  | 'DECODE_FAILED'          // a codec failed or returned the wrong size
  | 'INCONSISTENT_SLICES'    // slices differ in matrix, spacing or pixel format
  | 'NON_PARALLEL_SLICES'    // ImageOrientationPatient differs between slices
  | 'GANTRY_TILT'            // slice positions do not lie along the slice normal
  | 'NON_UNIFORM_SPACING'    // a missing slice or uneven gaps
  | 'FOUR_D'                 // several volumes in one series (time, echoes, b-values)
  | 'TOO_FEW_SLICES'         // fewer than two slices: no slice spacing
  | 'ZIP_UNSAFE_ENTRY'       // an entry name that leaves the zip (`../`, absolute)
  | 'ZIP_TOO_LARGE';         // a zip bomb: too many entries, bytes or too high a ratio

/** A DICOM input Seahorse refuses to read, with the source and the reason in the message. */
export class DicomError extends Error {
  override readonly name = 'DicomError';
  constructor(
    readonly code: DicomErrorCode,
    /** The folder, zip or file being read. */
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
  }
}

/** Why an RTSTRUCT or SEG could not be written or read. */
export type DicomRtErrorCode =
  | 'BAD_SEGMENTATION'   // the segmentation's grid is not the source series' grid
  | 'BAD_ROIS'           // ROI names/colours do not match the labels
  | 'NOT_RTSTRUCT'       // the file is not an RT Structure Set
  | 'BAD_CONTOUR'        // a contour is not closed planar, or not on the image grid
  | 'WRITE_FAILED';

/** A DICOM-RT object that cannot be written or read. */
export class DicomRtError extends Error {
  override readonly name = 'DicomRtError';
  constructor(readonly code: DicomRtErrorCode, readonly file: string, message: string) {
    super(`${file}: ${message}`);
  }
}
