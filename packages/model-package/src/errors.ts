/** Why a model package was rejected. */
export type ModelPackageErrorCode =
  | 'MANIFEST_MISSING'    // no model.json in the folder
  | 'MANIFEST_NOT_JSON'   // model.json is not valid JSON
  | 'MANIFEST_INVALID'    // model.json fails the schema (the field path and value are in the message)
  | 'MEMBER_MISSING'      // a member's ONNX file does not exist
  | 'HASH_MISMATCH'       // a member's sha256 differs from the manifest
  | 'SIGNATURE_MISMATCH'  // a member's ONNX inputs/outputs do not fit the manifest's channels/classes
  | 'WRITE_FAILED';       // the manifest could not be written

/** A model package Seahorse refuses to load, with the file, field and offending value in the message. */
export class ModelPackageError extends Error {
  override readonly name = 'ModelPackageError';
  constructor(
    readonly code: ModelPackageErrorCode,
    readonly file: string,
    readonly field: string,
    /** The message without the file and field prefix. */
    readonly detail: string,
  ) {
    super(`${file}: ${field}: ${detail}`);
  }
}
