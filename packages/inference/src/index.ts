// Public API of @seahorse/inference: the ONNX ensemble runtime. Load packages with
// @seahorse/model-package; import InnerEye checkpoints with @seahorse/innereye-import.
export {
  openEnsemble, segmentScan,
  type Ensemble, type OpenEnsembleOptions, type SegmentScanOptions, type SegmentScanResult, type ScanInput,
} from './runtime/segment-scan.js';
export { memberGraphKind, packageGraph, type MemberGraphKind, type PackageGraph } from './runtime/member-graph.js';
export { DEFAULT_MEMORY_BUDGET_BYTES, LITERAL_GRAPH_BYTES_PER_VOXEL, PHASE_GRAPH_BYTES_PER_VOXEL } from './tiling/plan.js';
export type { EnsembleProgress } from './ensemble/predict-ensemble.js';
export { resolveRuntimeOptions, type RuntimeOptions, type ResolvedRuntimeOptions } from './runtime/runtime-options.js';
export {
  cudaStatus, explainCudaFailure, findLibrary, librarySearchOf, onnxruntimeNodeBinding, parseLdCache, CUDA_LIBRARIES, CUDA_PROVIDER_FILES, PROVIDER_STAMP_FILE,
  type CudaStatus, type LibrarySearch,
} from './runtime/cuda.js';
export { chooseDevice, formatDevice, parseDevice, DEVICE_PATTERN, type Device } from './runtime/device.js';
export { probeDevice, type DeviceProbe } from './runtime/device-probe.js';
export { gpuMemory, parseNvidiaSmiMemory } from './runtime/gpu-memory.js';
export {
  planForDeviceMemory, GPU_BYTES_PER_VOXEL, GPU_RESERVE_BYTES, type DeviceMemory, type DevicePlan, type DevicePlanInput,
} from './tiling/device-plan.js';
export { InferenceRuntimeError, INFERENCE_ERROR_CODES, type InferenceErrorCode } from './errors.js';
export { SEGMENTATION_FILE, UNCERTAINTY_FILE, posteriorFileName, type WrittenOutputs } from './outputs/write-outputs.js';
