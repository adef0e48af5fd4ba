// Public API of @seahorse/workflows: the cohort workflow, its activities and their compute
// contract, the layout of a run folder, and a local Temporal dev server.
export { DevServer, freePort, type DevServerOptions } from './dev-server.js';
export { TemporalCluster, TEMPORAL_SERVER_VERSION, temporalClusterScript, type TemporalClusterOptions } from './temporal-cluster.js';
export { TEMPORAL_CLI_VERSION, TEMPORAL_CLI_ENV, resolveTemporalCli } from './temporal-cli.js';
export { workflowsPath } from './workflows-path.js';
export { RunSpec, RunId, RUN_DEFAULTS, DEFAULT_TASK_QUEUE, DEVICE_WORDS, DeviceWord, inferenceTaskQueueOf, type RunSpecInput } from './run-spec.js';
export {
  RunFolder, RunFolderError, RUN_FOLDER_FILES, RESULT_FORMAT_VERSION, subjectFolderName,
  PlannedSubject, RunPlan, SubjectResult, FailureRecord, StructureMetricsRow, StructureVolumeRow,
  type RunFolderStatus, type RunFolderContents,
} from './run-folder.js';
export {
  cohortEvaluation, pauseSignal, resumeSignal, progressQuery,
  type CohortEvaluationInput, type CohortEvaluationResult, type CohortProgress, type CohortCounts,
  HISTORY_EVENTS_CAP,
} from './workflows/cohort-evaluation.js';
export {
  cohortSubject, subjectFinishedSignal, subjectWorkflowId, type CohortSubjectInput, type SubjectFinished,
} from './workflows/cohort-subject.js';
export { assertRunRootVisible, folderAccessProblem, RUN_FOLDER_NOT_VISIBLE } from './run-folder-access.js';
export {
  createCohortActivities, aggregateRunReports,
  type CohortActivities, type CohortActivityOptions, type ActivityExecutionEvent,
} from './activities/cohort-activities.js';
export type {
  CohortDeps, StepProgress, InferenceOverrides, ModelDescription, SegmentedSubject, SubjectMeasures, SubjectReportInput,
} from './activities/cohort-deps.js';
export {
  BAD_SUBJECT_INPUT,
  type CohortPlan, type CohortReport, type PreparedSubject, type SubjectToCompute, type InferredSubject, type MeasuredSubject,
  type SubjectOutcome, type SubjectRef,
} from './activities/cohort-types.js';
export { startCohortEvaluation, queryCohortProgress, cohortWorkflowId, RunAlreadyCompletedError, type StartMode } from './cohort-client.js';
