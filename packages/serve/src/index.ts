// Public API of @seahorse/serve: an InnerEye-Inference-compatible HTTP service on Temporal.
export { createServeApp, ServeLimits, type ServeApp, type ServeAppOptions, type RunStatusBody } from './serve-app.js';
export { ApiError, errorBody, ERROR_CODES, ERROR_TITLES, DEFAULT_DETAILS, type ApiErrorBody, type ErrorStatus, type ExtraDetails } from './api-errors.js';
export { AUTH_HEADER, SECRET_SOURCES, MIN_SECRET_LENGTH, SecretError, loadSecret, secretChecker } from './auth.js';
export { ModelRegistry, ModelRegistryError, ModelId, RegistryConfig, type RegisteredModel } from './model-registry.js';
export { RunStore, RUN_FILES, RunRequest, RunFailure, newRunId, BodyTooLargeError, type StoredRunState } from './run-store.js';
export { DEFAULT_ZIP_LIMITS, inspectZip, unpackDicomZip, isUnsafeEntryName, ZipRefusedError, type ZipLimits, type ZipProblem, type ZipSummary, type UnpackedFile } from './zip-archive.js';
export { createServeActivities, RESULT_ENTRY_NAME, type ServeActivities, type ServeActivityOptions } from './activities/serve-activities.js';
export type { ServeCompute, SegmentStudyJob, ServeStepProgress } from './activities/serve-compute.js';
export { BAD_UPLOAD, type ServeRunRef, type UnpackedUpload, type SegmentedStudy, type ServeRunOutcome } from './activities/serve-types.js';
export { serveRequest, servePhaseQuery, type ServeRequestInput, type ServePhase } from './workflows/serve-request.js';
export { serveWorkflowsPath } from './workflows-path.js';
export { SERVE_TASK_QUEUE } from './task-queue.js';
