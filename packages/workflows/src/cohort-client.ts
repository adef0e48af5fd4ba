import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { RunSpec, type RunSpecInput } from './run-spec.js';
import { cohortEvaluation, progressQuery, type CohortProgress } from './workflows/cohort-evaluation.js';

/** The workflow id of a run: one run id, one workflow id chain (continue-as-new keeps it). */
export function cohortWorkflowId(runId: string): string {
  return `seahorse-run-${runId}`;
}

/** Thrown when a completed run is started again without `force`. */
export class RunAlreadyCompletedError extends Error {
  readonly code = 'RUN_ALREADY_COMPLETED';
  constructor(readonly runId: string) {
    super(`run ${runId} already completed; its results are kept (use --force to recompute it)`);
    this.name = 'RunAlreadyCompletedError';
  }
}

/**
 * How a start treats an earlier execution of the same run id:
 * - `evaluate`: attach to a running one; start again after a failed, cancelled or terminated one;
 *   refuse a completed one ({@link RunAlreadyCompletedError}).
 * - `resume`: as `evaluate`, but a completed run is started again too. Either way, subjects whose
 *   valid result exists (same idempotency key) are skipped, so only what is missing or failed is
 *   computed.
 * With `spec.force`, every subject is recomputed.
 */
export type StartMode = 'evaluate' | 'resume';

/**
 * Starts a cohort evaluation, or attaches to the running one with the same run id
 * (`workflowIdConflictPolicy: USE_EXISTING`): a run is never executing twice.
 * @throws RunAlreadyCompletedError (mode `evaluate`, completed run, no force), or a ZodError for an invalid spec.
 */
export async function startCohortEvaluation(
  client: Client,
  specInput: RunSpecInput,
  options: { taskQueue: string; mode?: StartMode },
): Promise<WorkflowHandle<typeof cohortEvaluation>> {
  const spec = RunSpec.parse(specInput);
  const rerunCompleted = spec.force || options.mode === 'resume';
  try {
    return await client.workflow.start(cohortEvaluation, {
      workflowId: cohortWorkflowId(spec.runId),
      taskQueue: options.taskQueue,
      args: [{ spec }],
      workflowIdReusePolicy: rerunCompleted ? 'ALLOW_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new RunAlreadyCompletedError(spec.runId);
    throw err;
  }
}

/** The live progress of a run (follows continue-as-new to the latest execution). */
export async function queryCohortProgress(client: Client, runId: string): Promise<CohortProgress> {
  return await client.workflow.getHandle(cohortWorkflowId(runId)).query(progressQuery);
}
