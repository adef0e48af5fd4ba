/**
 * Errors raised by tiling, the ONNX session host, ensembling and output writing: one class for the
 * whole package.
 *
 * Every error has a stable `code` so callers (CLI, Temporal activities) can branch on it, and a
 * message that names the offending field and value.
 */

/** Every {@link InferenceErrorCode}, for callers that classify errors (e.g. bad input vs. transient). */
export const INFERENCE_ERROR_CODES = [
  'INVALID_OPTIONS',           // a runtime, tiling or scan option is invalid (the field and value are in the message)
  'INVALID_SHAPE',             // an array does not fit the shape it is said to have
  'CUDA_UNAVAILABLE',          // executionProvider 'cuda' without onnxruntime-node's CUDA library
  'SESSION_FAILED',            // an onnxruntime session could not be created (missing file, invalid ONNX…)
  'MODEL_IO_MISMATCH',         // a member's output is not [1, K, Z, Y, X] for its input
  'WORKER_FAILED',             // a run failed in the session host, or the host died during a run
  'WORKER_CLOSED',             // the session host is closed or exited
  'OUTPUT_WRITE_FAILED',       // the output folder cannot be created
  'UNSUPPORTED_PREPROCESSING', // the manifest asks for preprocessing this runtime cannot do
  'CANCELLED',                 // the caller's AbortSignal fired; the network pass was stopped and nothing was written
] as const;

/** Why an inference call failed; see {@link INFERENCE_ERROR_CODES}. */
export type InferenceErrorCode = (typeof INFERENCE_ERROR_CODES)[number];

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
