/**
 * Errors raised by tiling, the ONNX runtime, ensembling and output writing.
 *
 * Every error has a stable `code` so callers (CLI, Temporal activities) can branch on it, and a
 * message that names the offending field and value.
 */
export type InferenceErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_SHAPE'
  | 'CUDA_UNAVAILABLE'
  | 'SESSION_FAILED'
  | 'MODEL_IO_MISMATCH'
  | 'WORKER_FAILED'
  | 'WORKER_CLOSED'
  | 'OUTPUT_WRITE_FAILED'
  | 'UNSUPPORTED_PREPROCESSING';

/** An error from `@seahorse/inference`'s runtime (tiling, sessions, ensembling, outputs). */
export class InferenceRuntimeError extends Error {
  override readonly name = 'InferenceRuntimeError';
  /** Stable machine-readable reason. */
  readonly code: InferenceErrorCode;

  constructor(code: InferenceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
