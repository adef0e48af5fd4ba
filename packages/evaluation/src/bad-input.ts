import { DicomError, DicomRtError } from '@seahorse/dicom';
import { GeometryError, ManifestError, NiftiFormatError, SpaceMismatchError } from '@seahorse/io';
import { InferenceRuntimeError } from '@seahorse/inference';
import { ModelPackageError } from '@seahorse/model-package';
import { MetricsError } from '@seahorse/metrics';
import { PreprocessError } from '@seahorse/preprocess';
import { z } from 'zod';
import { EvaluationOptionError, GroundTruthError } from './errors.js';

/** Runtime errors that a retry cannot fix: the input (scan, options, model) is what is wrong. */
const BAD_INPUT_INFERENCE_CODES = new Set(['INVALID_OPTIONS', 'INVALID_SHAPE', 'UNSUPPORTED_PREPROCESSING', 'MODEL_IO_MISMATCH']);

/**
 * Whether an error thrown while evaluating a subject means bad input (never retried, recorded as
 * the subject's failure) rather than a fault (retried). Decided by the compute packages' exported
 * error classes and the codes they carry, never by class names as strings:
 * - `@seahorse/io`: `NiftiFormatError`, `ManifestError`, `SpaceMismatchError`, `GeometryError`;
 * - `@seahorse/dicom`: `DicomError` (as `NiftiFormatError`: refused or unreadable input), `DicomRtError` except `WRITE_FAILED`;
 * - `@seahorse/preprocess`: `PreprocessError` (constant image, NaN voxels, degenerate affine…);
 * - `@seahorse/metrics`: `MetricsError` except `WRITE_FAILED`;
 * - this package: `GroundTruthError`, `EvaluationOptionError`;
 * - `@seahorse/model-package`: `ModelPackageError` except `WRITE_FAILED` (a broken package fails every subject alike);
 * - `@seahorse/inference`: `InferenceRuntimeError` with `INVALID_OPTIONS`, `INVALID_SHAPE`,
 *   `UNSUPPORTED_PREPROCESSING` or `MODEL_IO_MISMATCH`;
 * - zod's `ZodError` (an invalid option or document).
 * Write failures, session or worker failures, cancellations and unknown errors are faults.
 */
export function isBadInput(error: unknown): boolean {
  if (error instanceof NiftiFormatError || error instanceof DicomError || error instanceof ManifestError || error instanceof SpaceMismatchError || error instanceof GeometryError) return true;
  if (error instanceof PreprocessError || error instanceof GroundTruthError || error instanceof EvaluationOptionError || error instanceof z.ZodError) return true;
  if (error instanceof MetricsError || error instanceof ModelPackageError || error instanceof DicomRtError) return error.code !== 'WRITE_FAILED';
  if (error instanceof InferenceRuntimeError) return BAD_INPUT_INFERENCE_CODES.has(error.code);
  return false;
}
