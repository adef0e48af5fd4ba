// Public API of @seahorse/model-package: the model.json schema, loading, verifying and writing
// model packages, and the vocabularies the manifest shares with the runtime.
export { TILING_MODES, PAD_PLACEMENTS, type TilingMode, type PadPlacement } from './vocabularies.js';
export {
  modelManifestSchema, ensembleMemberSchema, preprocessingSchema, inferenceSchema, postprocessingSchema,
  MODEL_MANIFEST_FILE, MODEL_PACKAGE_FORMAT, MODEL_PACKAGE_FORMAT_VERSION,
  type ModelManifest, type ModelManifestInput, type EnsembleMember,
} from './manifest.js';
export {
  loadModelPackage, parseModelManifest, writeModelManifest, checkMemberSignature, modelFingerprint,
  type ModelPackage, type LoadModelPackageOptions,
} from './model-package.js';
export { ModelPackageError, type ModelPackageErrorCode } from './errors.js';
export { readOnnxSignature, type OnnxSignature, type OnnxDim } from './onnx-signature.js';
