export { DevServer, freePort, type DevServerOptions } from './dev-server.js';
export { TEMPORAL_CLI_VERSION, TEMPORAL_CLI_ENV, resolveTemporalCli } from './temporal-cli.js';
export { workflowsPath } from './workflows-path.js';
export { createSkeletonActivities, type SkeletonActivities, type GreetingReport } from './activities/skeleton-activities.js';
export {
  greetingWorkflow, tallyWorkflow, addSignal, finishSignal, tallyQuery, type TallyState,
} from './workflows/skeleton-workflows.js';
export { RunSpec, RunId, type RunSpecInput } from './run-spec.js';
export {
  cohortEvaluation, pauseSignal, resumeSignal, progressQuery,
  type CohortEvaluationInput, type CohortEvaluationResult, type CohortProgress, type CohortCounts,
} from './workflows/cohort-evaluation.js';
export { createCohortActivities, aggregateRunReports, RESULT_FORMAT_VERSION, readRunSpecFile, type CohortActivities, type ActivityExecutionEvent, type SubjectResultFile } from './activities/cohort-activities.js';
export type { CohortDeps, PlannedSubject, StructureMetricsRow, StepProgress } from './activities/cohort-deps.js';
export { BAD_INPUT_ERROR_TYPES, type CohortPlan, type CohortReport, type PreparedSubject, type SubjectOutcome } from './activities/cohort-types.js';
export { startCohortEvaluation, queryCohortProgress, cohortWorkflowId, RunAlreadyCompletedError, type StartMode } from './cohort-client.js';
export { writeJsonAtomic, readJsonIfValid, sha256File, subjectDir, subjectFolderName } from './activities/run-files.js';
export { reportHtml, escapeHtml, markdownTableToHtml, csvToHtml, type ReportHtmlInput } from './activities/report-html.js';
