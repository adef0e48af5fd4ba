// Public API of @seahorse/inference.

// Checkpoint import (InnerEye PyTorch Lightning checkpoints → model packages), no Python.
export {
  CheckpointReadError, ArchitectureMismatchError, ModelImportError,
  type CheckpointErrorCode, type ArchitectureErrorCode, type ArchitectureProblem, type ModelImportErrorCode,
} from './checkpoint/errors.js';
export { unpickle, isPyTuple, PyGlobal, PyObject, type PyReducer, type UnpickleOptions } from './checkpoint/pickle.js';
export {
  openTorchCheckpoint, readStateDict, findStateDict, gatherFloat32, isFloatingDType,
  TorchStorageRef, TorchTensorRef, TORCH_DTYPE_BYTES,
  type TorchDType, type TorchCheckpoint, type StateDict, type StateDictTensor,
} from './checkpoint/torch-checkpoint.js';
export {
  inferUNet3DArchitecture, expectedUNet3DShapes, compareWithArchitecture, type UNet3DArchitecture,
} from './checkpoint/innereye-unet3d.js';
export {
  importInnerEyeModel, importInnerEyeCheckpoint, memberNameFromCheckpointPath,
  INNEREYE_HIPPOCAMPUS_SETTINGS, MSD_REFERENCE_SETTINGS, INNEREYE_INFERENCE_CONFIG,
  type ImportOptions, type ImportProgress, type ImportResult, type ModelPackageSettings,
} from './checkpoint/import-innereye.js';

// ONNX writing.
export {
  buildUNet3DOnnx, foldIntoConv, INNEREYE_BATCHNORM_EPS, ONNX_INPUT_NAME, ONNX_OUTPUT_NAME, type UNet3DOnnxOptions,
} from './onnx/unet3d-onnx.js';
export {
  OnnxGraphBuilder, readOnnxSignature, ONNX_IR_VERSION, ONNX_OPSET_VERSION, type OnnxSignature, type OnnxDim,
} from './onnx/onnx-graph.js';

// Model packages (model.json + ONNX members).
export {
  modelManifestSchema, ensembleMemberSchema, preprocessingSchema, inferenceSchema, postprocessingSchema,
  MODEL_MANIFEST_FILE, MODEL_PACKAGE_FORMAT, MODEL_PACKAGE_FORMAT_VERSION,
  type ModelManifest, type ModelManifestInput, type EnsembleMember,
} from './model-package/manifest.js';
export {
  loadModelPackage, parseModelManifest, writeModelManifest, checkMemberSignature, sha256File, sha256Hex,
  ModelPackageError, type ModelPackage, type ModelPackageErrorCode, type LoadModelPackageOptions,
} from './model-package/model-package.js';
