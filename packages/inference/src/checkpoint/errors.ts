/**
 * Typed errors of the checkpoint importer. Every error names the file, the field (a zip entry, a
 * pickle byte offset, a state_dict key) and the offending value, and carries a machine-readable
 * `code`, so callers can branch on `err.code` instead of parsing messages.
 */

/** Why a PyTorch checkpoint could not be read. */
export type CheckpointErrorCode =
  | 'READ_FAILED'            // the file could not be opened or read from disk
  | 'LEGACY_FORMAT'          // a pre-1.6 (non-zip) torch.save file
  | 'ZIP_INVALID'            // not a zip, or truncated or corrupt (no central directory, bad entry)
  | 'ZIP_LAYOUT'             // a zip, but not torch's layout (<folder>/data.pkl, <folder>/data/<key>)
  | 'PICKLE_UNKNOWN_OPCODE'  // an opcode this data-only reader does not implement
  | 'PICKLE_MALFORMED'       // stack underflow, missing MARK, bad memo index, data past the end
  | 'STORAGE_INVALID'        // a storage record, dtype, size, offset or stride that does not fit
  | 'NO_STATE_DICT';         // no `state_dict` (nor a bare state_dict) at the top level

/** A checkpoint file that Seahorse refuses to read, with the file, field and value in the message. */
export class CheckpointReadError extends Error {
  override readonly name = 'CheckpointReadError';
  constructor(
    readonly code: CheckpointErrorCode,
    /** The checkpoint file being read (or `'<buffer>'`). */
    readonly file: string,
    /** Where in the file: a zip entry name, `data.pkl@<byte offset>`, or a state_dict key. */
    readonly field: string,
    message: string,
  ) {
    super(`${file}: ${field}: ${message}`);
  }
}

/** One difference between the state_dict found and the architecture expected. */
export interface ArchitectureProblem {
  /** `'missing'`: key expected but absent; `'unexpected'`: key found but not expected; `'shape'`: both, shapes differ; `'dtype'`: not a floating-point tensor. */
  kind: 'missing' | 'unexpected' | 'shape' | 'dtype';
  /** The state_dict key. */
  key: string;
  /** What the architecture expects (a shape such as `[16,1,3,3,3]`, or `'absent'`). */
  expected: string;
  /** What the checkpoint holds. */
  found: string;
}

/** Why a state_dict is not an InnerEye UNet3D that Seahorse can convert. */
export type ArchitectureErrorCode =
  | 'NOT_UNET3D'             // the keys that identify InnerEye's UNet3D are absent
  | 'ARCHITECTURE_MISMATCH'; // it looks like UNet3D, but keys or shapes differ from what it implies

/**
 * A state_dict that does not match InnerEye's UNet3D. `problems` lists every difference, each with
 * what was expected and what was found; the message shows the first few.
 */
export class ArchitectureMismatchError extends Error {
  override readonly name = 'ArchitectureMismatchError';
  constructor(
    readonly code: ArchitectureErrorCode,
    readonly file: string,
    readonly problems: readonly ArchitectureProblem[],
    summary: string,
  ) {
    const shown = problems.slice(0, 8).map((p) => `  ${p.kind} ${p.key}: expected ${p.expected}, found ${p.found}`);
    const more = problems.length > 8 ? [`  … and ${problems.length - 8} more`] : [];
    super([`${file}: state_dict: ${summary}`, ...shown, ...more].join('\n'));
  }
}

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
