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
  importInnerEye, importInnerEyeModel, importInnerEyeCheckpoint, memberNameFromCheckpointPath,
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
  loadModelPackage, parseModelManifest, writeModelManifest, checkMemberSignature,
  ModelPackageError, type ModelPackage, type ModelPackageErrorCode, type LoadModelPackageOptions,
} from './model-package/model-package.js';

// Runtime (issue 6): tiling, onnxruntime sessions in a worker thread, ensembling, outputs.
export { InferenceRuntimeError, type InferenceErrorCode } from './tiling/errors.js';
export {
  padToMultipleZYX, paddedShapeZYX, padCZYX, cropPaddingCZYX, type PadPlacement, type PaddingZYX,
} from './tiling/pad.js';
export { innereyeStarts, overlapStarts } from './tiling/scan-interval.js';
export { windowSlicesZYX, type WindowZYX } from './tiling/windows.js';
export { gaussianImportanceMap } from './tiling/importance-map.js';
export { extractPatchCZYX, overwritePatchCZYX, accumulatePatchCZYX, normaliseByWeights } from './tiling/accumulate.js';
export {
  planTiling, resolveTilingOptions, largestTileWithinBudget, tilingOptionsSchema,
  type TilingMode, type TilingOptions, type ResolvedTilingOptions, type TilingPlan, type BlendMode,
} from './tiling/plan.js';
export { slidingWindowInference, type PatchPredictor, type PatchProgress } from './tiling/sliding-window.js';
export { runtimeOptionsSchema, resolveRuntimeOptions, type RuntimeOptions, type ResolvedRuntimeOptions } from './runtime/runtime-options.js';
export { cudaStatus, type CudaStatus } from './runtime/cuda.js';
export { OnnxSessionWorker, type OnnxMemberSpec, type MemberInfo, type TensorInfo } from './runtime/onnx-worker.js';
export {
  openEnsemble, segmentScan,
  type Ensemble, type OpenEnsembleOptions, type SegmentScanOptions, type SegmentScanResult, type ScanInput,
} from './runtime/segment-scan.js';
export { addPosteriorsInPlace, dividePosteriorsInPlace, meanPosteriors, argmaxClasses } from './ensemble/aggregate.js';
export { keepLargestComponent } from './ensemble/largest-component.js';
export { predictEnsemble, type PredictEnsembleInput, type EnsemblePrediction, type EnsembleProgress } from './ensemble/predict-ensemble.js';
export { posteriorToByte, posteriorsToBytes, normalisedEntropy } from './outputs/posterior-bytes.js';
export {
  writeInferenceOutputs, posteriorFileName, SEGMENTATION_FILE, UNCERTAINTY_FILE,
  type InferenceOutputs, type WrittenOutputs,
} from './outputs/write-outputs.js';
