/**
 * Errors of an import as a whole (config, options, output folder). Checkpoint and architecture
 * errors have their own classes (`CheckpointReadError`, `ArchitectureMismatchError`).
 */

/** Why an import (registered-model folder or single checkpoint) failed. */
export type ModelImportErrorCode =
  | 'CONFIG_MISSING'      // final_ensemble_model/model_inference_config.json not found
  | 'CONFIG_INVALID'      // that file is not JSON, or lacks checkpoint_paths
  | 'CHECKPOINT_MISSING'  // a checkpoint listed in the config does not exist (InnerEye would drop it)
  | 'MEMBERS_DISAGREE'    // members differ in input channels or classes
  | 'BAD_OPTIONS'         // import options invalid (classes count, pad multiple, patch size …)
  | 'OUTPUT_EXISTS'       // the output folder exists and `overwrite` is not set
  | 'WRITE_FAILED';       // the file system refused

/** An import that cannot proceed; nothing is left at the output path when it is thrown. */
export class ModelImportError extends Error {
  override readonly name = 'ModelImportError';
  constructor(readonly code: ModelImportErrorCode, readonly file: string, readonly field: string, message: string) {
    super(`${file}: ${field}: ${message}`);
  }
}
