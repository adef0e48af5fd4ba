// Public API of @seahorse/innereye-import: InnerEye PyTorch Lightning checkpoints → Seahorse model
// packages, in TypeScript, no Python.

// Importing (what `seahorse import-innereye` calls).
export {
  importInnerEye, importInnerEyeModel, importInnerEyeCheckpoint, INNEREYE_INFERENCE_CONFIG,
  type ImportOptions, type ImportProgress, type ImportResult,
} from './import-innereye.js';
export {
  INNEREYE_HIPPOCAMPUS_SETTINGS, MSD_REFERENCE_SETTINGS, type ModelPackageSettings, type SettingsOverrides,
} from './settings.js';

// Errors, one class per stage.
export { ModelImportError, type ModelImportErrorCode } from './errors.js';
export { CheckpointReadError, type CheckpointErrorCode } from './checkpoint/errors.js';
export { ArchitectureMismatchError, type ArchitectureErrorCode, type ArchitectureProblem } from './architecture/errors.js';

// Lower-level steps: read a checkpoint, infer its UNet3D, write it as ONNX.
export {
  readStateDict, openTorchCheckpoint, type StateDict, type StateDictTensor, type TorchCheckpoint, type TorchDType,
} from './checkpoint/torch-checkpoint.js';
export { inferUNet3DArchitecture, expectedUNet3DShapes, type UNet3DArchitecture } from './architecture/innereye-unet3d.js';
export { buildUNet3DOnnx, ONNX_INPUT_NAME, ONNX_OUTPUT_NAME, type UNet3DOnnxOptions } from './onnx/unet3d-onnx.js';
