/**
 * Errors of the checkpoint reader (zip, pickle, torch layout). Every error names the file, the field
 * (a zip entry, a pickle byte offset, a state_dict key) and the offending value, and carries a
 * machine-readable `code`, so callers can branch on `err.code` instead of parsing messages.
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
